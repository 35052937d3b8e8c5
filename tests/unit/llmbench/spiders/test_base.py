"""BaseSpider, in process: `-a` arguments checked into one-line usage errors before anything starts,
Hub URLs from HUB_ENDPOINT, and requested models that were not found reported once."""

from __future__ import annotations

import logging

import pytest
from scrapy.exceptions import UsageError

from llmbench.spiders.base import SHOWN_MISSING, BaseSpider, choice, positive_int
from llmbench.spiders.hub import HubSpider
from tests.inprocess import HUB, make_spider, project_crawler


class Requesting(BaseSpider):
    name = "requesting"


@pytest.mark.parametrize(("value", "allow_all", "expected"), [
    (None, False, 100), ("7", False, 7), (" 12 ", False, 12), ("all", True, None), ("ALL", True, None),
])
def test_positive_int(value, allow_all, expected):
    arguments = {} if value is None else {"limit": value}
    assert positive_int(arguments, "limit", 100, allow_all=allow_all) == expected


@pytest.mark.parametrize(("value", "allow_all", "message"), [
    ("0", False, "-a limit: expected a positive whole number, got '0'"),
    ("-3", True, "-a limit: expected a positive whole number or 'all', got '-3'"),
    ("all", False, "-a limit: expected a positive whole number, got 'all'"),
    ("1e3", True, "-a limit: expected a positive whole number or 'all', got '1e3'"),
])
def test_a_bad_number_is_a_one_line_usage_error(value, allow_all, message):
    with pytest.raises(UsageError) as raised:
        positive_int({"limit": value}, "limit", 100, allow_all=allow_all)
    assert str(raised.value) == message and "\n" not in message and raised.value.print_help is False


def test_choice():
    assert choice({}, "sort", ("downloads", "likes"), "downloads") == "downloads"
    assert choice({"sort": "likes"}, "sort", ("downloads", "likes"), "downloads") == "likes"
    with pytest.raises(UsageError, match="^-a sort: expected one of downloads, likes; got 'size'$"):
        choice({"sort": "size"}, "sort", ("downloads", "likes"), "downloads")


def test_check_arguments_stops_a_bad_crawl_before_it_is_built():
    settings = project_crawler().settings
    HubSpider.check_arguments(settings, {"limit": "all", "sort": "likes"})
    with pytest.raises(UsageError, match="^-a page_size: "):
        HubSpider.check_arguments(settings, {"page_size": "many"})


def test_arguments_become_attributes_and_urls_follow_the_endpoint():
    spider = make_spider(HubSpider, limit="all", page_size="5000", sort="likes")
    assert spider.limit is None and spider.page_size == 1000, "pages above the Hub's maximum are capped"
    assert spider.query["sort"] == "likes"
    assert spider.first_page_url().startswith(f"{HUB}/api/models?")


def test_models_not_found_are_reported_once_case_insensitively(caplog):
    requested = [f"org/Model-{n}" for n in range(SHOWN_MISSING + 3)]
    spider = make_spider(Requesting, models=",".join(requested))
    assert spider.requested == requested
    with caplog.at_level(logging.WARNING):
        missing = spider.report_not_found(["ORG/model-0", "org/model-1"])
    assert missing == requested[2:]
    assert spider.crawler.stats.get_value("requesting/requested_not_found") == SHOWN_MISSING + 1
    (line,) = [r.getMessage() for r in caplog.records]
    assert line.startswith(f"{SHOWN_MISSING + 1} of {SHOWN_MISSING + 3} requested models were not found: org/Model-2")
    assert line.endswith(" and 1 more")


def test_nothing_to_report_without_requested_models():
    spider = make_spider(Requesting)
    assert spider.requested is None and spider.report_not_found([]) == []
    assert spider.crawler.stats.get_value("requesting/requested_not_found") is None
