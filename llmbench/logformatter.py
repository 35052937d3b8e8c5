"""Scrapy's log formatter, minus the per-item "Scraped from" record when LOG_LEVEL would drop it anyway,
and failing the crawl on a download error nobody handled.

Scrapy builds that DEBUG record for every item and lets the handler discard it at INFO: about a tenth
of the hub spider's CPU per model (benchmarks/hub.py). At LOG_LEVEL=DEBUG it is logged as before.

`download_error` is the one hook Scrapy calls for a request that failed for good with no errback to
take it (there is no signal for it): the crawl fails naming that request's URL, so the final line says
which page was lost rather than, say, the robots.txt of the same unreachable host logged before it.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy import Request, Spider
from scrapy.logformatter import LogFormatter, LogFormatterResult
from twisted.python.failure import Failure

from llmbench.failures import fail_crawl


class LlmbenchLogFormatter(LogFormatter):
    def __init__(self, log_items: bool = True, crawler: Any = None) -> None:
        self.log_items = log_items
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> LlmbenchLogFormatter:
        level = crawler.settings.get("LOG_LEVEL")
        numeric = level if isinstance(level, int) else logging.getLevelName(str(level).upper())
        return cls(log_items=not isinstance(numeric, int) or numeric <= logging.DEBUG, crawler=crawler)

    def download_error(self, failure: Failure, request: Request, spider: Spider,
                       errmsg: str | None = None) -> LogFormatterResult:
        if self.crawler is not None:
            reason = " ".join(str(errmsg or repr(failure.value)).split())[:200]
            fail_crawl(self.crawler, "llmbench/unhandled_request_failures",
                       f"request failed with nobody to handle it: {request.url}: {reason}")
        return super().download_error(failure, request, spider, errmsg)

    def scraped(self, item: Any, response: Any, spider: Any) -> Any:
        if not self.log_items:
            return None
        return super().scraped(item, response, spider)
