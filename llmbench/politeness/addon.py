"""Add-on: the Hub's rate-limit buckets become Scrapy download slots, computed once per crawl.

The API, the model pages and the resolvers share one host but have separate quotas (docs: Hub rate
limits), so each gets its own slot (`hub-api`, `hub-resolvers`, `hub-pages`) with its own concurrency
(HUB_RATE_CONCURRENCY) and a delay that keeps a whole window's requests within HUB_RATE_SHARE of the
quota (the token-holder's quota when an HF token is present: `budgets`). Slots the user set in
DOWNLOAD_SLOTS are kept. `HubSlotMiddleware` then only tags each request with its slot.
"""

from __future__ import annotations

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.settings import SETTINGS_PRIORITIES, BaseSettings

from llmbench.hub import auth_header, hub_token
from llmbench.politeness.buckets import budgets, slot_for


def hub_download_slots(settings: BaseSettings, quotas: dict[str, int]) -> dict[str, dict[str, float]]:
    """Concurrency per bucket, and a delay that spreads HUB_RATE_SHARE of each quota over the window."""
    window = settings.getfloat("HUB_RATE_WINDOW")
    share = settings.getfloat("HUB_RATE_SHARE")
    concurrency = settings.getdict("HUB_RATE_CONCURRENCY")
    return {slot_for(bucket): {"concurrency": int(concurrency.get(bucket, 1)), "delay": window / (quota * share),
                               "jitter": 0.0}
            for bucket, quota in quotas.items()}


class HubPoliteness:
    def __init__(self, crawler: Crawler) -> None:
        if not crawler.settings.getbool("HUB_RATE_PACING"):
            raise NotConfigured
        self.crawler = crawler
        self.budgets: dict[str, int] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> HubPoliteness:
        return cls(crawler)

    def update_settings(self, settings: BaseSettings) -> None:
        self.budgets = budgets(settings, authenticated=auth_header(hub_token()) is not None)
        slots = hub_download_slots(settings, self.budgets)
        slots.update(settings.getdict("DOWNLOAD_SLOTS"))  # the user's own slot settings win
        # merged, so set at the user's priority when theirs is higher than the add-on's
        priority = max(settings.getpriority("DOWNLOAD_SLOTS") or 0, SETTINGS_PRIORITIES["addon"])
        settings.set("DOWNLOAD_SLOTS", slots, priority=priority)
