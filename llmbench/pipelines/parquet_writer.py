"""Write items to DATA_DIR/<dataset>/crawl_date=YYYY-MM-DD/ as parquet, one finished file per batch.

A batch is finalized every PARQUET_BATCH_ITEMS items or PARQUET_BATCH_SECONDS seconds, whichever comes
first, as its own atomically renamed file: a crash or `kill -9` loses at most the unflushed batch, and
every file on disk is complete. Schemas are explicit (items.schema_of), never inferred.
"""

from __future__ import annotations

import logging
import time
import uuid
from dataclasses import asdict, is_dataclass
from datetime import UTC, datetime
from typing import Any

import pyarrow as pa
from scrapy.crawler import Crawler
from scrapy.utils.asyncio import AsyncioLoopingCall, create_looping_call
from twisted.internet.task import LoopingCall

from llmbench.items import schema_of
from llmbench.lean_pyarrow import pyarrow_without_pandas
from llmbench.storage import crawl_date, partition_dir, write_atomically

logger = logging.getLogger(__name__)

# Sent after each batch is on disk, with the written items: lets spiders checkpoint their progress.
batch_written = object()


def to_row(item: Any) -> dict[str, Any]:
    return asdict(item) if is_dataclass(item) else dict(item)


class ParquetWriterPipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        settings = crawler.settings
        self.data_dir = settings.get("DATA_DIR")
        self.batch_items = settings.getint("PARQUET_BATCH_ITEMS")
        self.batch_seconds = settings.getfloat("PARQUET_BATCH_SECONDS")
        self.run_id = f"{datetime.now(UTC):%H%M%S}-{uuid.uuid4().hex[:8]}"
        self.crawl_date = crawl_date(settings.get("CRAWL_DATE"))
        self.buffers: dict[type, list[Any]] = {}
        self.first_buffered: dict[type, float] = {}
        self.sequence = 0
        self.timer: AsyncioLoopingCall | LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ParquetWriterPipeline:
        return cls(crawler)

    def open_spider(self) -> None:
        pyarrow_without_pandas()  # a crawl hands pyarrow plain Python objects: no pandas import
        self.timer = create_looping_call(self.flush_due)
        self.timer.start(max(0.5, self.batch_seconds / 4), now=False)

    def close_spider(self) -> None:
        if self.timer is not None and self.timer.running:
            self.timer.stop()
        for item_class in list(self.buffers):
            self.flush(item_class)

    def process_item(self, item: Any) -> Any:
        item_class = type(item)
        buffer = self.buffers.setdefault(item_class, [])
        if not buffer:
            self.first_buffered[item_class] = time.monotonic()
        buffer.append(item)
        if len(buffer) >= self.batch_items:
            self.flush(item_class)
        return item

    def flush_due(self) -> None:
        now = time.monotonic()
        for item_class, buffer in list(self.buffers.items()):
            if buffer and now - self.first_buffered[item_class] >= self.batch_seconds:
                self.flush(item_class)

    def flush(self, item_class: type) -> None:
        items = self.buffers.get(item_class) or []
        if not items:
            return
        self.buffers[item_class] = []
        schema = schema_of(item_class)
        table = pa.Table.from_pylist([to_row(item) for item in items], schema=schema)
        self.sequence += 1
        directory = partition_dir(self.data_dir, item_class.dataset, self.crawl_date)
        path = directory / f"part-{self.run_id}-{self.sequence:05d}.parquet"
        write_atomically(table, path)
        stats = self.crawler.stats
        stats.inc_value(f"parquet/{item_class.dataset}/items", len(items))
        stats.inc_value(f"parquet/{item_class.dataset}/files")
        logger.debug("wrote %d %s rows to %s", len(items), item_class.dataset, path)
        self.crawler.signals.send_catch_log(signal=batch_written, items=items)

