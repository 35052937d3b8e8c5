"""A card's `model-index` (`expand=model-index` on the model list / model info) → `CardResultItem`s,
one per metric (docs/model-index.md).

Every shape real cards carry parses into rows: several entries, missing `source`/`task.name`/metric
`name`/`type`, values that are strings (`"~5.7"`, `NA`, `7.84%`, `0,857`), `null`, `-1` placeholders,
lists, fractions next to percents, `args` as a bare string, `task` type and name swapped, `veriefied`.
A value that is not a number is *not* an error: its row keeps the text, `value_number` null and the
reason. Only a structure that is not a model-index at all is invalid (reported back, never raised, so
one bad entry/result/metric costs that part alone): model-index not a list, an entry or result or
metric that is not a mapping, `results` or `metrics` that is not a list.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from llmbench.items import CardResultItem

BOARD_V1_COPY, BOARD_V2_COPY, CLAIM = "board_v1_copy", "board_v2_copy", "claim"
# Where the leaderboard bot pointed its copies (the v1 Space later moved to open-llm-leaderboard-old/).
_V1_SPACES = ("spaces/huggingfaceh4/open_llm_leaderboard", "spaces/open-llm-leaderboard-old/open_llm_leaderboard")
_V2_SPACE = "spaces/open-llm-leaderboard/open_llm_leaderboard"
# Metrics whose scale is 0–1 or 0–100 (accuracies, exact match, pass@k, error rates): the others
# (perplexity, Brier, ECE, indexes, rates of unstated scale) are never rescaled.
_BOUNDED = re.compile(r"^(acc|acc_norm|accuracy|exact_match|em|f1|mc1|mc2|wer|cer|pass@\d+|.*strict_acc.*)$",
                      re.I)
_NUMERIC = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@dataclass
class ParsedCard:
    items: list[CardResultItem] = field(default_factory=list)
    invalid: list[tuple[str, str]] = field(default_factory=list)  # (where in the card, why)


def value_text(value: Any) -> str | None:
    """The value as filed, as text; lists and mappings as JSON; None for `null`."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)):
        return repr(value)
    return json.dumps(value, ensure_ascii=False)


def value_number(value: Any) -> float | None:
    """A number, or a numeric string (decimal comma read as a point, a trailing `%` dropped); else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        try:
            number = float(value)
        except OverflowError:
            return None
        return number if math.isfinite(number) else None
    if not isinstance(value, str):
        return None
    text = value.strip().removesuffix("%").strip()
    if not _NUMERIC.match(text):
        return None
    number = float(text.replace(",", "."))
    return number if math.isfinite(number) else None


def source_kind(url: str | None) -> str:
    """`board_v1_copy` / `board_v2_copy` from the source URL the leaderboard bot wrote; `claim` otherwise."""
    lowered = (url or "").lower()
    if any(space in lowered for space in _V1_SPACES):
        return BOARD_V1_COPY
    if _V2_SPACE in lowered:
        return BOARD_V2_COPY
    return CLAIM


def is_bounded(metric_type: str | None) -> bool:
    return bool(metric_type) and bool(_BOUNDED.match(metric_type.strip()))


def percent(value: Any, number: float | None, metric_type: str | None, kind: str,
            card_in_fractions: bool) -> tuple[float | None, str]:
    """(value on 0–100 or None, why): board copies are percents; claims by metric and the card's scale."""
    if value is None:
        return None, "no value"
    if number is None:
        return None, f"not a number: {value_text(value)[:40]}"
    if number == -1:
        return None, "placeholder -1"
    if kind != CLAIM:
        return (number, "percent as filed") if 0 <= number <= 100 else (None, "out of range")
    if isinstance(value, str) and value.strip().endswith("%"):
        return (number, "percent sign") if 0 <= number <= 100 else (None, "out of range")
    if not is_bounded(metric_type):
        return None, f"unknown scale ({(metric_type or 'no metric type').strip()[:40]})"
    if not 0 <= number <= 100:
        return None, "out of range"
    if card_in_fractions:
        return round(number * 100, 10), "fraction x100"
    return number, "percent as filed"


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip() or None
    return value_text(value)


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _few_shot(args: Any) -> int | None:
    shots = _mapping(args).get("num_few_shot")
    if isinstance(shots, int) and not isinstance(shots, bool):
        return shots
    if isinstance(shots, str) and shots.strip().isdigit():
        return int(shots.strip())
    return None


def _verified(metric: dict[str, Any]) -> bool | None:
    raw = metric["verified"] if "verified" in metric else metric.get("veriefied")
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.strip().lower() in ("true", "false"):
        return raw.strip().lower() == "true"
    return None


def _task(task: Any) -> tuple[str | None, str | None]:
    """(type, name); a result that wrote the display name as type and the slug as name is read back."""
    mapping = _mapping(task)
    kind, name = _text(mapping.get("type")), _text(mapping.get("name"))
    if kind and name and not _SLUG.match(kind) and _SLUG.match(name):
        return name, kind
    return kind, name


def _walk(card: list[Any], invalid: list[tuple[str, str]]) -> Iterator[tuple[dict, int, int, dict, dict]]:
    """(entry, result index across entries, metric index, result, metric) of every well-formed metric; the
    parts that are not a model-index go to `invalid` with where they are."""
    result_index = 0
    for e, entry in enumerate(card):
        where = f"model-index[{e}]"
        if not isinstance(entry, dict):
            invalid.append((where, f"entry is a {type(entry).__name__}, not a mapping"))
            continue
        results = entry.get("results")
        if not isinstance(results, list):
            invalid.append((f"{where}.results", f"results is a {type(results).__name__}, not a list"))
            continue
        for r, result in enumerate(results):
            index, result_index = result_index, result_index + 1
            at = f"{where}.results[{r}]"
            if not isinstance(result, dict):
                invalid.append((at, f"result is a {type(result).__name__}, not a mapping"))
                continue
            metrics = result.get("metrics")
            if not isinstance(metrics, list):
                invalid.append((f"{at}.metrics", f"metrics is a {type(metrics).__name__}, not a list"))
                continue
            for m, metric in enumerate(metrics):
                if not isinstance(metric, dict):
                    invalid.append((f"{at}.metrics[{m}]", f"metric is a {type(metric).__name__}, not a mapping"))
                    continue
                yield entry, index, m, result, metric


def parse_model_index(model_id: str, card: Any, *, crawled_at: datetime) -> ParsedCard:
    """Every metric of one card's `model-index` as a row; structurally invalid parts go to `invalid`."""
    parsed = ParsedCard()
    if card is None:
        return parsed
    if not isinstance(card, list):
        parsed.invalid.append(("model-index", f"model-index is a {type(card).__name__}, not a list"))
        return parsed
    found = list(_walk(card, parsed.invalid))
    kinds = [source_kind(_text(_mapping(result.get("source")).get("url"))) for _, _, _, result, _ in found]
    claims = [value_number(metric.get("value")) for (_, _, _, _, metric), kind in zip(found, kinds, strict=True)
              if kind == CLAIM and is_bounded(_text(metric.get("type")))]
    claims = [n for n in claims if n is not None and n != -1]
    in_fractions = bool(claims) and all(0 <= n <= 1 for n in claims)
    for (entry, index, m, result, metric), kind in zip(found, kinds, strict=True):
        dataset, source = _mapping(result.get("dataset")), _mapping(result.get("source"))
        task_type, task_name = _task(result.get("task"))
        metric_type, value = _text(metric.get("type")), metric.get("value")
        number = value_number(value)
        pct, reason = percent(value, number, metric_type, kind, in_fractions)
        token = metric.get("verifyToken")
        parsed.items.append(CardResultItem(
            model_id=model_id, entry_name=_text(entry.get("name")), result_index=index, metric_index=m,
            task_type=task_type, task_name=task_name,
            dataset_type=_text(dataset.get("type")), dataset_name=_text(dataset.get("name")),
            dataset_config=_text(dataset.get("config")), dataset_split=_text(dataset.get("split")),
            dataset_revision=_text(dataset.get("revision")), num_few_shot=_few_shot(dataset.get("args")),
            metric_type=metric_type, metric_name=_text(metric.get("name")),
            value=value_text(value), value_number=number, value_pct=pct, value_pct_reason=reason,
            source_name=_text(source.get("name")), source_url=_text(source.get("url")), source_kind=kind,
            verified=_verified(metric), verify_token=token if isinstance(token, str) and token else None,
            crawled_at=crawled_at,
        ))
    return parsed
