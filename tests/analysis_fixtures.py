"""Small hand-written datasets for the analysis tests (not a test module: the tests import from here)."""

from __future__ import annotations

from datetime import UTC, datetime

import pyarrow as pa
import pyarrow.parquet as pq

from llmbench.items import HubModelItem, LeaderboardItem, schema_of
from llmbench.pipelines.parquet_writer import to_row
from llmbench.storage import partition_dir

NOW = datetime(2026, 11, 25, tzinfo=UTC)


def write(data, items, name="part-test.parquet"):
    item_class = type(items[0])
    table = pa.Table.from_pylist([to_row(i) for i in items], schema=schema_of(item_class))
    path = partition_dir(data, item_class.dataset, NOW.date()) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path)
    return path


def board(model_id, precision="bfloat16", revision="a", submitted="2024-01-01", average=20.0, params_b=7.0):
    return LeaderboardItem(model_id=model_id, precision=precision, revision=revision, type="chat",
                           average=average, submission_date=submitted, params_billions=params_b, co2_kg=1.0,
                           source="json", crawled_at=NOW, **{b: average for b in
                                                             ("ifeval", "bbh", "math", "gpqa", "musr", "mmlu_pro")})


def small_crawl(data):
    """12 models on the board and the Hub, written to `data` as a crawl would."""
    board, hub = [], []
    for i in range(12):
        board.append(LeaderboardItem(model_id=f"org/m{i}", precision="bfloat16", revision="a", type="chat",
                                     average=10.0 + 2 * i, params_billions=0.5 + i, co2_kg=1.0 + i, source="json",
                                     crawled_at=NOW, submission_date="2024-06-01", upload_date="2024-05-01"))
        hub.append(HubModelItem(model_id=f"org/m{i}", author="org", params=int((0.5 + i) * 1e9), downloads=100 - i,
                                params_source="safetensors", license="mit" if i % 2 else "llama3",
                                pipeline_tag="text-generation", crawled_at=NOW, endpoint="e"))
    write(data, board)
    write(data, hub)
    return data
