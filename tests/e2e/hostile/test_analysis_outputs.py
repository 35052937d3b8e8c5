"""Hostile cases for `python -m analysis` as a user runs it: bad parquet is a message naming the file and
the column, never a traceback (the refusals, in process: tests/unit/hostile/test_analysis_outputs.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tests.analysis_fixtures import small_crawl
from tests.conftest import ROOT


@pytest.fixture
def data(tmp_path) -> Path:
    """A small crawl: 12 models on the board and the Hub."""
    return small_crawl(tmp_path / "project" / "data")


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
