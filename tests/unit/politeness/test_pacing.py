"""HubPacingMiddleware and RateLimitMiddleware on a real crawler (get_crawler), answers as TextResponse."""

from __future__ import annotations

import asyncio

import pytest
from scrapy import Request, Spider
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import TextResponse
from scrapy.utils.test import get_crawler

from llmbench.failures import FAILED_STAT
from llmbench.politeness.pacing import HubPacingMiddleware
from llmbench.politeness.ratelimit import RateLimitMiddleware
from llmbench.politeness.slots import HubSlotMiddleware
from tests.inprocess import DATA_DIR, PROJECT

HUB = "http://127.0.0.1:9"


@pytest.fixture(autouse=True)
def anonymous(monkeypatch, tmp_path):
    monkeypatch.delenv("HF_TOKEN", raising=False)
    monkeypatch.setenv("HF_TOKEN_PATH", str(tmp_path / "no-token"))


def crawler_with(**settings):
    crawler = get_crawler(Spider, PROJECT | {"HUB_ENDPOINT": HUB, "DATA_DIR": DATA_DIR.name} | settings)
    crawler.spider = Spider.from_crawler(crawler, "t")
    return crawler


def tagged(crawler, path: str) -> Request:
    request = Request(HUB + path)
    HubSlotMiddleware.from_crawler(crawler).process_request(request)
    return request


def answer(request: Request, bucket: str, remaining: int, reset: int, status: int = 200, quota: int = 100,
           window: int = 300) -> TextResponse:
    headers = {"ratelimit": f'"{bucket}";r={remaining};t={reset}',
               "ratelimit-policy": f'"fixed window";"{bucket}";q={quota};w={window}'}
    return TextResponse(request.url, status=status, headers=headers, body=b"{}", request=request)


def test_robots_txt_does_not_delay_the_first_page(clock):
    crawler = crawler_with()
    pacing = HubPacingMiddleware.from_crawler(crawler)

    async def first_two() -> float:
        robots = tagged(crawler, "/robots.txt")
        assert await pacing.process_request(robots) is None
        pacing.process_response(robots, answer(robots, "pages", 99, 290))
        page = tagged(crawler, "/org/model")
        started = clock.monotonic()
        assert await pacing.process_request(page) is None
        return clock.monotonic() - started

    assert asyncio.run(first_two()) == 0
    assert crawler.stats.get_value("pacing/pages/waits") is None


def test_a_window_with_only_the_reserve_left_waits_for_its_reset(clock):
    crawler = crawler_with()
    pacing = HubPacingMiddleware.from_crawler(crawler)

    async def run() -> float:
        first = tagged(crawler, "/api/models")
        await pacing.process_request(first)
        pacing.process_response(first, answer(first, "api", 50, 1, quota=500, window=2))  # the reserve: 50
        second = tagged(crawler, "/api/models?p=2")
        started = clock.monotonic()
        await pacing.process_request(second)
        return clock.monotonic() - started

    assert asyncio.run(run()) >= 1.0  # t=1 plus the margin
    assert crawler.stats.get_value("pacing/api/waits") == 1


def test_a_wait_longer_than_max_wait_gives_up_loudly(clock):
    crawler = crawler_with(RATELIMIT_MAX_WAIT=1)
    pacing = HubPacingMiddleware.from_crawler(crawler)

    async def run() -> None:
        first = tagged(crawler, "/org/m/resolve/main/config.json")
        await pacing.process_request(first)
        pacing.process_response(first, answer(first, "resolvers", 0, 250, status=429, quota=3000))
        with pytest.raises(IgnoreRequest, match="RATELIMIT_MAX_WAIT=1"):
            await pacing.process_request(tagged(crawler, "/org/n/resolve/main/config.json"))

    started = clock.monotonic()
    asyncio.run(run())
    assert clock.monotonic() - started == 0  # given up without waiting
    assert crawler.stats.get_value("ratelimit/gave_up") == 1 and crawler.stats.get_value(FAILED_STAT)


def test_no_pacing_middleware_when_pacing_is_off():
    with pytest.raises(NotConfigured):
        HubPacingMiddleware.from_crawler(crawler_with(HUB_RATE_PACING=False))


def test_429_reschedules_without_counting_a_failure(clock):
    crawler = crawler_with()
    limiter = RateLimitMiddleware.from_crawler(crawler)
    request = tagged(crawler, "/api/models")
    retry = limiter.process_response(request, answer(request, "api", 0, 3, status=429))
    assert isinstance(retry, Request) and retry.dont_filter and retry.meta["ratelimit_attempts"] == 1
    assert limiter.held_until["hub-api"] - clock.monotonic() == pytest.approx(4)
    assert not crawler.stats.get_value(FAILED_STAT)


def test_429_at_r0_respects_max_wait():
    # issue 10: 1,270 s waited with RATELIMIT_MAX_WAIT=1
    crawler = crawler_with(RATELIMIT_MAX_WAIT=1)
    limiter = RateLimitMiddleware.from_crawler(crawler)
    request = tagged(crawler, "/api/models")
    response = answer(request, "api", 0, 280, status=429)
    assert limiter.process_response(request, response) is response  # given up at once, not retried
    assert "hub-api" not in limiter.held_until
    assert crawler.stats.get_value("ratelimit/gave_up") == 1 and crawler.stats.get_value(FAILED_STAT)


def test_a_2xx_at_r0_holds_the_slot_but_never_past_max_wait(clock):
    crawler = crawler_with(RATELIMIT_MAX_WAIT=1)
    limiter = RateLimitMiddleware.from_crawler(crawler)
    first = tagged(crawler, "/api/models")
    assert limiter.process_response(first, answer(first, "api", 0, 280)).status == 200

    async def next_request() -> None:
        await limiter.process_request(tagged(crawler, "/api/models?p=2"))

    started = clock.monotonic()
    with pytest.raises(IgnoreRequest, match="RATELIMIT_MAX_WAIT"):
        asyncio.run(next_request())
    assert clock.monotonic() - started == 0  # given up without waiting


def test_a_backoff_without_headers_is_capped_by_max_wait():
    crawler = crawler_with(RATELIMIT_MAX_WAIT=3, RATELIMIT_BACKOFF=5)
    limiter = RateLimitMiddleware.from_crawler(crawler)
    request = tagged(crawler, "/api/models")
    response = TextResponse(request.url, status=429, body=b"", request=request)
    assert limiter.wait_for(response, attempt=4) == 3


def test_through_scrapys_own_middleware_chain_every_answer_is_counted():
    """A 307 and a 429 both end the response chain early (Redirect, RateLimitMiddleware re-schedule):
    the pacing must still see them, or their requests would count as out for ever."""
    from scrapy.core.downloader.middleware import DownloaderMiddlewareManager

    crawler = crawler_with(ROBOTSTXT_OBEY=False)
    manager = DownloaderMiddlewareManager.from_crawler(crawler)
    pacing = next(mw for mw in manager.middlewares if isinstance(mw, HubPacingMiddleware))
    answers = iter([(307, {"Location": f"{HUB}/org/Model"}, 90), (429, {}, 0), (200, {}, 88)])

    async def download(request: Request) -> TextResponse:
        status, headers, remaining = next(answers)
        response = answer(request, "pages", remaining, 200, status=status)
        response.headers.update(headers)
        return response

    async def fetch(request: Request):
        return await manager.download_async(download, request)

    async def run() -> None:
        first = await fetch(tagged(crawler, "/org/model"))
        assert isinstance(first, Request) and first.url == f"{HUB}/org/Model"  # the 307, followed
        second = await fetch(first)
        assert isinstance(second, Request) and second.meta["ratelimit_attempts"] == 1  # the 429, re-scheduled

    asyncio.run(asyncio.wait_for(run(), 10))
    assert pacing.budgets["pages"].in_flight == 0
    assert pacing.budgets["pages"].remaining == 0  # the 429's r=0 was seen
