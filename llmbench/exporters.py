"""A `parquet` feed exporter, so `scrapy crawl hub -O models.parquet` works as Scrapy users expect."""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from scrapy.exporters import BaseItemExporter

from llmbench.items import schema_of
from llmbench.pipelines.parquet_writer import to_row


class ParquetItemExporter(BaseItemExporter):
    """Buffers rows and writes row groups of `batch_size`; the schema comes from the first item's class."""

    def __init__(self, file: Any, batch_size: int = 5000, **kwargs: Any) -> None:
        super().__init__(dont_fail=True, **kwargs)
        self.file = file
        self.batch_size = batch_size
        self.rows: list[dict[str, Any]] = []
        self.schema: pa.Schema | None = None
        self.writer: pq.ParquetWriter | None = None

    def export_item(self, item: Any) -> None:
        if self.schema is None:
            self.schema = schema_of(type(item))
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
