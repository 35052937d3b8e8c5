"""RunRecord, in process: DATA_DIR/_runs/<spider>-<start>.json says "running" while the crawl runs, then
the outcome, exit status, arguments and stats, and never the token."""

from __future__ import annotations

import json

import pytest
from scrapy import signals

from llmbench.extensions.run_record import RUNS_DIR, RunRecord
from llmbench.failures import FAILED_STAT
from tests.inprocess import project_crawler, spider_of

TOKEN = "hf_recordTESTtoken0123456789abcdef"


@pytest.fixture
def crawl(tmp_path, monkeypatch):
    """(crawler, extension) for a spider `t` whose data dir is tmp_path/data; the token is set."""
    monkeypatch.setenv("HF_TOKEN", TOKEN)
    crawler = project_crawler(DATA_DIR=str(tmp_path / "data"), EXTENSIONS={}, MEMUSAGE_ENABLED=False)
    spider_of(crawler, "t")
    extension = RunRecord.from_crawler(crawler)  # kept: signals hold their receivers weakly
    # the extension alone: Scrapy's own spider_opened receivers need an engine and a running loop, and
    # their errors, logged, would fail the crawl
    extension.spider_opened(crawler.spider)
    return crawler, extension


def the_record(tmp_path) -> dict:
    (path,) = (tmp_path / "data" / RUNS_DIR).glob("t-*.json")
    return json.loads(path.read_text())


def test_a_running_crawl_says_so(crawl, tmp_path):
    record = the_record(tmp_path)
    assert record["status"] == "running" and record["exit_status"] is None and record["spider"] == "t"


def test_a_finished_crawl_records_its_stats_and_exit_status(crawl, tmp_path):
    crawler, _ = crawl
    crawler.stats.set_value("hub/pages", 3)
    crawler.stats.set_value("finish_reason", "finished")
    crawler.signals.send_catch_log(signals.engine_stopped)
    record = the_record(tmp_path)
    assert (record["status"], record["reason"], record["exit_status"]) == ("finished", None, 0)
    assert record["stats"]["hub/pages"] == 3 and record["finished"]


def test_a_failed_crawl_records_why(crawl, tmp_path):
    crawler, _ = crawl
    crawler.stats.set_value("finish_reason", "finished")
    crawler.stats.set_value(FAILED_STAT, "list page failed for good: http://x/api/models")
    crawler.signals.send_catch_log(signals.engine_stopped)
    record = the_record(tmp_path)
    assert (record["status"], record["exit_status"]) == ("failed", 1)
    assert record["reason"] == "list page failed for good: http://x/api/models"


def test_an_interrupted_crawl_exits_130(crawl, tmp_path):
    crawler, _ = crawl
    crawler.stats.set_value("finish_reason", "shutdown")
    crawler.signals.send_catch_log(signals.engine_stopped)
    assert (the_record(tmp_path)["status"], the_record(tmp_path)["exit_status"]) == ("interrupted", 130)


def test_the_token_never_reaches_the_record(crawl, tmp_path):
    crawler, _ = crawl
    crawler.stats.set_value("finish_reason", "finished")
    crawler.stats.set_value("oops/header", f"Bearer {TOKEN}")
    crawler.signals.send_catch_log(signals.engine_stopped)
    text = next((tmp_path / "data" / RUNS_DIR).glob("t-*.json")).read_text()
    assert TOKEN not in text and "Bearer <redacted>" in text
