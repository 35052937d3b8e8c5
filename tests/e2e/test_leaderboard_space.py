"""The leaderboard Space in each state (issue #11.6): the runtime is asked before the browser starts,
a Space that is not running still yields the board, from its dataset, and says so."""

from __future__ import annotations

import pytest

from llmbench.replica.faults import FaultConfig
from tests.browser import chromium_or_skip

RUNTIME = "/api/spaces/open-llm-leaderboard/open_llm_leaderboard/runtime"
SOME = "Qwen/Qwen2.5-72B-Instruct,01-ai/Yi-1.5-34B"


def sources(result) -> set[str]:
    return set(result.table("leaderboard").column("source").to_pylist())


@pytest.mark.parametrize("stage", ["SLEEPING", "PAUSED", "RUNTIME_ERROR"])
def test_space_not_running_reads_the_dataset_without_a_browser(stage, make_replica, run_crawl):
    replica = make_replica(space_stage=stage)
    result = run_crawl(replica, "leaderboard", {"models": SOME})
    assert result.returncode == 0, result.output[-3000:]
    assert f"Space open-llm-leaderboard/open_llm_leaderboard is {stage}" in result.output
    assert "reading the board from the open-llm-leaderboard/contents dataset instead" in result.output
    assert f"'leaderboard/space_stage': '{stage}'" in result.output and "'leaderboard/fallback':" in result.output
    assert "'leaderboard/path': 'dataset'" in result.output
    assert set(result.table("leaderboard").column("model_id").to_pylist()) == set(SOME.split(","))
    assert sources(result) == {"dataset"}
    assert "playwright/page_count" not in result.output  # no page was opened
    assert not [r for r in replica.log.records if r.origin == "app" or "/spaces/" in r.path_qs and "runtime" not in
                r.path_qs]


def test_fallback_turned_off_fails_loudly(make_replica, run_crawl):
    replica = make_replica(space_stage="SLEEPING")
    result = run_crawl(replica, "leaderboard", {"models": SOME}, settings={"LEADERBOARD_DATASET_FALLBACK": "False"})
    assert result.returncode == 1
    assert "is SLEEPING" in result.output and "LEADERBOARD_DATASET_FALLBACK" in result.output
    assert not list(result.data_dir.rglob("*.parquet"))


@pytest.mark.browser
def test_building_space_is_awaited_then_crawled_in_the_browser(make_replica, run_crawl):
    chromium_or_skip()
    replica = make_replica(space_stage="BUILDING", space_ready_after=1.5)
    result = run_crawl(replica, "leaderboard", {"models": SOME}, settings={"LEADERBOARD_SPACE_POLL": "0.5"})
    assert result.returncode == 0, result.output[-3000:]
    assert "is BUILDING; waiting up to" in result.output
    assert "'leaderboard/space_stage': 'RUNNING'" in result.output
    assert "leaderboard path: json" in result.output and sources(result) == {"json"}
    asked = [r for r in replica.log.records if r.path_qs == RUNTIME]
    assert len(asked) >= 3


def test_space_that_stays_building_falls_back_after_the_wait(make_replica, run_crawl):
    replica = make_replica(space_stage="BUILDING")
    result = run_crawl(replica, "leaderboard", {"models": SOME},
                       settings={"LEADERBOARD_SPACE_WAIT": "1", "LEADERBOARD_SPACE_POLL": "0.3"})
    assert result.returncode == 0, result.output[-3000:]
    assert "still BUILDING after" in result.output and sources(result) == {"dataset"}


@pytest.mark.browser
def test_running_space_whose_app_never_comes_falls_back(make_replica, run_crawl):
    chromium_or_skip()
    replica = make_replica(faults=FaultConfig(leaderboard_mode="app-down"))
    result = run_crawl(replica, "leaderboard", {"models": SOME})
    assert result.returncode == 0, result.output[-3000:]
    assert "answered HTTP 503" in result.output and sources(result) == {"dataset"}
    assert "'leaderboard/space_stage': 'RUNNING'" in result.output


def test_a_browser_that_does_not_start_is_not_hidden_by_the_fallback(replica, run_crawl):
    """Our Chromium failing is not the Space's state: the crawl fails, it does not quietly read the dataset."""
    result = run_crawl(replica, "leaderboard", {"models": SOME}, settings={"CHROMIUM_EXECUTABLE": "/bin/true"})
    assert result.returncode == 1, result.output[-3000:]
    assert "Chromium did not start" in result.output and "'leaderboard/browser_failed': 1" in result.output
    assert "dataset instead" not in result.output and not list(result.data_dir.rglob("*.parquet"))


def test_a_runtime_question_that_keeps_failing_is_only_a_warning_when_the_page_still_works(make_replica, run_crawl):
    """Retries running out on a request whose errback has a fallback are no failure: Scrapy's give-up
    record is a WARNING (RETRY_GIVE_UP_LOG_LEVEL), as any ERROR fails the crawl."""
    chromium_or_skip()
    replica = make_replica(faults=FaultConfig(error_rate=1.0, path=f"^{RUNTIME}$"))
    result = run_crawl(replica, "leaderboard", {"models": SOME})
    assert result.returncode == 0, result.output[-3000:]
    assert "WARNING: Gave up retrying" in result.output and "could not ask the Space's runtime" in result.output
    assert sources(result) == {"json"}
