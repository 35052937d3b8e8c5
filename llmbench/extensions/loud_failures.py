"""Every unexpected error fails the crawl (non-zero exit, the URL in one log line): no spider has to remember.

Scrapy logs these and carries on, ending with "finished" and exit 0:
- `spider_error` (a callback or errback raised) and `item_error` (a pipeline raised): signals;
- a request that failed for good with no errback to take it: the scraper's "Error downloading" log;
- an HTTP error response no callback accepts and no errback handles (`UnhandledHttpErrors`, a spider
  middleware ahead of Scrapy's HttpErrorMiddleware, which would only log it at INFO);
- "Scraper close failure" and its kin (a pipeline's `close_spider` raised), an error while reading the
  spider's start requests, an exception in any signal handler (an extension): the engine's and the
  signal dispatcher's error logs.
Each becomes `fail_crawl(...)`; what was already written stays.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.logformatter import DOWNLOADERRORMSG_LONG, DOWNLOADERRORMSG_SHORT
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from llmbench.failures import fail_crawl

# The loggers whose ERROR records mean Scrapy swallowed a failure; spider/item errors come as signals.
WATCHED_LOGGERS = ("scrapy.core.engine", "scrapy.core.scraper", "scrapy.utils.signal")
SIGNALLED = ("Spider error processing", "Error processing")


def one_line(value: object) -> str:
    """The first line of a message (Scrapy puts tracebacks in some), whitespace folded, at most 300 chars."""
    lines = str(value).strip().splitlines() or [""]
    return " ".join(lines[0].split())[:300]


class FailureLogHandler(logging.Handler):
    """Turns the error logs of Scrapy's engine, scraper and signal dispatcher into crawl failures."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(level=logging.ERROR)
        self.crawler = crawler

    def emit(self, record: logging.LogRecord) -> None:
        if record.name not in WATCHED_LOGGERS or str(record.msg).startswith(SIGNALLED):
            return
        spider = getattr(record, "spider", None)
        if spider is not None and spider is not self.crawler.spider:
            return  # another crawl in the same process (`scrapy crawlall`)
        error = f": {record.exc_info[1]!r}" if record.exc_info and record.exc_info[1] else ""
        if record.msg and str(record.msg).startswith("Error while reading start"):
            error = ""  # the message already names the exception (and carries a traceback)
        if record.msg in (DOWNLOADERRORMSG_SHORT, DOWNLOADERRORMSG_LONG) and isinstance(record.args, dict):
            request = record.args.get("request")
            message = f"request failed with nobody to handle it: {getattr(request, 'url', request)}"
            fail_crawl(self.crawler, "llmbench/unhandled_request_failures",
                       one_line(f"{message}: {record.args.get('errmsg') or ''}{error}"))
            return
        fail_crawl(self.crawler, "llmbench/swallowed_errors", one_line(f"{record.getMessage()}{error}"))


class LoudFailures:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.handler = FailureLogHandler(crawler)
        logging.getLogger("scrapy").addHandler(self.handler)
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
        fail_crawl(self.crawler, "llmbench/item_errors",
                   one_line(f"{type(item).__name__}{f' {name}' if name else ''} lost in a pipeline: "
                            f"{failure.value!r}; from {url}"))

    def engine_stopped(self) -> None:
        logging.getLogger("scrapy").removeHandler(self.handler)


class UnhandledHttpErrors:
    """Spider middleware (order above HttpErrorMiddleware's 50): an error status nobody handled fails the crawl."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> UnhandledHttpErrors:
        return cls(crawler)

    def process_spider_exception(self, response: Response, exception: Exception) -> None:
        if isinstance(exception, HttpError):
            fail_crawl(self.crawler, "llmbench/unhandled_http_errors",
                       f"HTTP {response.status} from {response.url} and nobody to handle it")
        return None
