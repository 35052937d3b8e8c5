"""`evalResults` (model info / model list `expand`) → `EvalResultItem`s, one per filed result.

Each element wraps one `.eval_results/*.yaml` entry: `{filename, verified, data, pullRequest?}`. A file
the Hub failed to validate comes as `{filename, error}` with no data (docs/community-evals.md §4): it is reported
back, never raised, so one bad file costs that file alone; so is a value that is not a finite number
(NaN, ±Infinity: `value` is required, so such a result has no row; its reason is counted and logged).
Values are kept exactly as filed (percent, fraction or a metric such as seconds); `source`, `notes`,
`date` are optional.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from llmbench.items import EvalResultItem


@dataclass
class ParsedResults:
    items: list[EvalResultItem] = field(default_factory=list)
    invalid: list[tuple[str, str]] = field(default_factory=list)  # (filename, why)


def number(value: Any) -> float | None:
    """A filed value as a finite float, or None when it is not a number (booleans, NaN, ±Infinity and
    integers beyond a float's range are not)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _entry(model_id: str, element: dict[str, Any], crawled_at: datetime) -> EvalResultItem | str:
    """One wrapped element → an item, or the reason it is unusable."""
    data = element.get("data", element)
    dataset = data.get("dataset") if isinstance(data, dict) else None
    if not isinstance(dataset, dict) or not _text(dataset.get("id")) or not _text(dataset.get("task_id")):
        return "no dataset id or task id"
    value = number(data.get("value"))
    if value is None:
        return f"value {str(data.get('value'))[:40]!r} is not a finite number"
    source = data.get("source") if isinstance(data.get("source"), dict) else {}
    pull = element.get("pullRequest")
    return EvalResultItem(
        model_id=model_id,
        dataset_id=dataset["id"],
        task_id=dataset["task_id"],
        value=value,
        verified=bool(element.get("verified", False)),
        date=str(data["date"]) if data.get("date") is not None else None,
        source_url=_text(source.get("url")),
        source_name=_text(source.get("name")),
        notes=_text(data.get("notes")),
        pull_request=pull if isinstance(pull, int) and not isinstance(pull, bool) else None,
        filename=_text(element.get("filename")) or "",
        crawled_at=crawled_at,
    )


def parse_eval_results(model_id: str, raw: Any, *, crawled_at: datetime) -> ParsedResults:
    """Every usable result of one model; error placeholders and unusable entries go to `invalid`."""
    parsed = ParsedResults()
    if not isinstance(raw, list):
        parsed.invalid.append(("", f"evalResults is a {type(raw).__name__}, not a list"))
        return parsed
    for element in raw:
        if not isinstance(element, dict):
            parsed.invalid.append(("", f"entry is a {type(element).__name__}"))
            continue
        filename = str(element.get("filename") or "")
        if "error" in element:
            parsed.invalid.append((filename, " ".join(str(element["error"]).split())))
            continue
        outcome = _entry(model_id, element, crawled_at)
        if isinstance(outcome, str):
            parsed.invalid.append((filename, outcome))
        else:
            parsed.items.append(outcome)
    return parsed


class InvalidResultsReporter:
    """Counts unusable result files (or card parts) under one stat; logs the first with its model, file and
    URL, then counts. `what` names them in the log (`eval result`, `card result`)."""

    def __init__(self, crawler: Any, logger: logging.Logger | logging.LoggerAdapter, stat: str, *,
                 what: str = "eval result") -> None:
        self.crawler, self.logger, self.stat, self.what = crawler, logger, stat, what
        self.count = 0

    def report(self, model_id: str, invalid: list[tuple[str, str]], url: str | None = None) -> None:
        at = f" ({url})" if url else ""
        for filename, why in invalid:
            self.count += 1
            self.crawler.stats.inc_value(self.stat)
            if self.count == 1:
                self.logger.warning("unusable %s in %s %s%s: %s (skipped; further ones are only counted in %s)",
                                    self.what, model_id, filename or "(no filename)", at, why, self.stat)
            else:
                self.logger.debug("unusable %s in %s %s%s: %s", self.what, model_id, filename, at, why)
