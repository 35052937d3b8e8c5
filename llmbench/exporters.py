"""Feed exporters that write rows, so `scrapy crawl hub -O models.parquet` works as Scrapy users expect.

The hub spider yields a page per item (items.HubModelsPage); these exporters, registered for their
formats in FEED_EXPORTERS, write a page's rows one by one (models, then their eval results), so a feed
gets one row per model as when each model was an item. Other items are written as themselves.

A parquet file has one schema: the first item's class decides it. Items of another class (the hub
crawl's eval results beside its models) are left out of that file, counted, and named in one warning
at the end, which says how to write them too (FEEDS `item_classes`, one file per class); they are in
DATA_DIR's datasets either way.
"""

from __future__ import annotations

import logging
from collections import Counter
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from scrapy.exporters import (
    BaseItemExporter,
    CsvItemExporter,
    JsonItemExporter,
    JsonLinesItemExporter,
    XmlItemExporter,
)

from llmbench.items import schema_of
from llmbench.pipelines.parquet_writer import to_row
from llmbench.pipelines.rows import is_page, rows_of

logger = logging.getLogger(__name__)


class ParquetItemExporter(BaseItemExporter):
    """Buffers rows and writes row groups of `batch_size`; the schema comes from the first item's class."""

    def __init__(self, file: Any, batch_size: int = 5000, **kwargs: Any) -> None:
        super().__init__(dont_fail=True, **kwargs)
        self.file = file
        self.batch_size = batch_size
        self.rows: list[dict[str, Any]] = []
        self.schema: pa.Schema | None = None
        self.writer: pq.ParquetWriter | None = None
        self.item_class: type | None = None
        self.left_out: Counter[str] = Counter()

    def export_item(self, item: Any) -> None:
        for row in rows_of(item):
            self.export_row(row)

    def export_row(self, item: Any) -> None:
        if self.schema is None:
            self.item_class = type(item)
            self.schema = schema_of(self.item_class)
        elif type(item) is not self.item_class:
            self.left_out[type(item).__name__] += 1
            return
        self.rows.append(to_row(item))
        if len(self.rows) >= self.batch_size:
            self._write()

    def _write(self) -> None:
        if not self.rows or self.schema is None:
            return
        table = pa.Table.from_pylist(self.rows, schema=self.schema)
        if self.writer is None:
            self.writer = pq.ParquetWriter(self.file, self.schema, compression="zstd")
        self.writer.write_table(table)
        self.rows = []

    def finish_exporting(self) -> None:
        self._write()
        if self.writer is not None:
            self.writer.close()
        if self.left_out:
            assert self.item_class is not None
            logger.warning("the parquet feed holds %s rows only (one schema per file); left out of it: %s. They are "
                           "in the crawl's DATA_DIR datasets; a spider yielding one item per row can also give each "
                           "class its own file with FEEDS item_classes (the hub spider's items are pages)",
                           self.item_class.__name__,
                           ", ".join(f"{count} {name}" for name, count in self.left_out.items()))


class RowsExporter:
    """A mixin before one of Scrapy's exporters: a page item is exported as its rows."""

    def export_item(self, item: Any) -> Any:
        if not is_page(item):
            return super().export_item(item)  # type: ignore[misc]
        for row in rows_of(item):
            super().export_item(row)  # type: ignore[misc]
        return None


class JsonLinesRowsExporter(RowsExporter, JsonLinesItemExporter):
    """`jsonlines`/`jsonl`: one line per row."""


class JsonRowsExporter(RowsExporter, JsonItemExporter):
    """`json`: one array element per row."""


class CsvRowsExporter(RowsExporter, CsvItemExporter):
    """`csv`: one line per row (the first row's fields are the header, as in Scrapy)."""


class XmlRowsExporter(RowsExporter, XmlItemExporter):
    """`xml`: one element per row."""
