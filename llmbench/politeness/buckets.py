"""The Hub's rate-limit buckets as download slots: names and the budgets that apply to this crawl."""

from __future__ import annotations

from scrapy.settings import BaseSettings

SLOT_PREFIX = "hub-"
STORAGE_SLOT = "lfs-storage"  # the slot of what a resolver redirects off the Hub (no bucket: no quota)


def slot_for(bucket: str) -> str:
    """The download slot of a rate-limit bucket (`api`, `resolvers`, `pages`)."""
    return SLOT_PREFIX + bucket


def bucket_of_slot(slot: str) -> str | None:
    return slot[len(SLOT_PREFIX):] if slot.startswith(SLOT_PREFIX) else None


def budgets(settings: BaseSettings, authenticated: bool) -> dict[str, int]:
    """Requests per HUB_RATE_WINDOW per bucket: the token-holder's quotas when a token is present."""
    key = "HUB_RATE_BUDGETS_AUTHENTICATED" if authenticated else "HUB_RATE_BUDGETS"
    return {bucket: int(quota) for bucket, quota in settings.getdict(key).items()}
