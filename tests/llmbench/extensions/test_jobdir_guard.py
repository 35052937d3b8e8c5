"""JobdirGuard, in process: a marker while a crawl runs; a dead run's request queue set aside."""

from __future__ import annotations

import pytest
from scrapy import signals
from scrapy.exceptions import NotConfigured

from llmbench.extensions.jobdir_guard import MARKER, JobdirGuard
from tests.inprocess import project_crawler, spider_of


def guard(jobdir):
    crawler = project_crawler(JOBDIR=str(jobdir), EXTENSIONS={})
    spider_of(crawler, "t")
    return crawler, JobdirGuard.from_crawler(crawler)


def test_off_without_jobdir():
    with pytest.raises(NotConfigured):
        JobdirGuard.from_crawler(project_crawler(JOBDIR=None, EXTENSIONS={}))


def test_the_marker_lives_as_long_as_the_crawl(tmp_path):
    crawler, extension = guard(tmp_path / "job")
    assert (tmp_path / "job" / MARKER).exists()
    crawler.signals.send_catch_log(signals.spider_closed, spider=crawler.spider, reason="shutdown")
    assert not (tmp_path / "job" / MARKER).exists()


def test_after_a_clean_stop_the_queue_is_kept(tmp_path):
    jobdir = tmp_path / "job"
    jobdir.mkdir()
    (jobdir / "requests.queue").mkdir()
    crawler, extension = guard(jobdir)
    crawler.signals.send_catch_log(signals.spider_opened, spider=crawler.spider)
    assert (jobdir / "requests.queue").exists() and extension.set_aside is None
    assert crawler.stats.get_value("jobdir/unclean_previous_run") is None


def test_after_a_hard_kill_the_queue_and_seen_file_are_set_aside(tmp_path):
    jobdir = tmp_path / "job"
    jobdir.mkdir()
    (jobdir / MARKER).write_text("pid 1\n")  # left by a run that never closed
    (jobdir / "requests.queue").mkdir()
    (jobdir / "requests.queue" / "p0").write_text("stale")
    (jobdir / "requests.seen").write_text("fingerprints")
    (jobdir / "hub_checkpoint.json").write_text("{}")
    crawler, extension = guard(jobdir)
    crawler.signals.send_catch_log(signals.spider_opened, spider=crawler.spider)
    assert not (jobdir / "requests.queue").exists() and not (jobdir / "requests.seen").exists()
    assert (extension.set_aside / "requests.queue" / "p0").read_text() == "stale"
    assert (extension.set_aside / "requests.seen").read_text() == "fingerprints"
    assert (jobdir / "hub_checkpoint.json").exists(), "the spiders' own resume state stays"
    assert crawler.stats.get_value("jobdir/unclean_previous_run") == 1
    assert (jobdir / MARKER).exists(), "this run is marked in turn"
