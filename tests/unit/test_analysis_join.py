"""The analysis's join rules, in process: one row per model, size precedence, re-crawled evaluations
(`python -m analysis` refusing and its defaults, as a user runs it: tests/e2e/test_analysis_join.py)."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import pyarrow as pa
import pyarrow.parquet as pq

from analysis.data.tidy import build_table, one_row_per_model
from llmbench.items import HubModelItem, LeaderboardItem, ModelSizeItem, schema_of
from llmbench.pipelines.parquet_writer import to_row
from llmbench.storage import partition_dir
from tests.analysis_fixtures import NOW, board, write


def test_one_row_per_model_rule_and_size_precedence(tmp_path):
    data = tmp_path / "data"
    write(data, [board("org/A", "float16", "b", "2024-05-01", 10.0),
                 board("org/A", "bfloat16", "c", "2024-05-01", 30.0),  # same date: bfloat16 wins
                 board("org/A", "bfloat16", "a", "2024-01-01", 50.0),  # older: loses despite the higher score
                 board("org/B", params_b=3.0), board("org/C", params_b=5.0), board("org/D", params_b=-1.0)])
    write(data, [HubModelItem(model_id="org/a", author="org", params=8_000_000_000, params_source="safetensors",
                              license="mit", crawled_at=NOW, endpoint="e"),
                 HubModelItem(model_id="org/B", author="org", crawled_at=NOW, endpoint="e"),
                 HubModelItem(model_id="org/C", author="org", crawled_at=NOW, endpoint="e"),
                 HubModelItem(model_id="org/Z", author="org", crawled_at=NOW, endpoint="e")])
    write(data, [ModelSizeItem(model_id="org/B", params=2_500_000_000, params_source="config", exact=False,
                               crawled_at=NOW)])
    table = build_table(data, "join").set_index("model_id")
    assert list(table.index) == ["org/A", "org/B", "org/C"]  # D and Z are not in both
    assert table.loc["org/A", "revision"] == "c" and table.loc["org/A", "average"] == 30.0
    assert table.loc["org/A", "params_b"] == 8.0 and table.loc["org/A", "size_source"] == "hub:safetensors"
    assert table.loc["org/B", "params_b"] == 2.5 and table.loc["org/B", "size_source"] == "model_pages:config"
    assert table.loc["org/C", "params_b"] == 5.0 and table.loc["org/C", "size_source"] == "leaderboard"
    assert table.loc["org/A", "license_class"] == "open"
    whole = build_table(data, "leaderboard").set_index("model_id")
    assert math.isnan(whole.loc["org/D", "params_b"]) and whole.loc["org/D", "size_source"] == "unknown"
    assert len(one_row_per_model(pq.read_table(next(data.glob("leaderboard/*/*.parquet"))).to_pandas())) == 4


def test_a_recrawled_evaluation_counts_once_with_its_latest_values(tmp_path):
    data = tmp_path / "data"
    later = datetime(2026, 11, 25, 12, tzinfo=UTC)
    write(data, [board("org/A", average=10.0), board("org/A", "float16", average=5.0), board("org/B"),
                 board("org/C")])
    path = partition_dir(data, "leaderboard", NOW.date()) / "part-later.parquet"
    table = pa.Table.from_pylist([to_row(board("org/A", average=40.0))], schema=schema_of(LeaderboardItem))
    pq.write_table(table.set_column(table.schema.get_field_index("crawled_at"), "crawled_at",
                                    pa.array([later], table.schema.field("crawled_at").type)), path)
    write(data, [HubModelItem(model_id=m, author="org", params=7_000_000_000, params_source="safetensors",
                              crawled_at=NOW, endpoint="e", downloads=1) for m in ("org/A", "org/B", "org/C")])
    hub_later = partition_dir(data, "hub_models", NOW.date()) / "part-later.parquet"
    pq.write_table(pa.Table.from_pylist([to_row(HubModelItem(model_id="org/a", author="org", downloads=99,
                                                             crawled_at=later, endpoint="e"))],
                                        schema=schema_of(HubModelItem)), hub_later)
    result = build_table(data, "join").set_index("model_id")
    assert result.loc["org/A", "average"] == 40.0 and result.loc["org/A", "evaluations"] == 2
    assert result.loc["org/A", "downloads"] == 99 and result.loc["org/B", "evaluations"] == 1
