"""Every unexpected error fails the crawl (non-zero exit, one line naming what failed): no spider has to remember.

Scrapy logs many failures and carries on, ending with "finished" and exit 0. llmbench reads the outcome
from stats instead (llmbench/failures.py `crawl_failed`): an ERROR logged by anyone (`log_count/ERROR`,
and `llmbench/errors_logged`, counted here for the whole crawl, also after the spider closed and
whatever LOG_LEVEL says), an llmbench failure stat, or an unexpected finish reason fails the crawl.
This extension only adds what names the failure in the final line:
- `spider_error` (a callback, errback or the start requests raised) and `item_error` (a pipeline
  raised): signals, turned into `fail_crawl(...)` with the URL;
- an HTTP error response no callback accepts and no errback handles (a spider middleware ahead of
  Scrapy's HttpErrorMiddleware, which would only log it at INFO: llmbench/spidermiddlewares/);
- any other ERROR record (a request that failed with no errback, a pipeline's `close_spider`, an
  extension's signal handler): its message, remembered as the first error (`llmbench/first_error`)
  by a log handler that reads no wording, only the level.
What was already written stays.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.http import Response
from twisted.python.failure import Failure

from llmbench.failures import ERRORS_LOGGED_STAT, FIRST_ERROR_STAT, fail_crawl
from llmbench.items import PAGE_CLASSES


def one_line(value: object) -> str:
    """The first line of a message (Scrapy puts tracebacks in some), whitespace folded, at most 300 chars."""
    lines = str(value).strip().splitlines() or [""]
    return " ".join(lines[0].split())[:300]


def record_line(record: logging.LogRecord) -> str:
    """A log record as one line: its message, and its exception unless the message already says it."""
    try:
        message = one_line(record.getMessage())
    except Exception:  # noqa: BLE001 - a record whose arguments do not fit its message
        message = one_line(record.msg)
    exception = record.exc_info[1] if record.exc_info else None
    if exception is not None and str(exception) not in message:
        message = one_line(f"{message}: {exception!r}")
    return message


class FirstErrorHandler(logging.Handler):
    """Counts the crawl's ERROR (and CRITICAL) records and remembers the first one's message, for the summary."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(level=logging.ERROR)
        self.crawler = crawler

    def emit(self, record: logging.LogRecord) -> None:
        spider = getattr(record, "spider", None)
        if spider is not None and spider is not self.crawler.spider:
            return  # another crawl in the same process
        stats = self.crawler.stats
        stats.inc_value(ERRORS_LOGGED_STAT)
        if stats.get_value(FIRST_ERROR_STAT) is None:
            stats.set_value(FIRST_ERROR_STAT, record_line(record))


class LoudFailures:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.handler = FirstErrorHandler(crawler)
        logging.getLogger().addHandler(self.handler)
        crawler.signals.connect(self.spider_error, signal=signals.spider_error)
        crawler.signals.connect(self.item_error, signal=signals.item_error)
        crawler.signals.connect(self.engine_stopped, signal=signals.engine_stopped)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> LoudFailures:
        return cls(crawler)

    def spider_error(self, failure: Failure, response: Response | Failure, spider: Any) -> None:
        url = getattr(response, "url", None) or getattr(getattr(failure, "request", None), "url", "start requests")
        fail_crawl(self.crawler, "llmbench/spider_errors",
                   one_line(f"spider error on {url}: {failure.value!r} (the items it had yielded stay)"))

    def item_error(self, item: Any, response: Response | None, spider: Any, failure: Failure) -> None:
        url = getattr(response, "url", None) or "start requests"
        name = getattr(item, "model_id", None)  # which model, before a long URL is cut at 300 characters
        if isinstance(item, PAGE_CLASSES):  # a page item: all its rows are lost
            name = f"of {sum(map(len, item.row_lists()))} rows"
        fail_crawl(self.crawler, "llmbench/item_errors",
                   one_line(f"{type(item).__name__}{f' {name}' if name else ''} lost in a pipeline: "
                            f"{failure.value!r}; from {url}"))

    def engine_stopped(self) -> None:
        logging.getLogger().removeHandler(self.handler)

