"""CrawlSummary and Progress, in process: the closing summary in stats and log; progress lines only on a
terminal, with an ETA when the spider knows its total."""

from __future__ import annotations

import logging

import pytest
from scrapy import Spider, signals
from scrapy.exceptions import NotConfigured

from llmbench.extensions.progress import Progress, eta_text
from llmbench.extensions.summary import CrawlSummary
from llmbench.failures import FAILED_STAT
from tests.inprocess import project_crawler, spider_of


def test_the_summary_goes_into_stats_and_one_log_line(caplog):
    crawler = project_crawler(EXTENSIONS={})
    spider_of(crawler, "t")
    extension = CrawlSummary.from_crawler(crawler)  # kept: signals hold their receivers weakly
    for key, value in {"downloader/response_count": 7, "item_scraped_count": 5, "ratelimit/429": 2,
                       "ratelimit/wait_seconds": 3.14159, "parquet/hub_models/items": 4,
                       "dedup/hub_models/duplicates": 1, FAILED_STAT: "list page failed"}.items():
        crawler.stats.set_value(key, value)
    with caplog.at_level(logging.INFO, logger="llmbench.extensions.summary"):
        crawler.signals.send_catch_log(signals.spider_closed, spider=crawler.spider, reason="finished")
    stats = crawler.stats.get_stats()
    assert (stats["summary/pages"], stats["summary/items_scraped"], stats["summary/http_429"]) == (7, 5, 2)
    assert stats["summary/rate_limit_wait_s"] == 3.1 and stats["summary/failed"] == "list page failed"
    (line,) = [r.getMessage() for r in caplog.records if r.name == "llmbench.extensions.summary"]
    assert "written {'hub_models': 4}" in line and "'hub_models duplicates': 1" in line
    assert line.endswith("; FAILED: list page failed")
    assert extension


def test_no_progress_lines_off_a_terminal():
    with pytest.raises(NotConfigured):  # pytest captures stdout: not a TTY
        Progress.from_crawler(project_crawler(PROGRESS_INTERVAL=1.0))


def test_a_progress_line_counts_and_estimates(capsys):
    crawler = project_crawler(PROGRESS_INTERVAL=1.0)
    spider = Spider("t")
    spider.progress_total = 1000
    progress = Progress(crawler)
    progress.started -= 10  # ten seconds in
    crawler.stats.set_value("downloader/response_count", 1234)
    crawler.stats.set_value("item_scraped_count", 250)
    crawler.stats.set_value("ratelimit/429", 3)
    progress.report(spider)
    line = capsys.readouterr().out.strip()
    assert line.startswith("[t] 1,234 responses, 250 items, 3 x 429 25% of 1,000, ETA 0m30s")


def test_progress_counts_the_rows_of_a_spider_whose_items_are_pages(capsys):
    crawler = project_crawler(PROGRESS_INTERVAL=1.0)
    spider = Spider("hub")
    spider.progress_total, spider.progress_stat = 1000, "hub/models_seen"  # as the hub spider sets them
    progress = Progress(crawler)
    progress.started -= 10
    crawler.stats.set_value("item_scraped_count", 1)  # one page ...
    crawler.stats.set_value("hub/models_seen", 500)  # ... of 500 models
    progress.report(spider)
    line = capsys.readouterr().out
    assert "500 items" in line and "50% of 1,000" in line


def test_eta_text():
    assert eta_text(50, 100, 10.0) == " 50% of 100, ETA 0m10s"
    assert eta_text(100, 60_000, 60.0) == " 0% of 60,000, ETA 599m00s"
    assert eta_text(0, 100, 10.0) == eta_text(5, None, 10.0) == ""
