"""Waiting for a rate-limit window without holding up a shutdown.

Scrapy lets requests already in the downloader finish before a crawl closes (the engine waits for every
request in progress before it closes the downloader, and cancels none of them), so a request waiting
minutes for a window to reset would delay Ctrl-C by minutes. Waits here return early once the crawl
begins to close, and the waiting request goes back to the scheduler (saved in JOBDIR).

Scrapy has no signal for "closing has begun", so `CloseWatch` reads it from its public surface: a stop
(Ctrl-C, SIGTERM, `Crawler.stop_async`) first clears `crawler.crawling`, before the engine waits for the
requests in flight; `spider_closed` and `engine_stopped` cover whatever is left. A close that begins
without a stop (CLOSESPIDER_* limits, a CloseSpider exception) is announced by Scrapy only once the
requests in flight are done: it waits for the waits in progress, each bounded by RATELIMIT_MAX_WAIT.
llmbench's own closes (a refused certificate, a failed write) go through `failures.close_crawl`, which
sends `crawl_closing` first, so they end the waits at once.
"""

from __future__ import annotations

import asyncio
import time

from scrapy import Request, signals
from scrapy.crawler import Crawler

from llmbench.failures import crawl_closing

POLL = 0.25  # seconds between looks at the crawl's state while waiting


class CloseWatch:
    """Whether the crawl has begun to close; one per component that waits (it keeps the receivers alive)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.started = False  # engine_started seen: from then on `crawling` turning False means a stop
        self.closed = False
        crawler.signals.connect(self.engine_started, signal=signals.engine_started)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(self.spider_closed, signal=signals.engine_stopped)
        crawler.signals.connect(self.spider_closed, signal=crawl_closing)  # llmbench's own closes

    def engine_started(self) -> None:
        self.started = True

    def spider_closed(self) -> None:
        self.closed = True

    @property
    def closing(self) -> bool:
        return self.closed or (self.started and not self.crawler.crawling)


async def sleep_unless_closing(watch: CloseWatch, seconds: float) -> bool:
    """Sleep `seconds`; returns False, early, if the crawl begins to close meanwhile."""
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        if watch.closing:
            return False
        await asyncio.sleep(min(POLL, left))
    return not watch.closing


def back_to_scheduler(request: Request) -> Request:
    """The same request, to be scheduled again (the dupe filter has seen it already)."""
    return request.replace(dont_filter=True)
