"""The Hub's `RateLimit` / `RateLimit-Policy` headers, read defensively.

huggingface_hub's `parse_ratelimit_headers` turns any run of digits into an int: a 400-digit `t` then
breaks the float arithmetic of every wait (OverflowError), and a 5000-digit one breaks int() itself.
No Hub window is longer than a day, and no quota above a billion: a header outside those bounds is
treated as no header at all (the 429 backoff and Retry-After still apply), counted under
`ratelimit/absurd_headers` and said once per crawl in one warning line.
"""

from __future__ import annotations

import logging

from huggingface_hub.utils import RateLimitInfo, parse_ratelimit_headers
from scrapy.crawler import Crawler
from scrapy.http import Response

logger = logging.getLogger(__name__)

MAX_SECONDS = 86_400  # t (reset) and w (window): a day
MAX_COUNT = 1_000_000_000  # r (remaining) and q (quota)
STAT = "ratelimit/absurd_headers"


def ratelimit_info(crawler: Crawler, response: Response) -> RateLimitInfo | None:
    """The response's rate-limit information, or None when it has none or only absurd numbers."""
    headers = response.headers.to_unicode_dict()
    try:
        info = parse_ratelimit_headers(headers)
    except ValueError:  # more digits than int() accepts
        info, sane = None, False
    else:
        if info is None:
            return None
        sane = (info.reset_in_seconds <= MAX_SECONDS and info.remaining <= MAX_COUNT
                and (info.window_seconds or 0) <= MAX_SECONDS and (info.limit or 0) <= MAX_COUNT)
    if sane:
        return info
    stats = crawler.stats
    if not stats.get_value(STAT):
        logger.warning("ignored a RateLimit header with absurd numbers from %s (over %d s or %d requests); "
                       "further ones are only counted (%s)", response.url, MAX_SECONDS, MAX_COUNT, STAT)
    stats.inc_value(STAT)
    return None
