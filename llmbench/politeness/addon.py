"""Add-on: the Hub's rate-limit buckets become Scrapy download slots, computed once per crawl.

The API, the model pages and the resolvers share one host but have separate quotas (docs/hub-api.md §1, §6),
so each gets its own slot (`hub-api`, `hub-resolvers`, `hub-pages`) with its own concurrency
(HUB_RATE_CONCURRENCY) and no fixed delay; the add-on also settles, once, which quotas apply (the
token-holder's when an HF token is present: `budgets`), which `HubPacingMiddleware` paces by. Slots
the user set in DOWNLOAD_SLOTS are kept. `HubSlotMiddleware` then only tags each request with its slot.
"""

from __future__ import annotations

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.settings import SETTINGS_PRIORITIES, BaseSettings

from llmbench.hub_endpoint import auth_header, hub_token_for
from llmbench.politeness.buckets import budgets, slot_for


def hub_download_slots(settings: BaseSettings, quotas: dict[str, int]) -> dict[str, dict[str, float]]:
    """Concurrency per bucket; no fixed delay: HubPacingMiddleware paces by the window's state."""
    concurrency = settings.getdict("HUB_RATE_CONCURRENCY")
    return {slot_for(bucket): {"concurrency": int(concurrency.get(bucket, 1)), "delay": 0.0, "jitter": 0.0}
            for bucket in quotas}


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
        token = hub_token_for(settings.get("HUB_ENDPOINT"))  # none over plain http off this machine
        self.budgets = budgets(settings, authenticated=auth_header(token) is not None)
        slots = hub_download_slots(settings, self.budgets)
        slots.update(settings.getdict("DOWNLOAD_SLOTS"))  # the user's own slot settings win
        # merged, so set at the user's priority when theirs is higher than the add-on's
        priority = max(settings.getpriority("DOWNLOAD_SLOTS") or 0, SETTINGS_PRIORITIES["addon"])
        settings.set("DOWNLOAD_SLOTS", slots, priority=priority)
