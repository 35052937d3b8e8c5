"""#10.3 / #13.4: no crawl reports success after losing data; the reason is one line naming the URL.

Each case runs the real `scrapy crawl` (test-only spiders from tests/e2e/hostile/spiders.py where llmbench's
own spiders cannot be made to break that way) and checks the exit status, the one-line reason, that
what was written before the failure stays, and the run record (DATA_DIR/_runs/*.json).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import stat as stat_mode
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from llmbench.replica.faults import FaultConfig
from llmbench.settings import EXTENSIONS, ITEM_PIPELINES
from tests.e2e.hostile.runs import TOKEN, command, env_for, files_holding, run, run_until
from tests.e2e.hostile.spiders import BAD, GOOD

HOSTILE = {"SPIDER_MODULES": "llmbench.spiders,tests.e2e.hostile.spiders", "LOG_LEVEL": "INFO"}
WITH_RAISING_PIPELINE = {"ITEM_PIPELINES": json.dumps(ITEM_PIPELINES
                                                      | {"tests.e2e.hostile.spiders.RaisingPipeline": 500})}


def reason_lines(output: str, spider: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith(f"llmbench: crawl {spider!r}")]


def written(data_dir) -> list[str]:
    return [m for f in sorted(data_dir.glob("*/crawl_date=*/part-*.parquet"))
            for m in pq.read_table(f).column("model_id").to_pylist()]


def run_records(data_dir) -> list[dict]:
    return [json.loads(p.read_text()) for p in sorted((data_dir / "_runs").glob("*.json"))]


def hostile(replica, tmp_path, spider, settings=None, **args):
    data = tmp_path / "data"
    result = run(command(spider, args, HOSTILE | (settings or {})), env_for(replica.hub_url, data, token=None))
    return result, data


def assert_failed_naming(result, data, spider: str, *needles: str) -> None:
    lines = reason_lines(result.output, spider)
    assert result.returncode == 1, result.output[-3000:]
    assert len(lines) == 1 and " failed: " in lines[0] and all(n in lines[0] for n in needles), lines
    (record,) = run_records(data)
    assert record["status"] == "failed" and record["exit_status"] == 1 and record["reason"]


def test_callback_exception(replica, tmp_path):
    result, data = hostile(replica, tmp_path, "hostile_callback_raises")
    assert_failed_naming(result, data, "hostile_callback_raises", "/api/models?limit=1", "ValueError")
    assert written(data) == [GOOD]


def test_start_requests_exception(replica, tmp_path):
    result, data = hostile(replica, tmp_path, "hostile_start_raises")
    assert_failed_naming(result, data, "hostile_start_raises", "start requests broke half-way")
    assert "Traceback" not in reason_lines(result.output, "hostile_start_raises")[0]


def test_request_failure_nobody_handles(replica, tmp_path):
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{sock.getsockname()[1]}/gone"
    result, data = hostile(replica, tmp_path, "hostile_no_errback", {"RETRY_TIMES": "1"}, url=url)
    assert_failed_naming(result, data, "hostile_no_errback", url)


def test_error_status_nobody_handles(replica, tmp_path):
    url = f"{replica.hub_url}/api/models/no-such-org/no-such-model"
    result, data = hostile(replica, tmp_path, "hostile_no_errback", url=url)
    assert_failed_naming(result, data, "hostile_no_errback", "HTTP 40", url)  # 401 or 404, as the Hub answers


def test_pipeline_exception_costs_that_item_only(replica, tmp_path):
    result, data = hostile(replica, tmp_path, "hostile_items", WITH_RAISING_PIPELINE)
    assert_failed_naming(result, data, "hostile_items", "/api/models?limit=1", "KeyError")
    assert written(data) == [GOOD] and BAD not in result.output.split("failed:")[0]


def test_pipeline_close_failure(replica, tmp_path):
    settings = WITH_RAISING_PIPELINE | {"HOSTILE_CLOSE_RAISES": "1"}
    result, data = hostile(replica, tmp_path, "hostile_items", settings)
    assert_failed_naming(result, data, "hostile_items", "Scraper close failure: OSError('disk gone while closing')")
    assert sorted(written(data)) == sorted([GOOD, BAD])  # the writer still flushed


def test_an_error_scrapy_logged_fails_the_crawl_from_stats_alone(replica, tmp_path):
    """Without LoudFailures, Scrapy's own count of ERROR records (log_count/ERROR) still fails the crawl."""
    settings = WITH_RAISING_PIPELINE | {"HOSTILE_CLOSE_RAISES": "1", "EXTENSIONS": json.dumps(
        EXTENSIONS | {"llmbench.extensions.loud_failures.LoudFailures": None})}
    result, data = hostile(replica, tmp_path, "hostile_items", settings)
    assert_failed_naming(result, data, "hostile_items", "1 error logged")


def test_extension_exception(replica, tmp_path):
    settings = {"EXTENSIONS": json.dumps(EXTENSIONS | {"tests.e2e.hostile.spiders.RaisingExtension": 500})}
    result, data = hostile(replica, tmp_path, "hostile_items", settings)
    assert_failed_naming(result, data, "hostile_items", "RaisingExtension.spider_closed", "extension broke on close")


@pytest.mark.parametrize("kind", ["file", "read-only"])
def test_unusable_data_dir(replica, tmp_path, kind):
    data = tmp_path / "data"
    if kind == "file":
        data.write_text("a file the user keeps here\n")
    elif os.geteuid() == 0:
        data = Path("/sys/llmbench-data")  # root writes through chmod; /sys is read-only for everyone
    else:
        data.mkdir()
        data.chmod(stat_mode.S_IRUSR | stat_mode.S_IXUSR)
    result = run(command("hub", {"limit": "5"}, {"LOG_LEVEL": "INFO"}), env_for(replica.hub_url, data, token=None))
    (line,) = reason_lines(result.output, "hub")
    assert result.returncode == 1 and f"DATA_DIR {data}" in line, result.output[-2000:]
    assert "Traceback" not in result.output
    if kind == "file":
        assert data.read_text() == "a file the user keeps here\n"


def answered_then_settled(replica, answers: int, settle: float = 0.5):
    """Ready once the replica answered `answers` requests and `settle` seconds passed (the next one is out)."""
    since: list[float] = []

    def ready() -> bool:
        if not since and len(replica.log.records) >= answers:
            since.append(time.monotonic())
        return bool(since) and time.monotonic() - since[0] >= settle

    return ready


@pytest.mark.parametrize("presses", [1, 2])
def test_ctrl_c_exits_non_zero_with_the_resume_hint(make_replica, tmp_path, presses):
    # Pages after the third hang for 3 s: the first press always finds one in flight, so the crawl is still
    # draining when the second press comes (a page is parsed in a few ms: the drain alone is too short).
    replica = make_replica(faults=FaultConfig(latency=0.3, stall_rate=1.0, stall_seconds=3.0, path="^/api/models$",
                                              after=3))
    data, jobdir = tmp_path / "data", tmp_path / "job"
    cmd = command("hub", {"limit": "all", "page_size": "100"}, {"JOBDIR": str(jobdir), "LOG_LEVEL": "INFO"})
    result = run_until(cmd, env_for(replica.hub_url, data, token=None), answered_then_settled(replica, 3),
                       (signal.SIGINT,) * presses, gap=0.1)  # the second press while the first still drains
    assert result.returncode == 130, result.output[-2000:]
    (line,) = reason_lines(result.output, "hub")
    if presses == 1:
        assert f"interrupted; resume with -s JOBDIR={jobdir}" in line
        (record,) = run_records(data)
        assert record["status"] == "interrupted" and record["exit_status"] == 130
    else:
        assert "forcing unclean shutdown" in result.output and "interrupted (forced shutdown" in line


def test_ctrl_c_without_jobdir_says_it_starts_over(make_replica, tmp_path):
    replica = make_replica(faults=FaultConfig(latency=0.3))
    result = run_until(command("hub", {"limit": "all", "page_size": "100"}, {"LOG_LEVEL": "INFO"}),
                       env_for(replica.hub_url, tmp_path / "data", token=None),
                       lambda: len(replica.log.records) >= 3, (signal.SIGINT,))
    assert result.returncode == 130 and "no JOBDIR was set" in reason_lines(result.output, "hub")[0]


def test_pipeline_command_stops_at_the_first_failed_stage(make_replica, tmp_path):
    replica = make_replica(faults=FaultConfig(error_rate=1.0, path="^/api/models$"))
    cmd = command("hub", settings={"RETRY_TIMES": "0", "LOG_LEVEL": "INFO"})
    cmd = cmd[:3] + ["pipeline", "--limit", "50", "--leaderboard-source", "dataset"] + cmd[5:]
    result = run(cmd, env_for(replica.hub_url, tmp_path / "data", token=None))
    assert result.returncode == 1 and "stage 'hub' failed" in result.output
    assert "stage 2/" not in result.output and "all stages finished" not in result.output


def test_pipeline_command_interrupted_exits_130_and_runs_no_later_stage(make_replica, tmp_path):
    replica = make_replica(faults=FaultConfig(latency=0.3))
    cmd = command("hub", settings={"LOG_LEVEL": "INFO"})
    cmd = cmd[:3] + ["pipeline", "--limit", "all", "--leaderboard-source", "dataset"] + cmd[5:]
    result = run_until(cmd, env_for(replica.hub_url, tmp_path / "data", token=None),
                       lambda: len(replica.log.records) >= 3, (signal.SIGINT,))
    assert result.returncode == 130 and "stage 'hub' failed (interrupted)" in result.output, result.output[-2000:]
    assert "stage 2/" not in result.output and "all stages finished" not in result.output


def test_run_record_of_a_good_crawl_has_stats_arguments_and_no_token(replica, tmp_path):
    data = tmp_path / "data"
    result = run(command("hub", {"limit": "50"}, {"LOG_LEVEL": "INFO"}), env_for(replica.hub_url, data))
    assert result.returncode == 0, result.output[-2000:]
    (record,) = run_records(data)
    assert record["spider"] == "hub" and record["arguments"] == {"limit": "50"}
    assert record["status"] == "finished" and record["exit_status"] == 0 and record["reason"] is None
    assert record["stats"]["parquet/hub_models/items"] == 50 and record["stats"]["finish_reason"] == "finished"
    assert files_holding(TOKEN, data) == []
