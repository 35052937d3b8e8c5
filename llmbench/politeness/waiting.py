"""Waiting for a rate-limit window without holding up a shutdown.

Scrapy lets requests already in the downloader finish before a crawl closes, so a request waiting
minutes for a window to reset would delay Ctrl-C by minutes. Waits here return early once the
crawl begins to close, and the waiting request goes back to the scheduler (saved in JOBDIR).
Scrapy has no signal for "closing has begun": the crawler stops `crawling` on a stop, the engine's
slot gets a `closing` deferred when the spider closes.
"""

from __future__ import annotations

import asyncio
import time

from scrapy import Request
from scrapy.crawler import Crawler

POLL = 0.25  # seconds between looks at the crawl's state while waiting


def crawl_is_closing(crawler: Crawler) -> bool:
    engine = crawler._engine  # None before the crawl starts (Scrapy's documented way to read it early)
    if engine is None:
        return False
    slot = getattr(engine, "_slot", None)
    return not engine.running or (slot is not None and slot.closing is not None)


async def sleep_unless_closing(crawler: Crawler, seconds: float) -> bool:
    """Sleep `seconds`; returns False, early, if the crawl begins to close meanwhile."""
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        if crawl_is_closing(crawler):
            return False
        await asyncio.sleep(min(POLL, left))
    return not crawl_is_closing(crawler)


def back_to_scheduler(request: Request) -> Request:
    """The same request, to be scheduled again (the dupe filter has seen it already)."""
    return request.replace(dont_filter=True)
