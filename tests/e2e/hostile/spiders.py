"""Test-only spiders and components that break in one way each (loaded with -s SPIDER_MODULES=...).

They run in the real `scrapy crawl` with llmbench's settings, so what is under test is llmbench's
reaction (exit status, log line, run record), not these spiders. Each yields one good item first:
what was written before the failure must stay.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler

from llmbench.items import ModelSizeItem

GOOD = "org/written-before"
BAD = "org/bad-item"


def item(model_id: str = GOOD) -> ModelSizeItem:
    return ModelSizeItem(model_id=model_id, params=1, crawled_at=datetime.now(UTC))


class Hostile(scrapy.Spider):
    """Requests `-a url=...` (default: a small Hub API page) with no errback."""

    url = ""

    def target(self) -> str:
        return self.url or f"{self.settings.get('HUB_ENDPOINT')}/api/models?limit=1"

    async def start(self):
        yield scrapy.Request(self.target(), callback=self.parse, dont_filter=True)

    def parse(self, response: Any):
        yield item()


class CallbackRaises(Hostile):
    name = "hostile_callback_raises"

    def parse(self, response: Any):
        yield item()
        raise ValueError("an entry of a shape nobody expected")


class NoErrback(Hostile):
    """Its request fails for good (connection refused, or an error status) and nobody handles it."""

    name = "hostile_no_errback"


class StartRaises(Hostile):
    name = "hostile_start_raises"

    async def start(self):
        yield scrapy.Request(self.target(), callback=self.parse, dont_filter=True)
        raise RuntimeError("start requests broke half-way")


class Items(Hostile):
    """Yields the good item and the one the raising pipeline rejects."""

    name = "hostile_items"

    def parse(self, response: Any):
        yield item()
        yield item(BAD)


class RaisingPipeline:
    """Raises on the BAD item; with HOSTILE_CLOSE_RAISES set, in close_spider instead (every item passes)."""

    def __init__(self, crawler: Crawler) -> None:
        self.close_raises = crawler.settings.getbool("HOSTILE_CLOSE_RAISES")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RaisingPipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        if item.model_id == BAD and not self.close_raises:
            raise KeyError("a field the pipeline needs")
        return item

    def close_spider(self) -> None:
        if self.close_raises:
            raise OSError("disk gone while closing")


class RaisingExtension:
    """An extension whose spider_closed handler raises."""

    def __init__(self, crawler: Crawler) -> None:
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RaisingExtension:
        return cls(crawler)

    def spider_closed(self, spider: Any) -> None:
        raise RuntimeError("extension broke on close")
