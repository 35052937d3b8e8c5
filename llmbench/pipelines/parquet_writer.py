"""Write items (a page item: its rows) to DATA_DIR/<dataset>/crawl_date=YYYY-MM-DD/ as parquet, one file per batch.

A batch is finalized once it holds PARQUET_BATCH_ITEMS rows (a page's rows go in together) or is
PARQUET_BATCH_SECONDS old, whichever comes first, as its own atomically renamed file: a crash or
`kill -9` loses at most the unflushed batch, and every file on disk is complete.
Schemas are explicit (items.schema_of), never inferred.

The buffer is emptied only after its file is on disk. A row the schema cannot hold (a string where a
number belongs) costs that row alone: it is counted (`parquet/<dataset>/bad_rows`), the first one is
logged with its key, and the crawl is marked failed; the rest of the batch is written. A DATA_DIR that
is a file or cannot be written stops the crawl before any request, with a one-line message; temporary
parts a killed crawl left behind are removed at the start (storage.remove_stray_parts).

A write that fails (a full disk: ENOSPC, EFBIG, or pyarrow's OSError around it) stops the crawl at once:
one line naming the file and the error (`parquet/write_errors`, exit 1), its half-written temporary
removed, the spider closed. The files already written stay; that batch and every item after it are
only counted (`parquet/<dataset>/unwritten`), never retried: a full disk stays full, and retrying a
growing batch on every item is what turned one error into minutes of tracebacks.
"""

from __future__ import annotations

import logging
import time
import uuid
from dataclasses import is_dataclass
from datetime import UTC, datetime
from typing import Any

import pyarrow as pa
from scrapy.crawler import Crawler
from scrapy.exceptions import CloseSpider
from scrapy.utils.asyncio import AsyncioLoopingCall, create_looping_call
from twisted.internet.defer import Deferred
from twisted.internet.task import LoopingCall

from llmbench.failures import close_crawl, fail_crawl
from llmbench.items import columns_of, row_of, schema_of
from llmbench.pipelines.rows import row_lists
from llmbench.storage import crawl_date, data_dir_problem, partition_dir, remove_stray_parts, write_atomically

logger = logging.getLogger(__name__)


def to_row(item: Any) -> dict[str, Any]:
    return row_of(item) if is_dataclass(item) else dict(item)


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
        self.write_failed = False  # set by the first failed write: nothing more is written
        self.closing = False
        self.stopping: Deferred | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ParquetWriterPipeline:
        return cls(crawler)

    def open_spider(self) -> None:
        problem = data_dir_problem(self.data_dir)
        if problem:
            fail_crawl(self.crawler, "llmbench/data_dir_unusable", problem)
            raise CloseSpider("data_dir_unusable")
        stray = remove_stray_parts(self.data_dir)
        if stray:
            logger.info("removed %d temporary parts a killed crawl left under %s", len(stray), self.data_dir)
            self.crawler.stats.set_value("parquet/stray_parts_removed", len(stray))
        self.timer = create_looping_call(self.flush_due)
        self.timer.start(max(0.5, self.batch_seconds / 4), now=False)

    def close_spider(self) -> None:
        self.closing = True
        if self.timer is not None and self.timer.running:
            self.timer.stop()
        for item_class in list(self.buffers):
            self.flush(item_class)

    def process_item(self, item: Any) -> Any:
        for rows in row_lists(item):
            self.buffer(type(rows[0]), rows)
        return item

    def buffer(self, item_class: type, rows: list[Any]) -> None:
        """Add rows of one class to its buffer; a full buffer is written."""
        if self.write_failed:  # in flight when the crawl was stopped: counted, not buffered
            self.crawler.stats.inc_value(f"parquet/{item_class.dataset}/unwritten", len(rows))
            return
        buffer = self.buffers.setdefault(item_class, [])
        if not buffer:
            self.first_buffered[item_class] = time.monotonic()
        buffer.extend(rows)
        if len(buffer) >= self.batch_items:
            self.flush(item_class)

    def flush_due(self) -> None:
        now = time.monotonic()
        for item_class, buffer in list(self.buffers.items()):
            if buffer and now - self.first_buffered[item_class] >= self.batch_seconds:
                self.flush(item_class)

    def flush(self, item_class: type) -> None:
        items = self.buffers.get(item_class) or []
        if not items:
            return
        table = self.table_of(item_class, items)
        if table.num_rows:
            self.sequence += 1
            directory = partition_dir(self.data_dir, item_class.dataset, self.crawl_date)
            path = directory / f"part-{self.run_id}-{self.sequence:05d}.parquet"
            try:
                write_atomically(table, path)
            except OSError as exc:
                self.stop_writing(path, exc)
                return
            logger.debug("wrote %d %s rows to %s", table.num_rows, item_class.dataset, path)
            self.crawler.stats.inc_value(f"parquet/{item_class.dataset}/items", table.num_rows)
            self.crawler.stats.inc_value(f"parquet/{item_class.dataset}/files")
        self.buffers[item_class] = []

    def stop_writing(self, path: Any, exc: OSError) -> None:
        """The first failed write: drop every buffer, fail the crawl with one line, close the spider."""
        self.write_failed = True
        if self.timer is not None and self.timer.running:
            self.timer.stop()
        lost = 0
        for item_class, buffer in self.buffers.items():
            if buffer:
                self.crawler.stats.inc_value(f"parquet/{item_class.dataset}/unwritten", len(buffer))
                lost += len(buffer)
            self.buffers[item_class] = []
        files = sum(v for k, v in self.crawler.stats.get_stats().items()
                    if k.startswith("parquet/") and k.endswith("/files"))
        error = " ".join(str(exc).split())[:300]
        fail_crawl(self.crawler, "parquet/write_errors",
                   f"cannot write {path} in DATA_DIR {self.data_dir}: {error}; crawl stopped, the {files} "
                   f"files already written stay, {lost} buffered rows were not written")
        if not self.closing:
            self.stopping = close_crawl(self.crawler, "parquet_write_failed")

    def table_of(self, item_class: type, items: list[Any]) -> pa.Table:
        """The batch as one table; if a row does not fit the schema, every row that does, and the misfits counted."""
        schema = schema_of(item_class)
        try:
            if is_dataclass(item_class):
                return pa.Table.from_pydict(columns_of(item_class, items), schema=schema)
            return pa.Table.from_pylist([to_row(item) for item in items], schema=schema)
        except (pa.ArrowException, TypeError, ValueError, OverflowError):
            pass
        good_rows = []
        for item in items:
            try:
                row = to_row(item)
                pa.Table.from_pylist([row], schema=schema)
            except (pa.ArrowException, TypeError, ValueError, OverflowError) as exc:
                self.bad_row(item_class, item, exc)
                continue
            good_rows.append(row)
        return pa.Table.from_pylist(good_rows, schema=schema)

    def bad_row(self, item_class: type, item: Any, exc: Exception) -> None:
        dataset = item_class.dataset
        stat = f"parquet/{dataset}/bad_rows"
        if self.crawler.stats.get_value(stat):
            self.crawler.stats.inc_value(stat)
            return
        key = {field: getattr(item, field, None) for field in getattr(item_class, "key_fields", ())}
        fail_crawl(self.crawler, stat, f"a {dataset} row does not fit its schema and was not written "
                                       f"({key}: {' '.join(str(exc).split())[:200]}); further ones are only counted")

