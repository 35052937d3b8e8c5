"""Comparing leaderboard rows: the field report, and `scrapy verify` on two snapshots written to disk."""

from __future__ import annotations

import copy
from datetime import UTC, datetime

from llmbench.leaderboard_compare import compare_rows
from llmbench.parsing.leaderboard import item_from_formatted
from llmbench.replica.leaderboard.snapshot import formatted_rows

NOW = datetime(2026, 11, 25, tzinfo=UTC)
ROWS = formatted_rows()[:50]


def parsed(row, source="json"):
    return vars(item_from_formatted(row, source=source, url="u", crawled_at=NOW))


def test_each_differing_field_is_reported():
    changed = copy.deepcopy(ROWS[0])
    changed["metadata"]["hub_hearts"] += 1
    changed["evaluations"]["bbh"]["normalized_score"] += 0.5
    stranger = parsed(ROWS[1]) | {"model_id": "a/b"}
    report = compare_rows([parsed(ROWS[0]), stranger], [parsed(changed), parsed(ROWS[2])])
    assert report["fields"] == {"hearts": 1, "bbh": 1} and report["rows_compared"] == 1
    assert report["missing_in_reference"] == [["a/b", stranger["precision"], stranger["revision"]]]
    assert report["missing_in_crawled"] == 1
    assert compare_rows([parsed(r) for r in ROWS], [parsed(r) for r in ROWS])["differences"] == []


def test_dom_rows_are_compared_at_two_decimals_and_nulls_skipped():
    reference = parsed(ROWS[0])
    dom = {k: round(v, 2) if isinstance(v, float) else v for k, v in reference.items()}
    dom |= {"source": "dom", "ifeval_raw": None}
    assert compare_rows([dom], [reference])["differences"] == []
    off = dom | {"average": round(reference["average"], 2) + 0.01}
    assert compare_rows([off], [reference])["fields"] == {"average": 1}
