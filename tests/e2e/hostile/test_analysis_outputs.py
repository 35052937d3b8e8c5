"""Hostile cases for `python -m analysis` as a user runs it: bad parquet is a message naming the file and
the column, never a traceback (the refusals, in process: tests/unit/hostile/test_analysis_outputs.py)."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from llmbench.items import HubModelItem, LeaderboardItem, schema_of
from llmbench.pipelines.parquet_writer import to_row
from llmbench.storage import partition_dir
from tests.conftest import ROOT

NOW = datetime(2026, 11, 25, tzinfo=UTC)


def _write(data: Path, items: list, name: str = "part-test.parquet") -> Path:
    item_class = type(items[0])
    path = partition_dir(data, item_class.dataset, NOW.date()) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist([to_row(i) for i in items], schema=schema_of(item_class)), path)
    return path


@pytest.fixture
def data(tmp_path) -> Path:
    """A small crawl: 12 models on the board and the Hub."""
    data = tmp_path / "project" / "data"
    board, hub = [], []
    for i in range(12):
        board.append(LeaderboardItem(model_id=f"org/m{i}", precision="bfloat16", revision="a", type="chat",
                                     average=10.0 + 2 * i, params_billions=0.5 + i, co2_kg=1.0 + i, source="json",
                                     crawled_at=NOW, submission_date="2024-06-01", upload_date="2024-05-01"))
        hub.append(HubModelItem(model_id=f"org/m{i}", author="org", params=int((0.5 + i) * 1e9), downloads=100 - i,
                                params_source="safetensors", license="mit" if i % 2 else "llama3",
                                pipeline_tag="text-generation", crawled_at=NOW, endpoint="e"))
    _write(data, board)
    _write(data, hub)
    return data


def _retyped(path: Path, column: str, values: list) -> None:
    table = pq.read_table(path)
    index = table.schema.get_field_index(column)
    pq.write_table(table.set_column(index, column, pa.array(values, type=pa.string())), path)


def test_wrong_schema_names_file_and_column_without_traceback(data, tmp_path):
    path = next(data.glob("leaderboard/*/*.parquet"))
    _retyped(path, "average", ["high"] * 12)
    out = tmp_path / "report"
    proc = subprocess.run([sys.executable, "-m", "analysis", "--data", str(data), "--out", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert f"{path}: column `average` is string, expected double" in proc.stderr
    assert not out.exists()
