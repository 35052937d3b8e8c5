"""Small hand-written datasets for the analysis tests (not a test module: the tests import from here)."""

from __future__ import annotations

from datetime import UTC, datetime

import pyarrow as pa
import pyarrow.parquet as pq

from llmbench.items import LeaderboardItem, schema_of
from llmbench.pipelines.parquet_writer import to_row
from llmbench.storage import partition_dir

NOW = datetime(2026, 11, 25, tzinfo=UTC)


def write(data, items):
    item_class = type(items[0])
    table = pa.Table.from_pylist([to_row(i) for i in items], schema=schema_of(item_class))
    path = partition_dir(data, item_class.dataset, NOW.date()) / "part-test.parquet"
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path)
    return path


def board(model_id, precision="bfloat16", revision="a", submitted="2024-01-01", average=20.0, params_b=7.0):
    return LeaderboardItem(model_id=model_id, precision=precision, revision=revision, type="chat",
                           average=average, submission_date=submitted, params_billions=params_b, co2_kg=1.0,
                           source="json", crawled_at=NOW, **{b: average for b in
                                                             ("ifeval", "bbh", "math", "gpqa", "musr", "mmlu_pro")})
