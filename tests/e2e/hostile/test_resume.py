"""#10.4 (crawl side): a resume is exact: same snapshot after midnight, one live crawl per JOBDIR,
no stray temporary parts, and nothing llmbench did not write is removed or overwritten."""

from __future__ import annotations

import os
import signal
import subprocess
import time

from llmbench.replica.faults import FaultConfig
from tests.conftest import ROOT, written_ids
from tests.e2e.hostile.runs import command, env_for, kill_9, run


def text_generation_ids(catalog) -> set[str]:
    return {r.repo_id for r in catalog if r.api.get("pipeline_tag") == "text-generation"}


def hub_command(jobdir, **settings: str) -> list[str]:
    return command("hub", {"limit": "all", "page_size": "100"},
                   {"JOBDIR": str(jobdir), "PARQUET_BATCH_ITEMS": "100", "LOG_LEVEL": "INFO"} | settings)


def test_resume_after_utc_midnight_writes_the_first_runs_partition(make_replica, catalog, tmp_path):
    replica = make_replica(faults=FaultConfig(latency=0.15))
    data, jobdir = tmp_path / "data", tmp_path / "job"
    # The first run starts on 2026-01-01; the resume runs "after midnight", when today is 2026-01-02.
    first = kill_9(hub_command(jobdir), env_for(replica.hub_url, data, token=None, LLMBENCH_CRAWL_DATE="2026-01-01"),
                   lambda: len(list(data.glob("hub_models/*/part-*.parquet"))) >= 2)
    assert first.returncode == -signal.SIGKILL
    before = written_ids(data, "hub_models/*/part-*.parquet")
    assert 0 < len(before) < len(text_generation_ids(catalog))
    resumed = run(hub_command(jobdir), env_for(replica.hub_url, data, token=None, LLMBENCH_CRAWL_DATE="2026-01-02"))
    assert resumed.returncode == 0, resumed.output[-3000:]
    assert "belongs to the crawl of 2026-01-01" in resumed.output
    assert [p.name for p in (data / "hub_models").iterdir()] == ["crawl_date=2026-01-01"]
    ids = written_ids(data, "hub_models/*/part-*.parquet")
    assert len(ids) == len(set(ids)) and set(ids) == text_generation_ids(catalog)


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
        kill_9(hub_command(jobdir), env, lambda n=attempt: len(list(data.glob("hub_models/*/part-*.parquet"))) > n)
        (jobdir / "notes.txt").write_text("mine\n")
    assert run(hub_command(jobdir), env).returncode == 0
    stale = sorted(jobdir.glob("stale-*"))
    assert len(stale) == 2 and all((s / "requests.queue").exists() for s in stale)
    assert (jobdir / "notes.txt").read_text() == "mine\n"
