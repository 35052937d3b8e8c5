"""The per-item "Scraped from" record is built only when LOG_LEVEL lets it through; a download error
nobody handled fails the crawl naming its URL."""

from __future__ import annotations

import logging

from scrapy import Request, Spider
from scrapy.utils.test import get_crawler
from twisted.python.failure import Failure

from llmbench.failures import FAILED_STAT
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


def test_a_download_error_nobody_handles_fails_the_crawl_naming_the_url():
    crawler = get_crawler(settings_dict={"LOG_LEVEL": "INFO"})
    spider = Spider.from_crawler(crawler, "x")
    record = LlmbenchLogFormatter.from_crawler(crawler).download_error(
        Failure(ConnectionRefusedError("refused")), Request("http://127.0.0.1:9/gone"), spider)
    assert record["level"] == logging.ERROR, "Scrapy's own record is still logged"
    assert crawler.stats.get_value("llmbench/unhandled_request_failures") == 1
    assert crawler.stats.get_value(FAILED_STAT) == (
        "request failed with nobody to handle it: http://127.0.0.1:9/gone: ConnectionRefusedError('refused')")
