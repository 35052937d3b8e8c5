"""Resume with `-s JOBDIR=...` (docs/resume.md), every spider that resumes, in one place: after Ctrl-C
Scrapy's saved queue and spider.state continue the crawl; after `kill -9` the dead run's Scrapy state is
set aside and the crawl starts over, skipping what is on disk. Either way nothing is lost or written
twice, the snapshot is the first run's even after midnight, one live crawl holds a JOBDIR, and nothing
llmbench did not write is removed or overwritten."""

from __future__ import annotations

import os
import pickle
import signal
import subprocess
import time

import pyarrow.parquet as pq

from llmbench.replica.faults import FaultConfig
from llmbench.replica.repos.records import BIN_ONLY
from llmbench.storage import read_snapshot
from tests.conftest import ROOT, written_ids
from tests.e2e.hostile.runs import command, env_for, kill_9, run, run_until
from tests.helpers import expected_results


def text_generation_ids(catalog) -> set[str]:
    return {r.repo_id for r in catalog if r.api.get("pipeline_tag") == "text-generation"}


HUB_ROWS = "hub_models/*/part-*.parquet"


def hub_command(jobdir, limit: str = "all", **settings: str) -> list[str]:
    return command("hub", {"limit": limit, "page_size": "100"},
                   {"JOBDIR": str(jobdir), "PARQUET_BATCH_ITEMS": "100", "LOG_LEVEL": "INFO"} | settings)


def parts(data, dataset: str = "hub_models") -> int:
    return len(list(data.glob(f"{dataset}/*/part-*.parquet")))


def exactly_once(data, expected: set[str], pattern: str = HUB_ROWS) -> None:
    ids = written_ids(data, pattern)
    assert len(ids) == len(set(ids)), "no duplicates"
    assert set(ids) == expected, "no gaps"


# -- the hub spider ----------------------------------------------------------------------------

def test_hub_ctrl_c_then_the_saved_queue_continues(make_replica, catalog, tmp_path):
    replica = make_replica(faults=FaultConfig(latency=0.2))
    data, jobdir = tmp_path / "data", tmp_path / "job"
    env = env_for(replica.hub_url, data, token=None)
    first = run_until(hub_command(jobdir), env, lambda: parts(data) >= 2, (signal.SIGINT,))
    assert first.returncode == 130 and "shutdown" in first.output, first.output[-3000:]
    assert 0 < len(written_ids(data, HUB_ROWS)) < len(text_generation_ids(catalog)), "the first run was cut short"
    replica.log.clear()
    resumed = run(hub_command(jobdir), env)
    assert resumed.returncode == 0, resumed.output[-3000:]
    assert "the saved request queue continues the crawl" in resumed.output
    assert not [r for r in replica.log.records if r.path_qs.startswith("/api/models?") and "cursor" not in r.path_qs], \
        "the first page is not read again"
    exactly_once(data, text_generation_ids(catalog))


def test_hub_ctrl_c_resume_keeps_the_limit(make_replica, catalog, tmp_path):
    replica = make_replica(faults=FaultConfig(latency=0.2))
    data, jobdir = tmp_path / "data", tmp_path / "job"
    env = env_for(replica.hub_url, data, token=None)
    first = run_until(hub_command(jobdir, limit="1000"), env, lambda: parts(data) >= 2, (signal.SIGINT,))
    assert first.returncode == 130, first.output[-3000:]
    assert 0 < len(written_ids(data, HUB_ROWS)) < 1000
    resumed = run(hub_command(jobdir, limit="1000"), env)
    assert resumed.returncode == 0, resumed.output[-3000:]
    ids = written_ids(data, HUB_ROWS)
    assert len(ids) == len(set(ids)) == 1000, "-a limit=1000 counts the models of the first run too"


def test_hub_ctrl_c_then_kill_9_then_resume(make_replica, catalog, tmp_path):
    """A crash after a clean stop: the clean stop's queue and spider.state are stale; set aside, not used."""
    replica = make_replica(faults=FaultConfig(latency=0.2))
    data, jobdir = tmp_path / "data", tmp_path / "job"
    env = env_for(replica.hub_url, data, token=None)
    assert run_until(hub_command(jobdir), env, lambda: parts(data) >= 2, (signal.SIGINT,)).returncode == 130
    assert (jobdir / "spider.state").exists()
    kill_9(hub_command(jobdir), env, lambda: parts(data) >= 6)
    resumed = run(hub_command(jobdir), env)
    assert resumed.returncode == 0, resumed.output[-3000:]
    stale = list(jobdir.glob("stale-*"))
    assert len(stale) == 1 and pickle.loads((stale[0] / "spider.state").read_bytes())["models_seen"] > 0
    exactly_once(data, text_generation_ids(catalog))


# -- model_pages -------------------------------------------------------------------------------

def requested_models(replica) -> set[str]:
    """Model ids in the replica's logged page, config and README requests."""
    return {r.path_qs.split("/resolve/")[0].split("/raw/")[0].lstrip("/") for r in replica.log.records
            if r.path_qs != "/robots.txt"}


def test_model_pages_ctrl_c_then_resume_fetches_nothing_twice(make_replica, catalog, tmp_path):
    """After Ctrl-C the saved queue continues the chains in progress, then the models it did not bring back
    start: no URL is fetched twice, no model lost or doubled."""
    replica = make_replica(faults=FaultConfig(latency=0.2))
    models = [r.repo_id for r in catalog.real_records if r.storage == BIN_ONLY][:40]
    data, jobdir = tmp_path / "data", tmp_path / "job"
    cmd = command("model_pages", {"models": ",".join(models)},
                  {"JOBDIR": str(jobdir), "PARQUET_BATCH_ITEMS": "3", "LOG_LEVEL": "INFO"})
    env = env_for(replica.hub_url, data, token=None)
    replica.log.clear()
    assert run_until(cmd, env, lambda: parts(data, "model_sizes") > 0, (signal.SIGINT,)).returncode == 130
    assert 0 < len(written_ids(data)) < len(models), "the first run was cut short"
    resumed = run(cmd, env)
    assert resumed.returncode == 0, resumed.output[-3000:]
    assert "the saved request queue continues the crawl" in resumed.output
    exactly_once(data, set(models), "model_sizes/*/part-*.parquet")
    fetched = [r.path_qs for r in replica.log.records if r.path_qs != "/robots.txt"]
    assert len(fetched) == len(set(fetched)), sorted(p for p in set(fetched) if fetched.count(p) > 1)


def test_model_pages_kill_9_then_resume_skips_what_is_done(replica, make_replica, tmp_path):
    data, jobdir, sizes = tmp_path / "data", tmp_path / "job", "model_sizes/*/*.parquet"
    assert run(command("hub", {"limit": "all"}, {"LOG_LEVEL": "INFO"}), env_for(replica.hub_url, data, token=None)
               ).returncode == 0
    unsized = {r["model_id"] for r in read_snapshot(data, "hub_models").to_pylist() if r["params"] is None}
    slow = make_replica(faults=FaultConfig(latency=0.05))  # same catalog; slow enough to be cut short
    cmd = command("model_pages", {}, {"JOBDIR": str(jobdir), "PARQUET_BATCH_ITEMS": "50", "LOG_LEVEL": "INFO"})
    env = env_for(slow.hub_url, data, token=None)
    # until some size on disk cost requests (else skipping it is not seen)
    kill_9(cmd, env, lambda: bool(requested_models(slow) & set(written_ids(data, sizes))))
    done = set(written_ids(data, sizes))
    assert 0 < len(done) < len(unsized), "the first run was cut short after writing some sizes"
    assert requested_models(slow) & done, "some sizes on disk cost requests"
    slow.log.clear()
    resumed = run(cmd, env)
    assert resumed.returncode == 0, resumed.output[-2000:]
    assert requested_models(slow) and not requested_models(slow) & done, "nothing already sized is fetched again"
    exactly_once(data, unsized, sizes)


# -- every spider: the snapshot, the lock, what llmbench did not write ------------------------------

def test_resume_after_utc_midnight_writes_the_first_runs_partition(make_replica, catalog, tmp_path):
    replica = make_replica(faults=FaultConfig(latency=0.15))
    data, jobdir = tmp_path / "data", tmp_path / "job"
    # The first run starts on 2026-01-01; the resume runs "after midnight", when today is 2026-01-02.
    first = kill_9(hub_command(jobdir), env_for(replica.hub_url, data, token=None, LLMBENCH_CRAWL_DATE="2026-01-01"),
                   lambda: parts(data) >= 3)
    assert first.returncode == -signal.SIGKILL
    files = list((data / "hub_models").rglob("part-*.parquet"))
    before = sum(pq.read_table(f).num_rows for f in files)  # every finished file is readable
    assert 0 < before < len(text_generation_ids(catalog))
    resumed = run(hub_command(jobdir), env_for(replica.hub_url, data, token=None, LLMBENCH_CRAWL_DATE="2026-01-02"))
    assert resumed.returncode == 0, resumed.output[-3000:]
    assert "belongs to the crawl of 2026-01-01" in resumed.output
    # the crash is seen, the crawl starts over and skips the rows on disk
    assert "did not stop cleanly" in resumed.output and f"{before} hub_models rows already on disk" in resumed.output
    assert [p.name for p in (data / "hub_models").iterdir()] == ["crawl_date=2026-01-01"]
    exactly_once(data, text_generation_ids(catalog))
    # A page's 100 model rows fill one batch at once; its few eval results wait in a later batch: none lost.
    keys = [(r["model_id"], r["dataset_id"], r["task_id"], r["filename"], r["pull_request"], r["notes"])
            for f in sorted((data / "eval_results").rglob("part-*.parquet")) for r in pq.read_table(f).to_pylist()]
    assert len(keys) == len(set(keys)) and set(keys) == set(expected_results(catalog))


def test_a_live_jobdir_is_locked(make_replica, catalog, tmp_path):
    # 33 pages of 0.5 s: the live crawl outlasts two more crawls' start-up even on a loaded machine.
    replica = make_replica(faults=FaultConfig(latency=0.5))
    data, jobdir = tmp_path / "data", tmp_path / "job"
    env = env_for(replica.hub_url, data, token=None)
    live = subprocess.Popen(hub_command(jobdir), cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not list(data.glob("hub_models/*/part-*.parquet")):
            time.sleep(0.05)
        second = run(hub_command(jobdir), env)
        pipeline = hub_command(jobdir)
        via_pipeline = run(pipeline[:3] + ["pipeline", "--limit", "all"] + pipeline[9:], env)
        assert live.poll() is None, "the first crawl ended before the others started: nothing was tested"
    finally:
        live_code = live.wait(timeout=300)
    lines = [line for line in second.output.splitlines() if line.startswith("llmbench: ")]
    assert second.returncode == 1 and len(lines) == 1 and f"JOBDIR {jobdir} is in use" in lines[0]
    assert f"pid {live.pid}" in lines[0] and "Traceback" not in second.output
    assert via_pipeline.returncode == 1 and f"llmbench pipeline: JOBDIR {jobdir} is in use" in via_pipeline.output
    assert live_code == 0 and not list(jobdir.glob("stale-*"))  # the live crawl was not taken for a dead one
    ids = written_ids(data, "hub_models/*/part-*.parquet")
    assert len(ids) == len(set(ids)) and set(ids) == text_generation_ids(catalog)


def test_stray_parts_of_a_killed_crawl_are_removed_and_nothing_else(replica, tmp_path):
    data = tmp_path / "data"
    partition = data / "hub_models" / "crawl_date=2026-01-01"
    partition.mkdir(parents=True)
    dead = subprocess.Popen(["true"])
    dead.wait()  # a pid that no longer runs
    stray = partition / f".part-010203-0123abcd-00001.parquet.{dead.pid}.tmp"
    live = partition / f".part-010203-0123abcd-00002.parquet.{os.getpid()}.tmp"  # a write in progress
    mine = [partition / "notes.tmp", partition / ".part-draft.tmp", data / ".part-010203-0123abcd-00001.parquet.1.tmp"]
    for path in (stray, live, *mine):
        path.write_bytes(b"user bytes")
    result = run(command("hub", {"limit": "10"}, {"CRAWL_DATE": "2026-01-01", "LOG_LEVEL": "INFO"}),
                 env_for(replica.hub_url, data, token=None))
    assert result.returncode == 0, result.output[-2000:]
    assert not stray.exists() and live.exists() and all(p.read_bytes() == b"user bytes" for p in mine)
    assert "removed 1 temporary parts" in result.output


def test_hard_kill_resume_keeps_what_llmbench_did_not_write(make_replica, tmp_path):
    replica = make_replica(faults=FaultConfig(latency=0.15))
    data, jobdir = tmp_path / "data", tmp_path / "job"
    env = env_for(replica.hub_url, data, token=None)
    for attempt in range(2):  # two crashes: the second stale state must not land on the first
        kill_9(hub_command(jobdir, limit="600"), env, lambda n=attempt: parts(data) > n)
        (jobdir / "notes.txt").write_text("mine\n")
    assert run(hub_command(jobdir, limit="600"), env).returncode == 0
    stale = sorted(jobdir.glob("stale-*"))
    assert len(stale) == 2 and all((s / "requests.queue").exists() for s in stale)
    assert (jobdir / "notes.txt").read_text() == "mine\n"
