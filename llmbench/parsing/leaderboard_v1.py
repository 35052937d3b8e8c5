"""The archived v1 board's table (from its Gradio page's config) → `LeaderboardV1Item`s.

The v1 app's full table is the `dataframe` whose headers include `Hub ❤️` (gradio_page.py). Its columns
are read by header name, so their order may change; a missing one means the page changed and nothing
is read (`V1ShapeError`, one line naming the headers). A row that does not fit (a cell of the wrong kind,
a short row) costs that row alone (`V1RowError`). Values are kept as the board showed them; the only
translations are: the Model cell's HTML → its link text (kept only to check it names the same repo as
`fullname`), `#Params (B)` 0 → null (unknown), empty strings → null, the `date` → a day and a time (UTC).
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from llmbench.items import LeaderboardV1Item
from llmbench.parsing.gradio_page import GradioPageError, dataframe_with_header, gradio_config

TABLE_MARKER = "Hub ❤️"  # the column that tells the full table from the visible one
SCORES = {"Average ⬆️": "average", "ARC": "arc", "HellaSwag": "hellaswag", "MMLU": "mmlu",
          "TruthfulQA": "truthfulqa", "Winogrande": "winogrande", "GSM8K": "gsm8k"}
TEXTS = {"Precision": "precision", "Weight type": "weight_type", "Architecture": "architecture",
         "Hub License": "license", "Model sha": "revision"}
FLAGS = {"Merged": "is_merged", "MoE": "is_moe", "Flagged": "is_flagged", "Available on the hub": "available_on_hub"}
OTHERS = ("T", "Model", "Type", "#Params (B)", "Hub ❤️", "date", "fullname")
EXPECTED = (*SCORES, *TEXTS, *FLAGS, *OTHERS)
# `T` symbol → type, as the v2 dataset names them (the v1 `Type` text is "<symbol> <long name>")
TYPES = {"🟢": "pretrained", "🟩": "continuously pretrained", "🔶": "fine-tuned", "💬": "chat", "🤝": "merge"}
LINK = re.compile(r"<a\b[^>]*>(?P<text>.*?)</a>", re.DOTALL | re.IGNORECASE)


class V1ShapeError(GradioPageError):
    """The page has no v1 table, or its table lacks columns the board always had."""


class V1RowError(ValueError):
    """One row that does not fit the table's columns."""


def v1_table(page: str) -> tuple[list[str], list[Any]]:
    """(headers, rows) of the v1 board in a page; V1ShapeError (a GradioPageError) when it is not there."""
    try:
        headers, rows = dataframe_with_header(gradio_config(page), TABLE_MARKER)
    except V1ShapeError:
        raise
    except GradioPageError as exc:
        raise V1ShapeError(str(exc)) from None
    missing = [h for h in EXPECTED if h not in headers]
    if missing:
        raise V1ShapeError(f"has a board table without the columns {', '.join(missing)} "
                           f"(headers now: {', '.join(headers)[:300]})")
    return headers, rows


def items_from_page(page: str, *, url: str, crawled_at: datetime) -> Iterator[LeaderboardV1Item | V1RowError]:
    """Every row of the page's v1 table as an item, or the V1RowError that row raised (yielded, not
    raised: a bad row costs that row alone). V1ShapeError when the table is not there at all."""
    headers, rows = v1_table(page)
    position = {header: index for index, header in enumerate(headers)}
    for number, row in enumerate(rows):
        try:
            if not isinstance(row, list) or len(row) < len(headers):
                raise V1RowError(f"row {number} is not a list of {len(headers)} cells: {str(row)[:120]}")
            yield item_from_cells({h: row[i] for h, i in position.items()}, url=url, crawled_at=crawled_at)
        except V1RowError as exc:
            yield exc


def item_from_cells(cells: dict[str, Any], *, url: str, crawled_at: datetime) -> LeaderboardV1Item:
    """One row (header → cell value as the config holds it) → item."""
    model_id = text(cells, "fullname") or link_text(cells["Model"])
    if not model_id:
        raise V1RowError(f"row without a model name: {str(cells)[:160]}")
    shown = link_text(cells["Model"])
    if shown and shown != model_id:
        raise V1RowError(f"Model link {shown!r} does not name the row's model {model_id!r}")
    values: dict[str, Any] = {field: number(cells, header) for header, field in SCORES.items()}
    values |= {field: text(cells, header) for header, field in TEXTS.items()}
    values |= {field: flag(cells, header) for header, field in FLAGS.items()}
    if not values["precision"]:
        raise V1RowError(f"row of {model_id!r} without a precision (part of the row's key)")
    values["revision"] = values["revision"] or ""  # part of the key: empty when the board has none, as in v2
    symbol = text(cells, "T")
    day, moment = submission(text(cells, "date"))
    params = number(cells, "#Params (B)")
    return LeaderboardV1Item(
        model_id=model_id, **values, type=TYPES.get(symbol or "") if text(cells, "Type") else None,
        type_symbol=symbol, params_billions=None if params is not None and params <= 0 else params,
        hearts=whole(cells, "Hub ❤️"), submission_date=day, submitted_at=moment, source="space_config",
        crawled_at=crawled_at, url=url,
    )


def link_text(cell: Any) -> str | None:
    """The first link's text in an HTML Model cell (the v1 app wrote the repo link, then 📑 details)."""
    if not isinstance(cell, str):
        return None
    match = LINK.search(cell)
    return html.unescape(match.group("text")).strip() if match else (cell.strip() or None)


def text(cells: dict[str, Any], header: str) -> str | None:
    value = cells[header]
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise V1RowError(f"{header} is {value!r}, not text")
    return value.strip() or None


def number(cells: dict[str, Any], header: str) -> float | None:
    value = cells[header]
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise V1RowError(f"{header} is {value!r}, not a number")
    return float(value)


def whole(cells: dict[str, Any], header: str) -> int | None:
    value = number(cells, header)
    if value is None or not math.isfinite(value):
        return None
    if value != int(value):
        raise V1RowError(f"{header} is {value!r}, not a whole number")
    return int(value)


def flag(cells: dict[str, Any], header: str) -> bool | None:
    value = cells[header]
    if value is None or value == "":
        return None
    if not isinstance(value, bool):
        raise V1RowError(f"{header} is {value!r}, not true/false")
    return value


def submission(value: str | None) -> tuple[str | None, datetime | None]:
    """The board's `date` (`2024-05-05T12:22:44Z`, a few `2023-09-15T11:25:37.918274` without a zone,
    read as UTC) → (YYYY-MM-DD, time); (None, None) when empty or unreadable."""
    if not value:
        return None, None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None, None
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return moment.date().isoformat(), moment
