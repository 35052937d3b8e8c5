"""Injected faults: latency, 5xx, stalls, truncated JSON, JSON lists in a changed shape, and leaderboard
layout changes.

Every fault is a share of the matching requests drawn from a seeded generator, so a run is
reproducible. `path` (a regex) and `after` (skip the first N matching requests) aim a fault at one
endpoint from one point on: e.g. `error_rate=1, path="^/api/models$", after=2` fails the third list
page and every one after it.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

LEADERBOARD_MODES = ("normal", "endpoint-renamed", "layout-changed", "app-down", "data-cut")


@dataclass
class FaultConfig:
    latency: float = 0.0  # seconds added to every response
    jitter: float = 0.0  # plus a uniform 0..jitter seconds
    error_rate: float = 0.0  # share of responses replaced by a 5xx
    error_status: int = 503
    stall_rate: float = 0.0  # share of responses that hang for `stall_seconds` first
    stall_seconds: float = 60.0
    malformed_rate: float = 0.0  # share of JSON responses cut off mid-document
    reshape_rate: float = 0.0  # share of JSON list bodies wrapped as {"models": [...]}: an API that changed shape
    path: str | None = None  # only requests whose path matches this regex get faults
    after: int = 0  # ... and only after this many matching requests
    leaderboard_mode: str = "normal"
    seed: int = 0
    _rng: random.Random = field(init=False, repr=False)
    _seen: int = field(init=False, default=0, repr=False)

    def __post_init__(self) -> None:
        if self.leaderboard_mode not in LEADERBOARD_MODES:
            raise ValueError(f"leaderboard_mode must be one of {LEADERBOARD_MODES}")
        self._rng = random.Random(self.seed)
        self._pattern = re.compile(self.path) if self.path else None

    def delay(self) -> float:
        return self.latency + (self._rng.uniform(0, self.jitter) if self.jitter else 0.0)

    def draw(self, path: str) -> tuple[bool, bool, bool, bool]:
        """(error, stall, malformed, reshaped) for one request."""
        if self._pattern is not None and not self._pattern.search(path):
            return False, False, False, False
        self._seen += 1
        if self._seen <= self.after:
            return False, False, False, False
        return (
            self._hit(self.error_rate),
            self._hit(self.stall_rate),
            self._hit(self.malformed_rate),
            self._hit(self.reshape_rate),  # a rate of 0 draws nothing: the other faults' draws stay in place
        )

    def _hit(self, rate: float) -> bool:
        return rate >= 1.0 or (rate > 0.0 and self._rng.random() < rate)
