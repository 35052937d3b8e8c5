"""Field-by-field comparison of two sets of leaderboard rows, keyed by `LeaderboardItem.key_fields`.

Used by `scrapy verify` (two snapshots on disk) and by `scrapy crawl leaderboard -a verify=dataset`
(the rows just crawled against the board's own dataset). Fields a crawled row lacks (null: raw scores
on the DOM path) are not compared; DOM rows show two decimals, so the reference is rounded for them.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from llmbench.items import LeaderboardItem

NOT_COMPARED = frozenset({"source", "url", "crawled_at", "canonical_id"})  # not the board's: the Hub's


def key_of_row(row: dict[str, Any]) -> tuple:
    return tuple(row[name] for name in LeaderboardItem.key_fields)


def same_value(value: Any, expected: Any, *, rounded: bool) -> bool:
    if isinstance(value, float) and isinstance(expected, float):
        if rounded:
            expected = round(expected, 2)
        return math.isclose(value, expected, rel_tol=1e-9, abs_tol=1e-12)
    return value == expected


def compare_rows(crawled: list[dict[str, Any]], reference: list[dict[str, Any]]) -> dict[str, Any]:
    """Every field where a crawled row and the reference row with the same key disagree."""
    by_key = {key_of_row(row): row for row in reference}
    differences: list[dict[str, Any]] = []
    fields_count: dict[str, int] = {}
    missing: list[list[Any]] = []
    for row in crawled:
        key = key_of_row(row)
        other = by_key.get(key)
        if other is None:
            missing.append(list(key))
            continue
        for name, value in row.items():
            if name in NOT_COMPARED or value is None or name not in other:
                continue
            if not same_value(value, other[name], rounded=row.get("source") == "dom"):
                fields_count[name] = fields_count.get(name, 0) + 1
                differences.append({"key": list(key), "field": name, "crawled": value, "reference": other[name]})
    crawled_keys = {key_of_row(row) for row in crawled}
    return {"rows_compared": len(crawled) - len(missing), "fields": fields_count, "differences": differences,
            "missing_in_reference": missing,
            "missing_in_crawled": sum(1 for key in by_key if key not in crawled_keys)}


def summary(report: dict[str, Any]) -> str:
    return (f"{report['rows_compared']} rows compared, {len(report['differences'])} differing fields "
            f"{report['fields'] or ''}, {len(report['missing_in_reference'])} not in the reference")


def write_report(report: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=1, default=str))
