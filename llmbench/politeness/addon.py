"""Add-on: everything about the Hub's quotas, registered in one place (ADDONS in settings.py).

It adds the politeness downloader middlewares to DOWNLOADER_MIDDLEWARES at the order numbers below (a
component the user already listed, e.g. mapped to None to disable it, keeps the user's entry), and
turns the Hub's rate-limit buckets into Scrapy download slots, computed once per crawl.

The API, the model pages and the resolvers share one host but have separate quotas (docs/hub-api.md §1, §6),
so each gets its own slot (`hub-api`, `hub-resolvers`, `hub-pages`) with its own concurrency
(HUB_RATE_CONCURRENCY) and no fixed delay; the add-on also settles, once, which quotas apply (the
token-holder's when an HF token is present: `budgets`), which `HubPacingMiddleware` paces by. Slots
the user set in DOWNLOAD_SLOTS are kept. `HubSlotMiddleware` then only tags each request with its slot.
With HUB_RATE_PACING=False there are no slots and no pacing; 429s are still handled.
"""

from __future__ import annotations

from scrapy.crawler import Crawler
from scrapy.settings import SETTINGS_PRIORITIES, BaseSettings

from llmbench.hub_endpoint import auth_header, hub_token_for
from llmbench.politeness.buckets import STORAGE_SLOT, budgets, slot_for
from llmbench.politeness.pacing import HubPacingMiddleware
from llmbench.politeness.ratelimit import RateLimitMiddleware
from llmbench.politeness.slots import HubSlotMiddleware

# Requests pass downloader middlewares in ascending order, responses in descending order (Scrapy's
# built-ins: robots.txt 100, UserAgent 500, Retry 550, HttpCompression 590, Redirect 600, DownloaderStats
# 850, HttpCache 900; llmbench's TLS failures 555 and token 950 are in settings.py).
MIDDLEWARE_ORDER = {
    # 540: tag the request's download slot before Retry (550) and everything after it, so a request
    # re-scheduled by retry keeps its bucket's slot.
    HubSlotMiddleware: 540,
    # 560: after the slot is known (540) on the way out; on the way back it sees a 429 after Redirect
    # (600) and before Retry (550), so 429s are held and re-scheduled here, never retried blindly.
    RateLimitMiddleware: 560,
    # 650: after the 429 hold (560) on the way out, so a request is counted against its bucket only
    # when it really leaves; on the way back it reads every response's RateLimit header first, before
    # Redirect (600) turns a 307 and RateLimitMiddleware (560) a 429 into a new request (which ends the
    # chain: a lower number would miss those answers and count their requests as out for ever).
    HubPacingMiddleware: 650,
}


def hub_download_slots(settings: BaseSettings, quotas: dict[str, int]) -> dict[str, dict[str, float]]:
    """Concurrency per bucket; no fixed delay: HubPacingMiddleware paces by the window's state."""
    concurrency = settings.getdict("HUB_RATE_CONCURRENCY")
    slots = {slot_for(bucket): {"concurrency": int(concurrency.get(bucket, 1)), "delay": 0.0, "jitter": 0.0}
             for bucket in quotas}
    slots[STORAGE_SLOT] = {"concurrency": settings.getint("HUB_STORAGE_CONCURRENCY", 2), "delay": 0.0, "jitter": 0.0}
    return slots


class HubPoliteness:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.budgets: dict[str, int] = {}  # requests per window per bucket; empty with HUB_RATE_PACING=False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> HubPoliteness:
        return cls(crawler)

    def update_settings(self, settings: BaseSettings) -> None:
        for middleware, order in MIDDLEWARE_ORDER.items():
            settings.setdefault_in_component_priority_dict("DOWNLOADER_MIDDLEWARES", middleware, order)
        if not settings.getbool("HUB_RATE_PACING"):
            return
        token = hub_token_for(settings.get("HUB_ENDPOINT"))  # none over plain http off this machine
        self.budgets = budgets(settings, authenticated=auth_header(token) is not None)
        slots = hub_download_slots(settings, self.budgets)
        slots.update(settings.getdict("DOWNLOAD_SLOTS"))  # the user's own slot settings win
        # merged, so set at the user's priority when theirs is higher than the add-on's
        priority = max(settings.getpriority("DOWNLOAD_SLOTS") or 0, SETTINGS_PRIORITIES["addon"])
        settings.set("DOWNLOAD_SLOTS", slots, priority=priority)
