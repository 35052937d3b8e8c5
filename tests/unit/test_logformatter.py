"""The per-item "Scraped from" record is built only when LOG_LEVEL lets it through."""

from __future__ import annotations

import logging

from scrapy import Spider
from scrapy.utils.test import get_crawler

from llmbench.logformatter import LlmbenchLogFormatter


def formatter(level) -> LlmbenchLogFormatter:
    return LlmbenchLogFormatter.from_crawler(get_crawler(settings_dict={"LOG_LEVEL": level}))


def test_no_record_above_debug_and_the_usual_one_at_debug():
    spider = Spider.from_crawler(get_crawler(), "x")
    assert formatter("INFO").scraped({"a": 1}, None, spider) is None
    assert formatter("WARNING").scraped({"a": 1}, None, spider) is None
    for level in ("DEBUG", logging.DEBUG):
        record = formatter(level).scraped({"a": 1}, None, spider)
        assert record["level"] == logging.DEBUG and record["args"]["item"] == {"a": 1}
    assert formatter("INFO").dropped({"a": 1}, Exception("why"), None, spider) is not None, "drops still logged"
