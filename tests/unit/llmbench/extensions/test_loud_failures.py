"""LoudFailures and UnhandledHttpErrors, in process: what Scrapy only logs becomes a failed crawl."""

from __future__ import annotations

import logging

import pytest
from scrapy import Request, Spider, signals
from scrapy.logformatter import DOWNLOADERRORMSG_SHORT
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from llmbench.extensions.loud_failures import LoudFailures, UnhandledHttpErrors
from llmbench.failures import FAILED_STAT
from tests.inprocess import HUB, answer, project_crawler


@pytest.fixture
def crawler():
    """A crawler with only the extension under test (the project's own instance left out)."""
    crawler = project_crawler(EXTENSIONS={"llmbench.extensions.loud_failures.LoudFailures": None})
    crawler.spider = crawler._create_spider("t")
    extension = LoudFailures.from_crawler(crawler)
    yield crawler
    extension.engine_stopped()  # takes its log handler off again


def failure_of(exception: Exception, url: str = f"{HUB}/x") -> Failure:
    try:
        raise exception
    except type(exception):
        failure = Failure()
    failure.request = Request(url)
    return failure


def test_a_callback_error_fails_the_crawl_naming_the_url(crawler):
    response = answer(f"{HUB}/page", "{}")
    crawler.signals.send_catch_log(signals.spider_error, failure=failure_of(KeyError("models")), response=response,
                                   spider=crawler.spider)
    assert crawler.stats.get_value("llmbench/spider_errors") == 1
    assert crawler.stats.get_value(FAILED_STAT).startswith(f"spider error on {HUB}/page: KeyError('models')")


def test_a_pipeline_error_fails_the_crawl(crawler):
    crawler.signals.send_catch_log(signals.item_error, item={}, response=answer(f"{HUB}/p", "{}"),
                                   spider=crawler.spider, failure=failure_of(OSError("disk full")))
    assert crawler.stats.get_value("llmbench/item_errors") == 1
    assert "lost in a pipeline: OSError('disk full')" in crawler.stats.get_value(FAILED_STAT)


def test_a_download_error_nobody_handles_fails_the_crawl(crawler):
    logging.getLogger("scrapy.core.scraper").error(
        DOWNLOADERRORMSG_SHORT, {"request": Request(f"{HUB}/gone")}, extra={"spider": crawler.spider})
    assert crawler.stats.get_value("llmbench/unhandled_request_failures") == 1
    assert f"request failed with nobody to handle it: {HUB}/gone" in crawler.stats.get_value(FAILED_STAT)


def test_an_engine_error_log_fails_the_crawl_in_one_line(crawler):
    logging.getLogger("scrapy.core.engine").error("Scraper close failure\nTraceback (most recent call last): ...",
                                                  extra={"spider": crawler.spider})
    assert crawler.stats.get_value(FAILED_STAT) == "Scraper close failure"


def test_other_loggers_other_crawls_and_warnings_are_left_alone(crawler):
    logging.getLogger("scrapy.downloadermiddlewares.retry").error("Gave up retrying", extra={"spider": crawler.spider})
    logging.getLogger("scrapy.core.engine").warning("a warning", extra={"spider": crawler.spider})
    other = Spider("other")
    logging.getLogger("scrapy.core.scraper").error("Error downloading", extra={"spider": other})
    assert crawler.stats.get_value(FAILED_STAT) is None


def test_after_the_engine_stopped_its_log_watch_is_gone():
    crawler = project_crawler(EXTENSIONS={"llmbench.extensions.loud_failures.LoudFailures": None},
                              MEMUSAGE_ENABLED=False)  # its engine_stopped needs a started engine
    crawler.spider = crawler._create_spider("t")
    extension = LoudFailures.from_crawler(crawler)  # kept: signals hold their receivers weakly
    crawler.signals.send_catch_log(signals.engine_stopped)
    logging.getLogger("scrapy.core.engine").error("late", extra={"spider": crawler.spider})
    assert crawler.stats.get_value(FAILED_STAT) is None
    assert extension.handler not in logging.getLogger("scrapy").handlers


def test_an_error_status_nobody_handles_fails_the_crawl():
    crawler = project_crawler()
    middleware = UnhandledHttpErrors.from_crawler(crawler)
    response = answer(f"{HUB}/missing", "Not found", status=404)
    assert middleware.process_spider_exception(response, HttpError(response, "Ignoring")) is None
    assert crawler.stats.get_value(FAILED_STAT) == f"HTTP 404 from {HUB}/missing and nobody to handle it"
    assert middleware.process_spider_exception(response, ValueError("other")) is None
    assert crawler.stats.get_value("llmbench/unhandled_http_errors") == 1, "other exceptions are spider errors"
