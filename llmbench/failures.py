"""Loud failure: a crawl that lost data, met an unexpected error or was interrupted must not end as a success.

`fail_crawl` counts the problem under its own stat, logs it once with the URL or file, and marks the
crawl as failed (`llmbench/failed`); the `crawl` and `pipeline` commands then exit non-zero. Items
already collected stay: pipelines still flush on close. `crawl_failed` reads the outcome from stats
alone: that mark, any ERROR logged (`log_count/ERROR`, or `llmbench/errors_logged`, which
`extensions/loud_failures.py` counts for the whole crawl along with the first error's message), or an
unexpected finish reason. That extension also calls `fail_crawl` for every spider error and item error
(signals), so spiders need not.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy.crawler import Crawler
from scrapy.utils.defer import deferred_from_coro

logger = logging.getLogger("llmbench")

FAILED_STAT = "llmbench/failed"
ERRORS_LOGGED_STAT = "llmbench/errors_logged"  # ERROR and CRITICAL records of the crawl, start to engine stop
FIRST_ERROR_STAT = "llmbench/first_error"  # the first of them, as one line
EXIT_FAILED = 1
EXIT_INTERRUPTED = 130  # the shell's convention for a run stopped by Ctrl-C (128 + SIGINT)
INTERRUPTED = "interrupted"


def fail_crawl(crawler: Crawler, stat: str, message: str) -> None:
    stats = crawler.stats
    stats.inc_value(stat)
    if not stats.get_value(FAILED_STAT):
        stats.set_value(FAILED_STAT, message)
    logger.error(message)


# Sent by `close_crawl` before the spider starts closing: Scrapy announces a close only once the requests
# in flight are done, and a request waiting for a rate-limit window is one of them (politeness/waiting.py).
crawl_closing = object()


def close_crawl(crawler: Crawler, reason: str) -> Any:
    """Close the spider (Scrapy's `close_spider_async`), telling llmbench's waits first; the Deferred, or
    None when there is no open spider to close."""
    engine = crawler.engine
    if engine is None or engine.spider is None:
        return None
    crawler.signals.send_catch_log(signal=crawl_closing, reason=reason)
    return deferred_from_coro(engine.close_spider_async(reason=reason))


def crawl_failed(crawler: Crawler) -> str | None:
    """Why the crawl did not succeed (failed or interrupted), or None when it did."""
    stats = crawler.stats.get_stats()
    if stats.get(FAILED_STAT):
        return str(stats[FAILED_STAT])
    errors = max(stats.get("log_count/ERROR", 0) + stats.get("log_count/CRITICAL", 0),
                 stats.get(ERRORS_LOGGED_STAT, 0))
    if errors:
        first = stats.get(FIRST_ERROR_STAT)
        return f"{errors} error{'s' if errors > 1 else ''} logged" + (f" (first: {first})" if first else "")
    reason = stats.get("finish_reason")
    if reason is None:
        return f"{INTERRUPTED} (forced shutdown: the crawl never closed)"
    if reason == "shutdown":
        return INTERRUPTED
    if reason != "finished" and not str(reason).startswith("closespider_"):
        return f"finish reason {reason!r}"
    return None


def exit_code(crawler: Crawler) -> int:
    """0 for success, 130 for an interrupted crawl, 1 for any other failure."""
    reason = crawl_failed(crawler)
    if reason is None:
        return 0
    return EXIT_INTERRUPTED if reason.startswith(INTERRUPTED) else EXIT_FAILED
