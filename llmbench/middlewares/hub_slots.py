"""Pace requests to the Hub by rate-limit bucket: one download slot per bucket, delay = window / budget.

The API, the model pages and the resolvers share one host but have separate quotas (hub.md §5), so
each gets its own slot, its own concurrency and a fixed delay that keeps a whole window's requests
within HUB_RATE_SHARE of the quota (the authenticated budget when an HF token is present).
AutoThrottle is told not to adjust these slots: the quota, not latency, is the limit.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from scrapy import Request
from scrapy.core.downloader import Slot
from scrapy.crawler import Crawler

from llmbench.hub import auth_header, bucket_of, hub_token, same_origin


class HubSlotMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        settings = crawler.settings
        self.endpoint = settings.get("HUB_ENDPOINT")
        self.enabled = settings.getbool("HUB_RATE_PACING")
        budgets_key = "HUB_RATE_BUDGETS_AUTHENTICATED" if auth_header(hub_token()) else "HUB_RATE_BUDGETS"
        window = settings.getfloat("HUB_RATE_WINDOW")
        share = settings.getfloat("HUB_RATE_SHARE")
        concurrency = settings.getdict("HUB_RATE_CONCURRENCY")
        self.slots = {
            bucket: (int(concurrency.get(bucket, 1)), window / (budget * share))
            for bucket, budget in settings.getdict(budgets_key).items()
        }

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> HubSlotMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        if not self.enabled or not same_origin(request.url, self.endpoint):
            return
        bucket = bucket_of(urlsplit(request.url).path)
        key = f"hub-{bucket}"
        request.meta.setdefault("download_slot", key)
        request.meta["autothrottle_dont_adjust_delay"] = True
        downloader = self.crawler.engine.downloader
        if key not in downloader.slots and bucket in self.slots:
            concurrency, delay = self.slots[bucket]
            downloader.slots[key] = Slot(concurrency, delay, 0.0)
