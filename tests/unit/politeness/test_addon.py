"""The HubPoliteness add-on (slots, its middlewares) and the slot-tagging middleware on a real crawler (get_crawler)."""

from __future__ import annotations

import pytest
from scrapy import Request, Spider
from scrapy.core.downloader.middleware import DownloaderMiddlewareManager
from scrapy.exceptions import NotConfigured
from scrapy.utils.test import get_crawler

from llmbench.politeness.addon import HubPoliteness
from llmbench.politeness.pacing import HubPacingMiddleware
from llmbench.politeness.ratelimit import RateLimitMiddleware
from llmbench.politeness.slots import HubSlotMiddleware
from tests.inprocess import DATA_DIR, PROJECT

HUB = "http://127.0.0.1:9"


def crawler_with(**settings):
    return get_crawler(Spider, PROJECT | {"HUB_ENDPOINT": HUB, "DATA_DIR": DATA_DIR.name} | settings)


@pytest.fixture(autouse=True)
def anonymous(monkeypatch, tmp_path):
    monkeypatch.delenv("HF_TOKEN", raising=False)
    monkeypatch.setenv("HF_TOKEN_PATH", str(tmp_path / "no-token"))


def test_one_slot_per_bucket_from_the_budgets():
    crawler = crawler_with()
    slots = crawler.settings.getdict("DOWNLOAD_SLOTS")
    assert set(slots) == {"hub-api", "hub-resolvers", "hub-pages", "lfs-storage"}
    assert slots["hub-pages"]["concurrency"] == 1 and slots["hub-api"]["concurrency"] == 2
    assert slots["hub-pages"]["delay"] == 0  # paced by the window's state, not evenly
    assert crawler.get_addon(HubPoliteness).budgets == {"api": 500, "resolvers": 3000, "pages": 100}


def test_token_holders_get_their_quota(monkeypatch):
    monkeypatch.setenv("HF_TOKEN", "hf_unit_test_token")
    assert crawler_with().get_addon(HubPoliteness).budgets == {"api": 1000, "resolvers": 5000, "pages": 200}


def test_the_users_own_slot_settings_win():
    slots = crawler_with(DOWNLOAD_SLOTS={"hub-api": {"concurrency": 5, "delay": 0}}).settings.getdict("DOWNLOAD_SLOTS")
    assert slots["hub-api"] == {"concurrency": 5, "delay": 0}
    assert "hub-pages" in slots


def test_pacing_off_means_no_slots_and_no_middleware():
    crawler = crawler_with(HUB_RATE_PACING=False)
    assert "hub-api" not in crawler.settings.getdict("DOWNLOAD_SLOTS")
    with pytest.raises(NotConfigured):
        HubSlotMiddleware.from_crawler(crawler)


@pytest.mark.parametrize(("url", "slot"), [
    (f"{HUB}/api/models?limit=5", "hub-api"),
    (f"{HUB}/org/m/resolve/main/config.json", "hub-resolvers"),
    (f"{HUB}/org/m", "hub-pages"),
])
def test_hub_requests_are_tagged_with_their_buckets_slot(url, slot):
    middleware = HubSlotMiddleware.from_crawler(crawler_with())
    request = Request(url)
    middleware.process_request(request)
    assert request.meta["download_slot"] == slot
    assert request.meta["autothrottle_dont_adjust_delay"] is True


def test_other_origins_are_left_to_scrapy():
    middleware = HubSlotMiddleware.from_crawler(crawler_with())
    request = Request("http://127.0.0.1:10/api/models")
    middleware.process_request(request)
    assert "download_slot" not in request.meta


def test_a_redirect_takes_the_slot_of_where_it_goes():
    middleware = HubSlotMiddleware.from_crawler(crawler_with())
    resolver = Request(f"{HUB}/org/m/resolve/main/model.safetensors")
    middleware.process_request(resolver)
    to_cdn = resolver.replace(url="http://127.0.0.1:10/lfs/abc")  # what RedirectMiddleware builds
    middleware.process_request(to_cdn)
    assert to_cdn.meta["download_slot"] == "lfs-storage" and to_cdn.meta["autothrottle_dont_adjust_delay"]
    crawler = crawler_with()
    assert crawler.settings.getdict("DOWNLOAD_SLOTS")["lfs-storage"] == {"concurrency": 2, "delay": 0.0,
                                                                          "jitter": 0.0}
    to_api = resolver.replace(url=f"{HUB}/api/models/org/m")
    middleware.process_request(to_api)
    assert to_api.meta["download_slot"] == "hub-api"


def test_the_addon_adds_its_middlewares_at_their_order():
    crawler = crawler_with(ROBOTSTXT_OBEY=False)
    enabled = [type(mw) for mw in DownloaderMiddlewareManager.from_crawler(crawler).middlewares]
    ours = [mw for mw in enabled if mw in (HubSlotMiddleware, RateLimitMiddleware, HubPacingMiddleware)]
    assert ours == [HubSlotMiddleware, RateLimitMiddleware, HubPacingMiddleware]
    retry = enabled.index(next(mw for mw in enabled if mw.__name__ == "RetryMiddleware"))
    redirect = enabled.index(next(mw for mw in enabled if mw.__name__ == "RedirectMiddleware"))
    assert enabled.index(HubSlotMiddleware) < retry < enabled.index(RateLimitMiddleware) < redirect
    assert redirect < enabled.index(HubPacingMiddleware)


def test_the_users_own_middleware_entry_wins():
    crawler = crawler_with(DOWNLOADER_MIDDLEWARES={"llmbench.politeness.ratelimit.RateLimitMiddleware": None})
    middlewares = crawler.settings.getdict("DOWNLOADER_MIDDLEWARES")
    assert middlewares["llmbench.politeness.ratelimit.RateLimitMiddleware"] is None
    assert middlewares[HubSlotMiddleware] == 540


def test_429s_are_handled_with_pacing_off():
    middlewares = crawler_with(HUB_RATE_PACING=False).settings.getdict("DOWNLOADER_MIDDLEWARES")
    assert middlewares[RateLimitMiddleware] == 560
