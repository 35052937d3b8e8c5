"""Honour HTTP 429 the way the Hub asks: wait for the window to reset, then try again.

On a 429 the wait comes from `RateLimit` (`t=` seconds until reset, headers.py), else
`Retry-After`, else an exponential backoff (CloudFront 429s carry no header). The download slot is
held until then (every request for that slot waits here before it is sent), the request is
re-scheduled with `dont_filter`, and nothing counts as a failure until RATELIMIT_MAX_RETRIES 429s for
one request. A 2xx that says `r=0` also holds the slot, so the next request does not earn a 429.

No request waits longer than RATELIMIT_MAX_WAIT: a 429 whose advertised reset is further away gives
the request up at once (no retries into a closed window), and so does a hold with more left than
that; give-ups are counted (`ratelimit/gave_up`) and make the crawl exit non-zero. A backoff without
header is capped at RATELIMIT_MAX_WAIT. When the crawl begins to close, held requests go back to the
scheduler (saved in JOBDIR) instead of delaying the shutdown.
Stats: ratelimit/429, ratelimit/wait_seconds (how long slots were held, parallel waits counted once),
ratelimit/held (requests that waited), ratelimit/gave_up.
"""

from __future__ import annotations

import logging
import time

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.utils.httpobj import urlparse_cached

from llmbench.failures import fail_crawl
from llmbench.politeness.headers import MAX_SECONDS, ratelimit_info
from llmbench.politeness.waiting import CloseWatch, back_to_scheduler, sleep_unless_closing

logger = logging.getLogger(__name__)

ATTEMPTS_KEY = "ratelimit_attempts"


def retry_after_seconds(response: Response) -> float | None:
    value = response.headers.get(b"Retry-After")
    if value is None:
        return None
    try:
        seconds = float(value.decode().strip())
    except ValueError:  # HTTP-date form: not used by the Hub
        return None
    return max(0.0, seconds) if seconds <= MAX_SECONDS else None  # nan and absurd values: no header


def slot_of(request: Request) -> str:
    """The request's download slot: set by HubSlotMiddleware or, once downloaded, by Scrapy (its host)."""
    return request.meta.get("download_slot") or urlparse_cached(request).hostname or ""


class RateLimitMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        settings = crawler.settings
        self.max_retries = settings.getint("RATELIMIT_MAX_RETRIES")
        self.margin = settings.getfloat("RATELIMIT_MARGIN")
        self.backoff = settings.getfloat("RATELIMIT_BACKOFF")
        self.max_wait = settings.getfloat("RATELIMIT_MAX_WAIT")
        self.held_until: dict[str, float] = {}
        self.close_watch = CloseWatch(crawler)
        self._logged_slots: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RateLimitMiddleware:
        return cls(crawler)

    def give_up(self, request: Request, why: str) -> str:
        message = f"gave up on {request.url}: {why}"
        fail_crawl(self.crawler, "ratelimit/gave_up", message)
        return message

    async def process_request(self, request: Request) -> Request | None:
        until = self.held_until.get(slot_of(request))
        wait = 0.0 if until is None else until - time.monotonic()
        if wait <= 0:
            return None
        if wait > self.max_wait:
            raise IgnoreRequest(self.give_up(request, f"its slot is held for {wait:.0f} s more, more than "
                                                      f"RATELIMIT_MAX_WAIT={self.max_wait:g}"))
        self.crawler.stats.inc_value("ratelimit/held")
        if not await sleep_unless_closing(self.close_watch, wait):
            return back_to_scheduler(request)
        return None

    def wait_for(self, response: Response, attempt: int) -> float:
        """Seconds to hold the slot after `response` (a 429, or a 2xx saying `r=0`); may exceed max_wait."""
        info = ratelimit_info(self.crawler, response)
        if info is not None and (response.status == 429 or info.remaining == 0):
            return info.reset_in_seconds + self.margin
        retry_after = retry_after_seconds(response)
        if retry_after is not None:
            return retry_after + self.margin
        return min(self.max_wait, self.backoff * 2 ** (attempt - 1))

    def hold(self, slot: str, seconds: float) -> float:
        """Hold `slot` for `seconds` from now; returns how much later that makes its release."""
        now = time.monotonic()
        before = max(now, self.held_until.get(slot, 0.0))
        until = now + seconds
        if until <= before:
            return 0.0
        self.held_until[slot] = until
        return until - before

    def process_response(self, request: Request, response: Response) -> Request | Response:
        slot = slot_of(request)
        if response.status != 429:
            info = ratelimit_info(self.crawler, response)
            if info is not None and info.remaining == 0:
                extra = self.hold(slot, info.reset_in_seconds + self.margin)
                self.crawler.stats.inc_value("ratelimit/wait_seconds", round(extra, 3))
            return response
        stats = self.crawler.stats
        stats.inc_value("ratelimit/429")
        attempt = request.meta.get(ATTEMPTS_KEY, 0) + 1
        if attempt > self.max_retries:
            self.give_up(request, f"{attempt - 1} HTTP 429 responses (RATELIMIT_MAX_RETRIES)")
            return response
        wait = self.wait_for(response, attempt)
        if wait > self.max_wait:
            self.give_up(request, f"HTTP 429, the window resets in {wait:.0f} s, more than "
                                  f"RATELIMIT_MAX_WAIT={self.max_wait:g}")
            return response
        stats.inc_value("ratelimit/wait_seconds", round(self.hold(slot, wait), 3))
        if slot not in self._logged_slots:
            self._logged_slots.add(slot)
            logger.warning("HTTP 429 from slot %s (%s): holding it for %.1f s; further 429s are only counted",
                           slot, request.url, wait)
        retry = request.replace(dont_filter=True, priority=request.priority + 1)
        retry.meta[ATTEMPTS_KEY] = attempt
        return retry
