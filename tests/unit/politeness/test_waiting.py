"""CloseWatch and sleep_unless_closing on a real crawler (get_crawler): a wait ends when the crawl stops."""

from __future__ import annotations

import asyncio

import pytest
from scrapy import Spider, signals
from scrapy.utils.test import get_crawler

from llmbench.politeness.waiting import CloseWatch, sleep_unless_closing

LONG = 300.0  # a rate-limit window; never actually waited: asyncio.wait_for fails the test first


@pytest.fixture
def crawler():
    crawler = get_crawler(Spider)
    crawler.crawling = True  # as Crawler.crawl_async sets it, before any component is built
    return crawler


def test_before_the_engine_starts_nothing_is_closing():
    watch = CloseWatch(get_crawler(Spider))  # crawling is False before a crawl as well: not a stop
    assert not watch.closing
    assert asyncio.run(sleep_unless_closing(watch, 0.01)) is True


def test_a_running_crawl_is_not_closing(crawler):
    watch = CloseWatch(crawler)
    crawler.signals.send_catch_log(signals.engine_started)
    assert not watch.closing
    assert asyncio.run(sleep_unless_closing(watch, 0.01)) is True


def test_a_stop_ends_a_long_wait(crawler):
    watch = CloseWatch(crawler)
    crawler.signals.send_catch_log(signals.engine_started)

    async def wait_then_stop() -> bool:
        waiting = asyncio.ensure_future(sleep_unless_closing(watch, LONG))
        await asyncio.sleep(0)
        crawler.crawling = False  # Crawler.stop_async clears it first, then waits for requests in flight
        return await asyncio.wait_for(waiting, 30)

    assert asyncio.run(wait_then_stop()) is False


@pytest.mark.parametrize("signal", [signals.spider_closed, signals.engine_stopped])
def test_a_closed_crawl_waits_no_more(crawler, signal):
    watch = CloseWatch(crawler)
    crawler.signals.send_catch_log(signals.engine_started)
    crawler.signals.send_catch_log(signal, spider=None, reason="finished")
    assert watch.closing
    assert asyncio.run(asyncio.wait_for(sleep_unless_closing(watch, LONG), 30)) is False
