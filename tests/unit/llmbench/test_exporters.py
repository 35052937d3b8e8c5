"""The `parquet` feed exporter (`scrapy crawl hub -O models.parquet`), in process: rows, schema, batches."""

from __future__ import annotations

import io
import logging
from datetime import UTC, datetime

import pyarrow.parquet as pq
from scrapy.utils.misc import load_object

from llmbench.exporters import ParquetItemExporter
from llmbench.items import EvalResultItem, ModelSizeItem, schema_of
from tests.inprocess import project_crawler

WHEN = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def size_item(n: int) -> ModelSizeItem:
    return ModelSizeItem(model_id=f"org/m{n}", canonical_id=None, params=n * 1_000_000, params_source="config",
                         exact=False, reason=None, candidates=[f"config: {n}M"], hub_params_reported=None,
                         crawled_at=WHEN)


def export(items: list, batch_size: int = 5000) -> io.BytesIO:
    file = io.BytesIO()
    exporter = ParquetItemExporter(file, batch_size=batch_size)
    exporter.start_exporting()
    for item in items:
        exporter.export_item(item)
    exporter.finish_exporting()
    file.seek(0)
    return file


def test_rows_come_back_with_the_items_declared_schema():
    table = pq.read_table(export([size_item(1), size_item(2)]))
    assert table.schema.equals(schema_of(ModelSizeItem))  # field docs included
    rows = table.to_pylist()
    assert [r["model_id"] for r in rows] == ["org/m1", "org/m2"]
    assert rows[1]["params"] == 2_000_000 and rows[1]["candidates"] == ["config: 2M"]
    assert rows[0]["crawled_at"] == WHEN


def test_rows_are_written_in_row_groups_of_batch_size():
    parquet = pq.ParquetFile(export([size_item(n) for n in range(5)], batch_size=2))
    assert [parquet.metadata.row_group(i).num_rows for i in range(parquet.num_row_groups)] == [2, 2, 1]
    assert parquet.read().column("model_id").to_pylist() == [f"org/m{n}" for n in range(5)]


def test_no_items_write_nothing():
    assert export([]).getvalue() == b""


def test_the_project_registers_it_as_the_parquet_format():
    crawler = project_crawler()
    assert load_object(crawler.settings.getdict("FEED_EXPORTERS")["parquet"]) is ParquetItemExporter


def test_items_of_another_class_are_left_out_and_named_once(caplog):
    other = EvalResultItem(model_id="org/m1", dataset_id="d", task_id="t", value=1.0, crawled_at=WHEN)
    with caplog.at_level(logging.WARNING, logger="llmbench.exporters"):
        table = pq.read_table(export([size_item(1), other, size_item(2), other]))
    assert table.schema.equals(schema_of(ModelSizeItem))
    assert table.column("model_id").to_pylist() == ["org/m1", "org/m2"]
    (message,) = [r.getMessage() for r in caplog.records]
    assert "ModelSizeItem rows only" in message and "2 EvalResultItem" in message and "item_classes" in message
