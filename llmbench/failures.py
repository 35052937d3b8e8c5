"""Loud failure: a crawl whose source changed shape must not end as a quiet success.

`fail_crawl` counts the problem under its own stat, logs it once with the URL or file, and marks the
crawl as failed (`llmbench/failed`); the `crawl` command then exits non-zero. Items already collected
stay: pipelines still flush on close.
"""

from __future__ import annotations

import logging

from scrapy.crawler import Crawler

logger = logging.getLogger("llmbench")

FAILED_STAT = "llmbench/failed"


def fail_crawl(crawler: Crawler, stat: str, message: str) -> None:
    stats = crawler.stats
    stats.inc_value(stat)
    if not stats.get_value(FAILED_STAT):
        stats.set_value(FAILED_STAT, message)
    logger.error(message)


def crawl_failed(crawler: Crawler) -> str | None:
    """Why the crawl failed, or None when it did not."""
    stats = crawler.stats.get_stats()
    if stats.get(FAILED_STAT):
        return str(stats[FAILED_STAT])
    reason = stats.get("finish_reason")
    if reason not in (None, "finished", "shutdown") and not str(reason).startswith("closespider_"):
        return f"finish reason {reason!r}"
    return None
