"""`scrapy verify` on two leaderboard snapshots, as a user runs it (compare_rows itself:
tests/unit/test_leaderboard_compare.py)."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime

import pyarrow as pa
import pyarrow.parquet as pq

from llmbench.items import LeaderboardItem, schema_of
from llmbench.parsing.leaderboard import item_from_formatted
from llmbench.replica.leaderboard.snapshot import formatted_rows
from tests.conftest import ROOT

NOW = datetime(2026, 11, 25, tzinfo=UTC)
ROWS = formatted_rows()[:50]


def parsed(row, source="json"):
    return vars(item_from_formatted(row, source=source, url="u", crawled_at=NOW))


def write_snapshot(data_dir, rows, day="2026-11-25"):
    partition = data_dir / "leaderboard" / f"crawl_date={day}"
    partition.mkdir(parents=True)
    table = pa.Table.from_pylist(rows, schema=schema_of(LeaderboardItem))
    pq.write_table(table, partition / "part-00000.parquet")
    return partition


def verify(*args):
    return subprocess.run([sys.executable, "-m", "scrapy", "verify", *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def test_verify_command_on_two_snapshots(tmp_path):
    crawled = [parsed(r) for r in ROWS]
    reference = [parsed(r, source="dataset") for r in ROWS]
    write_snapshot(tmp_path / "a", crawled)
    partition = write_snapshot(tmp_path / "b", reference)
    same = verify(tmp_path / "a", partition)
    assert same.returncode == 0, same.stdout + same.stderr
    assert "50 rows compared, 0 differing fields" in same.stdout

    reference[3] = reference[3] | {"gpqa": reference[3]["gpqa"] + 1}
    write_snapshot(tmp_path / "c", reference)
    differ = verify(tmp_path / "a", tmp_path / "c", "--out", tmp_path / "report.json")
    assert differ.returncode == 1 and "1 differing fields {'gpqa': 1}" in differ.stdout
    assert (tmp_path / "report.json").read_text().count('"field": "gpqa"') == 1

    missing = verify(tmp_path / "a", tmp_path / "nowhere")
    assert missing.returncode == 2 and "no `leaderboard` snapshot" in missing.stdout
