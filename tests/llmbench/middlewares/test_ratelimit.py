"""RateLimitMiddleware, in process, for what tests/politeness/ does not cover: Retry-After, the retry
limit, a held request during shutdown, and 429s from origins other than the Hub."""

from __future__ import annotations

import asyncio
import logging
import time

import pytest
from scrapy import Request

from llmbench.failures import FAILED_STAT
from llmbench.middlewares.ratelimit import ATTEMPTS_KEY, RateLimitMiddleware
from tests.inprocess import HUB, answer, project_crawler, unstarted_engine

CDN = "http://127.0.0.2:9"  # another origin, e.g. the CDN behind LFS redirects: 429s without RateLimit


def limiter(**settings) -> tuple:
    crawler = project_crawler(**settings)
    return crawler, RateLimitMiddleware.from_crawler(crawler)


def too_many(request: Request, headers: dict | None = None):
    return answer(request.url, "429 Too Many Requests", status=429, headers=headers, request=request)


def test_retry_after_is_honoured_when_there_is_no_ratelimit_header():
    crawler, middleware = limiter(RATELIMIT_MARGIN=0.5)
    request = Request(f"{CDN}/blob")
    retry = middleware.process_response(request, too_many(request, {"Retry-After": "7"}))
    assert isinstance(retry, Request) and retry.meta[ATTEMPTS_KEY] == 1
    assert middleware.held_until["127.0.0.2"] - time.monotonic() == pytest.approx(7.5, abs=0.1)
    assert crawler.stats.get_value("ratelimit/429") == 1 and not crawler.stats.get_value(FAILED_STAT)


def test_the_backoff_doubles_per_attempt_without_any_header():
    _, middleware = limiter(RATELIMIT_BACKOFF=2, RATELIMIT_MAX_WAIT=100)
    request = Request(f"{CDN}/blob")
    assert [middleware.wait_for(too_many(request), attempt) for attempt in (1, 2, 3)] == [2, 4, 8]


def test_after_max_retries_the_request_is_given_up_loudly():
    crawler, middleware = limiter(RATELIMIT_MAX_RETRIES=2)
    request = Request(f"{HUB}/api/models")
    for attempt in (1, 2):
        request = middleware.process_response(request, too_many(request, {"Retry-After": "0"}))
        assert isinstance(request, Request) and request.meta[ATTEMPTS_KEY] == attempt
    response = too_many(request, {"Retry-After": "0"})
    assert middleware.process_response(request, response) is response
    assert crawler.stats.get_value("ratelimit/gave_up") == 1
    assert "2 HTTP 429 responses (RATELIMIT_MAX_RETRIES)" in crawler.stats.get_value(FAILED_STAT)


def test_the_first_429_of_a_slot_is_logged_once(caplog):
    _, middleware = limiter()
    with caplog.at_level(logging.WARNING, logger="llmbench.middlewares.ratelimit"):
        for path in ("/a", "/b", "/c"):
            request = Request(f"{CDN}{path}")
            middleware.process_response(request, too_many(request, {"Retry-After": "0"}))
    assert len([r for r in caplog.records if "HTTP 429" in r.getMessage()]) == 1


def test_a_held_request_goes_back_to_the_scheduler_when_the_crawl_closes():
    crawler, middleware = limiter(RATELIMIT_MAX_WAIT=600)
    unstarted_engine(crawler)  # the crawl counts as closing
    request = Request(f"{CDN}/blob")
    middleware.process_response(request, too_many(request, {"Retry-After": "300"}))
    waiting = Request(f"{CDN}/next")
    started = time.monotonic()
    returned = asyncio.run(middleware.process_request(waiting))
    assert time.monotonic() - started < 1, "a shutdown does not wait for the window"
    assert isinstance(returned, Request) and returned.url == waiting.url and returned.dont_filter
    assert crawler.stats.get_value("ratelimit/held") == 1 and not crawler.stats.get_value(FAILED_STAT)


def test_a_free_slot_is_not_held():
    crawler, middleware = limiter()
    assert asyncio.run(middleware.process_request(Request(f"{HUB}/api/models"))) is None
    assert crawler.stats.get_value("ratelimit/held") is None
    request = Request(f"{HUB}/api/models")
    ok = answer(request.url, "[]", headers={"ratelimit": '"api";r=5;t=100'}, request=request)
    assert middleware.process_response(request, ok) is ok and middleware.held_until == {}
