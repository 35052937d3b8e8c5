"""The `-a models=` forms: a comma list, .txt/.csv/.parquet files, and `hub`."""

from __future__ import annotations

from datetime import UTC, datetime

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from llmbench.items import HubModelItem, schema_of
from llmbench.model_lists import load_models
from llmbench.pipelines.parquet_writer import to_row
from llmbench.storage import DatasetError, partition_dir


def test_forms(tmp_path):
    assert load_models(None, str(tmp_path)) is None
    assert load_models(" org/a , org/b ,", str(tmp_path)) == ["org/a", "org/b"]
    (tmp_path / "m.txt").write_text("org/a\n\norg/b\n")
    assert load_models(str(tmp_path / "m.txt"), str(tmp_path)) == ["org/a", "org/b"]
    (tmp_path / "m.csv").write_text("model_id,score\norg/a,1\norg/c,2\n")
    assert load_models(str(tmp_path / "m.csv"), str(tmp_path)) == ["org/a", "org/c"]
    pq.write_table(pa.table({"other": [1, 2], "model_id": ["org/x", None]}), tmp_path / "m.parquet")
    assert load_models(str(tmp_path / "m.parquet"), str(tmp_path)) == ["org/x"]


def test_hub_snapshot(tmp_path):
    with pytest.raises(DatasetError):
        load_models("hub", str(tmp_path))
    now = datetime(2026, 11, 25, tzinfo=UTC)
    rows = [to_row(HubModelItem(model_id=m, author="org", crawled_at=now, endpoint="e")) for m in ("org/a", "org/b")]
    path = partition_dir(tmp_path, "hub_models", now.date()) / "part-1.parquet"
    path.parent.mkdir(parents=True)
    pq.write_table(pa.Table.from_pylist(rows, schema=schema_of(HubModelItem)), path)
    assert sorted(load_models("hub", str(tmp_path))) == ["org/a", "org/b"]
