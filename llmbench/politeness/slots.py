"""Tag each request to the Hub with its rate-limit bucket's download slot (`hub-api`, ...).

The slots themselves (concurrency, delay) come from DOWNLOAD_SLOTS, filled once per crawl by the
`HubPoliteness` add-on. The tag follows the URL: a redirect copies its request's meta, so a request
redirected to another bucket is re-tagged and one redirected off the Hub (a resolver's LFS file) goes to
the storage slot. AutoThrottle
is told not to adjust these slots: the quota, not latency, is the limit. Off (NotConfigured) with
HUB_RATE_PACING=False.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from llmbench.hub_endpoint import bucket_of, same_origin
from llmbench.politeness.buckets import STORAGE_SLOT, bucket_of_slot, slot_for


class HubSlotMiddleware:
    def __init__(self, endpoint: str) -> None:
        self.endpoint = endpoint

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> HubSlotMiddleware:
        if not crawler.settings.getbool("HUB_RATE_PACING"):
            raise NotConfigured
        return cls(crawler.settings.get("HUB_ENDPOINT"))

    def process_request(self, request: Request) -> None:
        if same_origin(request.url, self.endpoint):
            request.meta["download_slot"] = slot_for(bucket_of(urlsplit(request.url).path))
            request.meta["autothrottle_dont_adjust_delay"] = True
        elif bucket_of_slot(request.meta.get("download_slot", "")) is not None:
            # redirected off the Hub (a file's storage/CDN origin): not the Hub's slot, the storage one
            # (HUB_STORAGE_CONCURRENCY, no delay; AutoThrottle would hold 206 answers at its start delay)
            request.meta["download_slot"] = STORAGE_SLOT
