"""How many requests one rate-limit bucket may still send in its fixed window, and when.

The Hub counts requests per bucket in fixed windows and says on every response how many are left
(`RateLimit: "pages";r=<remaining>;t=<seconds to reset>`, `RateLimit-Policy: …;q=<quota>;w=<window>`;
docs/hub-api.md §6).
A fixed window does not need even spacing: llmbench sends freely while the remaining count is above
the reserve it leaves to the user's other tools ((1 - HUB_RATE_SHARE) of the quota), spreads the
last stretch (as many requests as the reserve) evenly over what is left of the window, and sends
nothing once only the reserve is left, until the window resets. So it never exceeds its share.

Before a response has told the state of the window (the first request of a crawl or of a new
window, or a server without the headers), the budget assumes a fresh window of the configured quota
starting then, counts its own requests, and keeps one request out at a time, so an unknown window
(another tool may have used it) costs at most one request: still a burst, never a blind one.
Requests already sent but not yet answered are subtracted from what a header says, since the server
may not have counted them yet.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

PROBE_POLL = 0.05  # seconds between looks while the first request of an unknown window is out
PROBE_PATIENCE = 60.0  # seconds; an answer that never comes (lost to another component) stops blocking


@dataclass
class WindowBudget:
    quota: int
    window: float
    share: float
    margin: float = 1.0  # seconds added to an advertised reset (the Hub rounds `t` to whole seconds)
    remaining: float = field(default=0.0, init=False)
    resets_at: float | None = field(default=None, init=False)  # None: no window started yet
    advertised: bool = field(default=False, init=False)  # True once a header described this window
    in_flight: int = field(default=0, init=False)
    last_sent: float = field(default=-math.inf, init=False)

    @property
    def reserve(self) -> int:
        """Requests per window left to the user's other tools."""
        return math.ceil((1.0 - self.share) * self.quota)

    @property
    def slow_zone(self) -> int:
        """The last stretch before the reserve, sent evenly spread rather than in a burst."""
        return max(1, self.reserve)

    def _roll_over(self, now: float) -> None:
        if self.resets_at is None or now >= self.resets_at:
            # a new window, not yet described by the server: assume the whole quota from now
            self.remaining = self.quota - self.in_flight
            self.resets_at = now + self.window
            self.advertised = False

    def observe(self, now: float, remaining: int, reset: float, quota: int | None = None,
                window: float | None = None) -> None:
        """A response's `RateLimit` (r, t) and `RateLimit-Policy` (q, w) for this bucket."""
        if quota:
            self.quota = quota
        if window:
            self.window = window
        resets_at = now + reset + self.margin
        estimate = remaining - self.in_flight
        same_window = self.advertised and self.resets_at is not None and resets_at < self.resets_at + self.window / 2
        if same_window:
            # answers can arrive out of order: the lowest count seen in a window is the freshest
            self.remaining = min(self.remaining, estimate)
            self.resets_at = max(self.resets_at, resets_at)
        else:
            self.remaining, self.resets_at, self.advertised = estimate, resets_at, True

    def wait(self, now: float) -> float:
        """Seconds until the next request may leave (0: now)."""
        self._roll_over(now)
        assert self.resets_at is not None
        usable = self.remaining - self.reserve
        left = self.resets_at - now
        if not self.advertised and self.in_flight > 0 and now - self.last_sent < PROBE_PATIENCE:
            return min(PROBE_POLL, left)  # wait for the answer that tells the window's state
        if usable <= 0:
            return left
        if usable > self.slow_zone:
            return 0.0
        # spread over the window as advertised (the margin only guards the reset): the last one leaves before it
        until_reset = left - self.margin if self.advertised else left
        return max(0.0, self.last_sent + max(0.0, until_reset) / (usable + 1) - now)

    def sent(self, now: float) -> None:
        self._roll_over(now)
        self.remaining -= 1
        self.in_flight += 1
        self.last_sent = now

    def answered(self) -> None:
        self.in_flight = max(0, self.in_flight - 1)
