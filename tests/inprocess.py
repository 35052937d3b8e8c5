"""In-process helpers: a real Crawler from Scrapy's get_crawler with the project's settings, spiders made
through it, and answers built as TextResponse (no subprocess, no network)."""

from __future__ import annotations

import asyncio
import json
import tempfile
from typing import Any

from scrapy import Request, Spider
from scrapy.core.engine import ExecutionEngine
from scrapy.crawler import Crawler
from scrapy.http import TextResponse
from scrapy.utils.test import get_crawler

import llmbench.settings

HUB = "http://127.0.0.1:9"  # never contacted: nothing here downloads
PROJECT = {name: value for name, value in vars(llmbench.settings).items() if name.isupper()}
# The in-process crawlers' DATA_DIR (its lock file among others): this process's own, never the checkout's
# `data/`, so parallel test workers do not find each other's lock.
DATA_DIR = tempfile.TemporaryDirectory(prefix="llmbench-unit-data-")


def project_crawler(spidercls: type[Spider] = Spider, **settings: Any) -> Crawler:
    """A crawler with llmbench's settings (add-ons applied), the Hub at HUB, and `settings` on top."""
    return get_crawler(spidercls, PROJECT | {"HUB_ENDPOINT": HUB, "DATA_DIR": DATA_DIR.name} | settings)


def spider_of(crawler: Crawler, *args: Any, **arguments: Any) -> Spider:
    """The crawler's spider, built as `Crawler.crawl` builds it (the spider class's `from_crawler`)."""
    crawler.spider = crawler.spidercls.from_crawler(crawler, *args, **arguments)
    return crawler.spider


def unstarted_engine(crawler: Crawler) -> ExecutionEngine:
    """The crawler's engine, built but never started (the crawl counts as closing; no saved request queue)."""
    crawler.engine = ExecutionEngine(crawler, lambda _: None)
    return crawler.engine


def make_spider(spidercls: type[Spider], settings: dict[str, Any] | None = None, **arguments: Any) -> Spider:
    """A spider built by its crawler, as `scrapy crawl -a name=value` would build it."""
    return spider_of(project_crawler(spidercls, **(settings or {})), **arguments)


def answer(url: str, body: Any, status: int = 200, headers: dict[str, Any] | None = None,
           request: Request | None = None) -> TextResponse:
    """A response to `url` (or `request`): `body` as given when a str/bytes, else as JSON."""
    if not isinstance(body, str | bytes):
        body = json.dumps(body)
    if isinstance(body, str):
        body = body.encode()
    return TextResponse(url=url, body=body, status=status, headers=headers or {}, encoding="utf-8",
                        request=request or Request(url))


def collect(iterable) -> list[Any]:
    """Everything an async generator (e.g. `spider.start()`) yields."""
    async def run():
        return [x async for x in iterable]

    return asyncio.run(run())
