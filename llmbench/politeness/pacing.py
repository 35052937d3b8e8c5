"""Pace each Hub bucket by what its `RateLimit` headers say is left of the window (see budget.py).

Every request tagged with a Hub bucket's slot waits here until the bucket's budget lets it leave:
at once while plenty is left, spread over the rest of the window near the end of our share, not at
all once only the reserve is left (until the window resets). Waits longer than RATELIMIT_MAX_WAIT
give the request up (counted as `ratelimit/gave_up`, the crawl exits non-zero); when the crawl
begins to close, waiting requests go back to the scheduler instead of delaying the shutdown.
Stats: `pacing/<bucket>/waits`, `pacing/<bucket>/wait_seconds`.
"""

from __future__ import annotations

import asyncio
import time

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Response

from llmbench.failures import fail_crawl
from llmbench.politeness.buckets import bucket_of_slot
from llmbench.politeness.budget import WindowBudget
from llmbench.politeness.headers import ratelimit_info
from llmbench.politeness.waiting import CloseWatch, back_to_scheduler, sleep_unless_closing

RECHECK = 1.0  # seconds; a long wait is re-decided this often
SENT_KEY = "hub_pacing_bucket"  # set while a request is out, so its answer is credited to its bucket


class HubPacingMiddleware:
    def __init__(self, crawler: Crawler, budgets: dict[str, WindowBudget], max_wait: float) -> None:
        self.crawler = crawler
        self.budgets = budgets
        self.max_wait = max_wait
        self.locks = {bucket: asyncio.Lock() for bucket in budgets}
        self.close_watch = CloseWatch(crawler)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> HubPacingMiddleware:
        from llmbench.politeness.addon import HubPoliteness  # the add-on registers this middleware

        addon = crawler.get_addon(HubPoliteness)
        if addon is None or not crawler.settings.getbool("HUB_RATE_PACING"):
            raise NotConfigured
        settings = crawler.settings
        budgets = {
            bucket: WindowBudget(quota, settings.getfloat("HUB_RATE_WINDOW"), settings.getfloat("HUB_RATE_SHARE"),
                                 settings.getfloat("RATELIMIT_MARGIN"))
            for bucket, quota in addon.budgets.items()
        }
        return cls(crawler, budgets, settings.getfloat("RATELIMIT_MAX_WAIT"))

    async def process_request(self, request: Request) -> Request | None:
        if SENT_KEY in request.meta:
            # Back again without its answer having passed here: RedirectMiddleware (600) turned the answer
            # into this request (the Hub's 302 of an LFS file to its CDN). Credit that answer, else the
            # bucket waits forever for a probe's reply.
            self._answered(request)
        bucket = bucket_of_slot(request.meta.get("download_slot", ""))
        budget = self.budgets.get(bucket or "")
        if bucket is None or budget is None:
            return None
        started = time.monotonic()
        async with self.locks[bucket]:  # one request of a bucket decides at a time, in order
            while (wait := budget.wait(time.monotonic())) > 0:
                if wait > self.max_wait:
                    message = (f"gave up on {request.url}: the {bucket!r} window resets in {wait:.0f} s, "
                               f"more than RATELIMIT_MAX_WAIT={self.max_wait:g}")
                    fail_crawl(self.crawler, "ratelimit/gave_up", message)
                    raise IgnoreRequest(message)
                # look again every RECHECK seconds: an answer may have told of a new window meanwhile
                if not await sleep_unless_closing(self.close_watch, min(wait, RECHECK)):
                    return back_to_scheduler(request)
            now = time.monotonic()
            budget.sent(now)
        if now - started > 0.01:
            self.crawler.stats.inc_value(f"pacing/{bucket}/waits")
            self.crawler.stats.inc_value(f"pacing/{bucket}/wait_seconds", round(now - started, 3))
        request.meta[SENT_KEY] = bucket
        return None

    def _answered(self, request: Request) -> None:
        bucket = request.meta.pop(SENT_KEY, None)
        if bucket is not None:
            self.budgets[bucket].answered()

    def process_response(self, request: Request, response: Response) -> Response:
        self._answered(request)
        info = ratelimit_info(self.crawler, response)
        if info is not None and info.resource_type in self.budgets:
            self.budgets[info.resource_type].observe(time.monotonic(), info.remaining, info.reset_in_seconds,
                                                     info.limit, info.window_seconds)
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        self._answered(request)
