"""Space the garbage collector's young collections for a crawl that allocates a page of models at a time.

Why: a hub page makes thousands of objects at once, and Python starts a young collection every 700
allocations (each promoting survivors towards the expensive older generations). GC_GEN0_THRESHOLD sets
that count once the engine has started. Start-up's own objects are frozen out of the collector before
the crawl starts (llmbench/commands/__init__.py). Cycles are still collected; memory stays flat.
"""

from __future__ import annotations

import gc

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured


class GcTuning:
    def __init__(self, gen0_threshold: int) -> None:
        self.gen0_threshold = gen0_threshold

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> GcTuning:
        threshold = crawler.settings.getint("GC_GEN0_THRESHOLD")
        if threshold <= 0:
            raise NotConfigured
        extension = cls(threshold)
        crawler.signals.connect(extension.engine_started, signal=signals.engine_started)
        return extension

    def engine_started(self) -> None:
        _, older, oldest = gc.get_threshold()
        gc.set_threshold(self.gen0_threshold, older, oldest)
