"""Progress lines for people watching a long crawl in a terminal; silent when stdout is not a TTY.

Every PROGRESS_INTERVAL seconds: responses, items, 429s and, when the spider knows its total
(`progress_total`), percent done and an ETA. Respects LOG_LEVEL: nothing above INFO.
"""

from __future__ import annotations

import logging
import sys
import time
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.utils.asyncio import AsyncioLoopingCall, create_looping_call
from twisted.internet.task import LoopingCall

logger = logging.getLogger(__name__)


def eta_text(done: int, total: int | None, elapsed: float) -> str:
    if not total or done <= 0 or elapsed <= 0:
        return ""
    rate = done / elapsed
    remaining = max(0, total - done) / rate
    return f" {100 * min(done, total) / total:.0f}% of {total:,}, ETA {int(remaining // 60)}m{int(remaining % 60):02d}s"


class Progress:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.interval = crawler.settings.getfloat("PROGRESS_INTERVAL")
        self.started = time.monotonic()
        self.loop: AsyncioLoopingCall | LoopingCall | None = None
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Progress:
        level = logging.getLevelName(str(crawler.settings.get("LOG_LEVEL")).upper())
        if not sys.stdout.isatty() or crawler.settings.getfloat("PROGRESS_INTERVAL") <= 0 or (
                isinstance(level, int) and level > logging.INFO):
            raise NotConfigured  # progress is for interactive terminals
        return cls(crawler)

    def spider_opened(self, spider: Any) -> None:
        self.started = time.monotonic()
        self.loop = create_looping_call(self.report, spider)
        self.loop.start(self.interval, now=False)

    def spider_closed(self, spider: Any) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()

    def report(self, spider: Any) -> None:
        stats = self.crawler.stats
        # a spider whose items are pages names the stat counting its rows (the hub spider: hub/models_seen)
        items = stats.get_value(getattr(spider, "progress_stat", None) or "item_scraped_count", 0)
        line = (f"[{spider.name}] {stats.get_value('downloader/response_count', 0):,} responses, {items:,} items, "
                f"{stats.get_value('ratelimit/429', 0)} x 429")
        line += eta_text(items, getattr(spider, "progress_total", None), time.monotonic() - self.started)
        print(line, flush=True)
