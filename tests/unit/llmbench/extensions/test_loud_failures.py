"""LoudFailures, UnhandledHttpErrors and crawl_failed, in process: what Scrapy only logs or signals fails the crawl."""

from __future__ import annotations

import logging

import pytest
from scrapy import Request, Spider, signals
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from llmbench.extensions.loud_failures import LoudFailures
from llmbench.failures import FAILED_STAT, FIRST_ERROR_STAT, crawl_failed
from llmbench.spidermiddlewares.unhandled_http_errors import UnhandledHttpErrors
from tests.inprocess import HUB, answer, project_crawler, spider_of


@pytest.fixture
def crawler():
    """A crawler with only the extension under test (the project's own instance left out), finished normally."""
    crawler = project_crawler(EXTENSIONS={"llmbench.extensions.loud_failures.LoudFailures": None})
    spider_of(crawler, "t")
    extension = LoudFailures.from_crawler(crawler)
    crawler.stats.set_value("finish_reason", "finished")
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
    assert crawl_failed(crawler).startswith(f"spider error on {HUB}/page: KeyError('models')")


def test_a_pipeline_error_fails_the_crawl(crawler):
    crawler.signals.send_catch_log(signals.item_error, item={}, response=answer(f"{HUB}/p", "{}"),
                                   spider=crawler.spider, failure=failure_of(OSError("disk full")))
    assert crawler.stats.get_value("llmbench/item_errors") == 1
    assert "lost in a pipeline: OSError('disk full')" in crawl_failed(crawler)


def test_any_error_record_fails_the_crawl_naming_the_first_in_one_line(crawler):
    """No wording is matched: whichever logger, whatever the message, an ERROR is a failure."""
    try:
        raise OSError("disk gone while closing")
    except OSError:
        logging.getLogger("anything.at.all").error("Close failure\nTraceback (most recent call last): ...",
                                                   exc_info=True)
    logging.getLogger("scrapy.core.scraper").error("Error downloading %(request)s", {"request": Request(f"{HUB}/gone")},
                                                   extra={"spider": crawler.spider})
    assert crawler.stats.get_value(FIRST_ERROR_STAT) == "Close failure: OSError('disk gone while closing')"
    assert crawl_failed(crawler) == "2 errors logged (first: Close failure: OSError('disk gone while closing'))"
    assert crawler.stats.get_value(FAILED_STAT) is None, "the failure stat is fail_crawl's alone"


def test_an_exception_the_message_already_names_is_not_repeated(crawler):
    try:
        raise ValueError("start requests broke half-way")
    except ValueError as exc:
        logging.getLogger("scrapy.core.engine").error(f"Error while reading start: {exc}.\nTraceback ...",
                                                      exc_info=True)
    assert crawl_failed(crawler) == "1 error logged (first: Error while reading start: start requests broke half-way.)"


def test_errors_scrapy_counted_fail_the_crawl_too(crawler):
    """Scrapy's own count (LogCount, between spider_opened and spider_closed) is read as well."""
    crawler.stats.set_value("log_count/ERROR", 3)
    assert crawl_failed(crawler) == "3 errors logged"


def test_a_fail_crawl_message_names_the_failure_before_the_error_count(crawler):
    logging.getLogger("scrapy.core.engine").error("first")
    crawler.signals.send_catch_log(signals.spider_error, failure=failure_of(KeyError("k")),
                                   response=answer(f"{HUB}/page", "{}"), spider=crawler.spider)
    assert crawl_failed(crawler).startswith(f"spider error on {HUB}/page")
    assert crawler.stats.get_value(FIRST_ERROR_STAT) == "first"


def test_warnings_and_other_crawls_errors_are_left_alone(crawler):
    logging.getLogger("scrapy.core.engine").warning("a warning", extra={"spider": crawler.spider})
    logging.getLogger("scrapy.core.scraper").error("Error downloading", extra={"spider": Spider("other")})
    assert crawl_failed(crawler) is None


def test_after_the_engine_stopped_its_log_watch_is_gone():
    crawler = project_crawler(EXTENSIONS={"llmbench.extensions.loud_failures.LoudFailures": None},
                              MEMUSAGE_ENABLED=False)  # its engine_stopped needs a started engine
    spider_of(crawler, "t")
    extension = LoudFailures.from_crawler(crawler)  # kept: signals hold their receivers weakly
    crawler.signals.send_catch_log(signals.engine_stopped)
    logging.getLogger("scrapy.core.engine").error("late", extra={"spider": crawler.spider})
    assert crawler.stats.get_value(FIRST_ERROR_STAT) is None
    assert extension.handler not in logging.getLogger().handlers


def test_an_error_status_nobody_handles_fails_the_crawl():
    crawler = project_crawler()
    middleware = UnhandledHttpErrors.from_crawler(crawler)
    response = answer(f"{HUB}/missing", "Not found", status=404)
    assert middleware.process_spider_exception(response, HttpError(response, "Ignoring")) is None
    assert crawler.stats.get_value(FAILED_STAT) == f"HTTP 404 from {HUB}/missing and nobody to handle it"
    assert middleware.process_spider_exception(response, ValueError("other")) is None
    assert crawler.stats.get_value("llmbench/unhandled_http_errors") == 1, "other exceptions are spider errors"
