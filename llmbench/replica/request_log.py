"""What the replica's origins were asked: every request as the server saw it, for tests and benchmarks
(token leaks, request counts per origin and status, User-Agent)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass
class RequestRecord:
    """One request as the server saw it (for tests: token leaks, request counts, User-Agent)."""

    origin: str
    method: str
    path_qs: str
    status: int
    authorization: str | None
    user_agent: str | None
    arrived: float = 0.0  # time.time() when the request came in (the rate limiter's clock)


@dataclass
class RequestLog:
    keep: int = 200_000
    records: list[RequestRecord] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)

    def add(self, record: RequestRecord) -> None:
        self.counts[(record.origin, record.status)] += 1
        if len(self.records) < self.keep:
            self.records.append(record)

    def clear(self) -> None:
        self.records.clear()
        self.counts.clear()
