"""Scrapy's log formatter, minus the per-item "Scraped from" record when LOG_LEVEL would drop it anyway.

Scrapy builds that DEBUG record for every item and lets the handler discard it at INFO: about a tenth
of the hub spider's CPU per model (benchmarks/hub.py). At LOG_LEVEL=DEBUG it is logged as before.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy.logformatter import LogFormatter


class LlmbenchLogFormatter(LogFormatter):
    def __init__(self, log_items: bool = True) -> None:
        self.log_items = log_items

    @classmethod
    def from_crawler(cls, crawler: Any) -> LlmbenchLogFormatter:
        level = crawler.settings.get("LOG_LEVEL")
        numeric = level if isinstance(level, int) else logging.getLevelName(str(level).upper())
        return cls(log_items=not isinstance(numeric, int) or numeric <= logging.DEBUG)

    def scraped(self, item: Any, response: Any, spider: Any) -> Any:
        if not self.log_items:
            return None
        return super().scraped(item, response, spider)
