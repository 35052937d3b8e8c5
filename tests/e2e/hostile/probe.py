"""A test-only extension: records every request the scheduler receives that still carries Authorization.

A request reaches the scheduler when it is new, retried, re-scheduled after a 429 or redirected; the
scheduler is what JOBDIR pickles to disk. Loaded by the hostile tests with `-s EXTENSIONS=...`;
writes one URL per line to PROBE_FILE.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler


class AuthorizationProbe:
    def __init__(self, crawler: Crawler) -> None:
        self.path = Path(crawler.settings.get("PROBE_FILE"))
        crawler.signals.connect(self.request_scheduled, signal=signals.request_scheduled)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> AuthorizationProbe:
        return cls(crawler)

    def request_scheduled(self, request: Any, spider: Any) -> None:
        if b"Authorization" in request.headers:
            with self.path.open("a") as handle:
                handle.write(request.url + "\n")
