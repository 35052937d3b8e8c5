"""Playwright's node driver with a smaller young generation: scrapy-playwright's own browser provider,
its driver started with DRIVER_NODE_OPTIONS added to NODE_OPTIONS for that one process.

The driver relays every DevTools message (the board's data no longer: Scrapy downloads it); V8's default
young generation (16 MiB semi-spaces) kept ~12-18 MiB more PSS in it than `--max-semi-space-size=1` on
the whole board (~30-40 MiB when the body passed through it), at no measured cost in time
(benchmarks/leaderboard.py). Chromium, started by the driver, does not read NODE_OPTIONS.

Outside `llmbench.spiders` on purpose: Scrapy's spider loader imports every module there on every
crawl, and this one imports Playwright (about 0.2 s of CPU that a hub crawl does not need).
"""

from __future__ import annotations

import os

from scrapy_playwright.provider import PlaywrightBrowserProvider

DRIVER_NODE_OPTIONS = "--max-semi-space-size=1"


class LeanDriverProvider(PlaywrightBrowserProvider):
    """PLAYWRIGHT_BROWSER_PROVIDER of the leaderboard spider (the default provider gives node's defaults)."""

    async def start(self) -> None:
        before = os.environ.get("NODE_OPTIONS")
        os.environ["NODE_OPTIONS"] = f"{before or ''} {DRIVER_NODE_OPTIONS}".strip()
        try:  # the driver's environment is copied when it is spawned, before start() returns
            await super().start()
        finally:
            if before is None:
                os.environ.pop("NODE_OPTIONS", None)
            else:
                os.environ["NODE_OPTIONS"] = before
