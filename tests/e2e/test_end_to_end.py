"""The product end to end: the pipeline command, progress, dated snapshots and resume."""

from __future__ import annotations

import json
import os
import pty
import re
import subprocess
import sys
import time

import pytest

from llmbench.replica.catalog import Catalog
from llmbench.replica.faults import FaultConfig
from llmbench.storage import read_snapshot, snapshots
from tests.conftest import ROOT, crawl_command, crawl_env
from tests.helpers import text_generation


def scrapy(replica, data, *args, extra_env=None, timeout=600):
    env = crawl_env(replica, data) | (extra_env or {})
    return subprocess.run([sys.executable, "-m", "scrapy", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=timeout)


def test_crawlall_runs_the_stages_in_order(replica, tmp_path):
    data = tmp_path / "data"
    proc = scrapy(replica, data, "crawlall", "--limit", "300", "--leaderboard-source", "dataset",
                  "-s", "HUB_RATE_PACING=False")
    assert proc.returncode == 0, proc.stderr[-3000:]
    stages = [line for line in proc.stdout.splitlines() if line.startswith("llmbench crawlall: stage")]
    assert stages == ["llmbench crawlall: stage 1/4: hub", "llmbench crawlall: stage 2/4: benchmarks",
                      "llmbench crawlall: stage 3/4: leaderboard", "llmbench crawlall: stage 4/4: model_pages"]
    hub = read_snapshot(data, "hub_models")
    board_models = set(read_snapshot(data, "benchmark_leaderboards").column("model_id").to_pylist())
    gone = set((data / "benchmark_models_gone.txt").read_text().split())
    assert board_models - gone <= set(hub.column("model_id").to_pylist()), "every board model has metadata"
    assert hub.num_rows > 300 and read_snapshot(data, "leaderboard").num_rows == 4576  # gpt2 rows included
    unsized = {m for m, p in zip(hub.column("model_id").to_pylist(), hub.column("params").to_pylist(),
                                 strict=True) if p is None}
    assert set(read_snapshot(data, "model_sizes").column("model_id").to_pylist()) == unsized  # read stage 1


@pytest.mark.browser
def test_pipeline_alias_stops_at_a_failed_stage(make_replica, tmp_path):
    chromium_or_skip = __import__("tests.browser", fromlist=["chromium_or_skip"]).chromium_or_skip
    chromium_or_skip()
    changed = make_replica(faults=FaultConfig(leaderboard_mode="layout-changed"))
    data = tmp_path / "data"
    proc = scrapy(changed, data, "pipeline", "--limit", "50", "-s", "HUB_RATE_PACING=False",
                  "-s", "LEADERBOARD_TIMEOUT=5")
    assert proc.returncode == 1
    assert "llmbench pipeline: stage 'leaderboard' failed" in proc.stdout  # the alias speaks its own name
    assert "later stages were not run" in proc.stdout
    assert "stage 4/4" not in proc.stdout
    assert snapshots(data, "hub_models") and not snapshots(data, "model_sizes")


def run_in_terminal(command, env, timeout=120) -> str:
    """Run with stdout on a pseudo-terminal, as a person at a shell would; returns what it printed."""
    leader, follower = pty.openpty()
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=follower, stderr=subprocess.DEVNULL)
    os.close(follower)
    chunks = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            chunk = os.read(leader, 4096)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    proc.wait(timeout=30)
    os.close(leader)
    return b"".join(chunks).decode(errors="replace")


# A progress line, not a log line of the `hub` logger (those read "... [hub] WARNING: ...").
PROGRESS_LINE = re.compile(r"^\[hub\] [\d,]+ responses.*$", re.MULTILINE)


def test_progress_on_a_terminal_only(make_replica, tmp_path):
    slow = make_replica(faults=FaultConfig(latency=0.25))
    settings = {"PROGRESS_INTERVAL": "0.5"}
    command = crawl_command("hub", {"limit": "1200", "page_size": "100"}, settings)
    printed = run_in_terminal(command, crawl_env(slow, tmp_path / "tty"))
    lines = PROGRESS_LINE.findall(printed)
    assert lines and any("ETA" in line and "of 1,200" in line for line in lines), printed[-2000:]
    piped = subprocess.run(command, cwd=ROOT, env=crawl_env(slow, tmp_path / "pipe"), capture_output=True,
                           text=True, timeout=120)
    assert piped.returncode == 0 and not PROGRESS_LINE.search(piped.stdout + piped.stderr)
    quiet = run_in_terminal(crawl_command("hub", {"limit": "600", "page_size": "100"},
                                          settings | {"LOG_LEVEL": "WARNING"}), crawl_env(slow, tmp_path / "q"))
    assert not PROGRESS_LINE.search(quiet)


def test_dated_snapshots_side_by_side_and_compared(make_replica, tmp_path):
    data = tmp_path / "data"
    first = make_replica()
    assert scrapy(first, data, "crawl", "hub", "-a", "limit=all", "-s", "HUB_RATE_PACING=False",
                  extra_env={"LLMBENCH_CRAWL_DATE": "2026-10-01"}).returncode == 0
    second = make_replica(catalog=Catalog(seed=1))
    for _ in range(2):  # a re-crawl on the same day keeps one row per model
        proc = scrapy(second, data, "crawl", "hub", "-a", "limit=all", "-s", "HUB_RATE_PACING=False",
                      extra_env={"LLMBENCH_CRAWL_DATE": "2026-11-01"})
        assert proc.returncode == 0, proc.stderr[-2000:]
    assert snapshots(data, "hub_models") == ["2026-10-01", "2026-11-01"]
    runs = {p.name.rsplit("-", 1)[0] for p in data.glob("hub_models/crawl_date=2026-11-01/*.parquet")}
    assert len(runs) == 2  # both runs' files stay in the partition
    latest = read_snapshot(data, "hub_models")
    ids = latest.column("model_id").to_pylist()
    assert len(ids) == len(set(ids)) == len(text_generation(second.catalog))
    assert scrapy(second, data, "crawl", "leaderboard", "-a", "source=dataset").returncode == 0
    out = tmp_path / "report"
    proc = subprocess.run([sys.executable, "-m", "analysis", "--data", str(data), "--out", str(out),
                           "--compare", "2026-10-01"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    comparison = json.loads((out / "results.json").read_text())["comparison"]
    assert comparison["older"] == "2026-10-01" and comparison["newer"] == "2026-11-01"
    old = {r["model_id"]: r["downloads"] for r in read_snapshot(data, "hub_models", "2026-10-01").to_pylist()}
    new = {r["model_id"]: r["downloads"] for r in latest.to_pylist()}
    both = set(old) & set(new)  # the seeds derive different quantized repos: some come and go
    assert comparison["models_in_both"] == len(both) > 2000
    assert comparison["n_added"] == len(set(new) - set(old)) > 0
    assert comparison["n_removed"] == len(set(old) - set(new)) > 0
    assert comparison["total_downloads_change"] == sum(new[m] - old[m] for m in both)
    assert "Change between snapshots" in (out / "report.html").read_text()
