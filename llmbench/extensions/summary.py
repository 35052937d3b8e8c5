"""One closing summary per crawl, in the log and in stats (`summary/*`)."""

from __future__ import annotations

import logging
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


def summarize(stats: dict[str, Any]) -> dict[str, Any]:
    dropped = {k.split("/", 2)[2]: v for k, v in stats.items() if k.startswith("validate/dropped/")}
    dropped.update({k.split("/")[1] + " duplicates": v for k, v in stats.items()
                    if k.startswith("dedup/") and k.endswith("/duplicates")})
    written = {k.split("/")[1]: v for k, v in stats.items() if k.startswith("parquet/") and k.endswith("/items")}
    return {
        "pages": stats.get("downloader/response_count", 0),
        "items_scraped": stats.get("item_scraped_count", 0),
        "items_written": written,
        "dropped": dropped,
        "http_429": stats.get("ratelimit/429", 0),
        "rate_limit_wait_s": round(stats.get("ratelimit/wait_seconds", 0.0), 1),
        "failed": stats.get("llmbench/failed"),
    }


class CrawlSummary:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlSummary:
        return cls(crawler)

    def spider_closed(self, spider: Any, reason: str) -> None:
        stats = self.crawler.stats
        summary = summarize(stats.get_stats())
        extra = {k: v for k, v in stats.get_stats().items() if k.startswith(f"{spider.name}/")}
        for key, value in summary.items():
            if not isinstance(value, dict):
                stats.set_value(f"summary/{key}", value)
        logger.info(
            "summary of %s (%s): %d responses, %d items scraped, written %s, dropped %s, "
            "%d HTTP 429 (%.1f s waited)%s%s",
            spider.name, reason, summary["pages"], summary["items_scraped"], summary["items_written"] or "{}",
            summary["dropped"] or "{}", summary["http_429"], summary["rate_limit_wait_s"],
            f", {extra}" if extra else "", f"; FAILED: {summary['failed']}" if summary["failed"] else "",
        )
