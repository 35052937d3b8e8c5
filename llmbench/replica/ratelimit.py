"""The Hub's rate limits: fixed-window quotas per bucket, with the real `RateLimit` headers.

Reference: docs/hub-api.md §6. Quotas default to the anonymous plan (api 500, resolvers 3,000, pages 100 per
300 s); a request with a bearer token gets the free-user plan. Windows are aligned to multiples of the
window length, as a fixed window is; tests shrink the window to seconds.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

ANONYMOUS = {"api": 500, "resolvers": 3000, "pages": 100}
FREE_USER = {"api": 1000, "resolvers": 5000, "pages": 200}


def bucket_of(path: str) -> str:
    """The Hub's quota for a path: `/api/…` is "api", file downloads are "resolvers", the rest "pages".

    The replica's own statement of the server rule, deliberately not shared with the client's copy.
    """
    if path.startswith("/api/"):
        return "api"
    if "/resolve/" in path or "/raw/" in path:
        return "resolvers"
    return "pages"


@dataclass
class RateLimitConfig:
    enabled: bool = True
    window: float = 300.0
    anonymous: dict[str, int] = field(default_factory=lambda: dict(ANONYMOUS))
    authenticated: dict[str, int] = field(default_factory=lambda: dict(FREE_USER))
    send_headers: bool = True  # False imitates CloudFront 429s that carry no RateLimit header

    def quota(self, bucket: str, authenticated: bool) -> int:
        return (self.authenticated if authenticated else self.anonymous)[bucket]


@dataclass
class Decision:
    allowed: bool
    bucket: str
    remaining: int
    reset: int
    quota: int
    window: int


class FixedWindowLimiter:
    """Counts requests per (client, plan, bucket) in the current window."""

    def __init__(self, config: RateLimitConfig, clock=time.time) -> None:
        self.config = config
        self.clock = clock
        self._counts: dict[tuple[str, bool, str, int], int] = {}

    def check(self, client: str, authenticated: bool, path: str) -> Decision:
        bucket = bucket_of(path)
        now = self.clock()
        window = self.config.window
        window_id = int(now // window)
        reset = max(1, math.ceil((window_id + 1) * window - now))
        quota = self.config.quota(bucket, authenticated)
        key = (client, authenticated, bucket, window_id)
        used = self._counts.get(key, 0)
        if len(self._counts) > 10_000:  # forget closed windows
            self._counts = {k: v for k, v in self._counts.items() if k[3] == window_id}
        if used >= quota:
            return Decision(False, bucket, 0, reset, quota, math.ceil(window))
        self._counts[key] = used + 1
        return Decision(True, bucket, quota - used - 1, reset, quota, math.ceil(window))

    @staticmethod
    def headers(decision: Decision) -> dict[str, str]:
        """Lower-cased, as the real Hub sends them on every response."""
        return {
            "ratelimit": f'"{decision.bucket}";r={decision.remaining};t={decision.reset}',
            "ratelimit-policy": f'"fixed window";"{decision.bucket}";q={decision.quota};w={decision.window}',
        }
