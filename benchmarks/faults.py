"""`python -m benchmarks.faults`: every fault case against the replica, one table row per case.

Each case runs the real `scrapy crawl` (one or more runs: an interrupted run, then its resume) against
a replica with the case's faults, then counts the rows of the case's dataset: expected, written
(distinct keys), duplicated (rows beyond one per key) and lost (expected keys never written), beside
the exit status of each run. Verdict: "ok" is "0 lost, 0 duplicated, right exit code".

To add a case, append a `FaultCase` to CASES (other areas add theirs the same way): a name, the
replica's faults and limits, the runs (`Run`: arguments, settings, an interrupt, the exit status it
must give) and the expected keys (a function of the replica's catalog and the case's DATA_DIR).

Run: python -m benchmarks.faults [--only NAME,NAME] [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from benchmarks import inherited_environment
from llmbench.replica.catalog import Catalog
from llmbench.replica.faults import FaultConfig
from llmbench.replica.ratelimit import RateLimitConfig
from llmbench.replica.server import Replica, ReplicaThread
from llmbench.storage import read_snapshot

ROOT = Path(__file__).resolve().parents[1]
QUICK = {"HUB_RATE_PACING": "False", "AUTOTHROTTLE_ENABLED": "False", "LOG_LEVEL": "INFO"}


@dataclass
class Run:
    """One `scrapy crawl`: `interrupt` (once two parts are on disk) is None, one of INTERRUPTS, or
    "concurrent" (left running while the next run starts)."""

    spider: str = "hub"
    args: dict[str, str] = field(default_factory=lambda: {"limit": "all", "page_size": "100"})
    settings: dict[str, str] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)
    interrupt: str | None = None
    exit: int = 0


@dataclass
class FaultCase:
    name: str
    runs: list[Run]
    faults: dict[str, Any] = field(default_factory=dict)
    limits: dict[str, Any] = field(default_factory=lambda: {"enabled": False})
    dataset: str = "hub_models"
    expected: Callable[[Catalog, Path], set[str]] = lambda catalog, data_dir: text_generation(catalog)
    data_dir_is_a_file: bool = False


def text_generation(catalog: Catalog) -> set[str]:
    return {r.repo_id for r in catalog if r.api.get("pipeline_tag") == "text-generation"}


def unsized(catalog: Catalog, data_dir: Path) -> set[str]:
    """What model_pages must size: the models of the hub snapshot (written by the case's first run) without params."""
    return {r["model_id"] for r in read_snapshot(data_dir, "hub_models").to_pylist() if r["params"] is None}


JOB = {"JOBDIR": "{jobdir}", "PARQUET_BATCH_ITEMS": "100"}
INTERRUPTS = {"ctrl-c": (signal.SIGINT,), "ctrl-c-twice": (signal.SIGINT, signal.SIGINT), "kill-9": (signal.SIGKILL,)}
CASES = [
    FaultCase("5xx on 30% of list pages", [Run(settings={"RETRY_TIMES": "10"})],
              faults={"error_rate": 0.3, "path": "^/api/models$", "seed": 1}),
    FaultCase("stalled responses (timeout, retried)", [Run(settings={"DOWNLOAD_TIMEOUT": "1", "RETRY_TIMES": "10"})],
              faults={"stall_rate": 0.2, "stall_seconds": 3, "path": "^/api/models$", "seed": 2}),
    FaultCase("429 storm without RateLimit headers", [Run(settings={"RATELIMIT_BACKOFF": "0.5"})],
              limits={"window": 2.0, "anonymous": {"api": 3, "resolvers": 100, "pages": 100}, "send_headers": False}),
    FaultCase("Ctrl-C, then resume", [Run(settings=JOB, interrupt="ctrl-c", exit=130), Run(settings=JOB)],
              faults={"latency": 0.1}),
    FaultCase("Ctrl-C twice (forced), then resume",
              [Run(settings=JOB, interrupt="ctrl-c-twice", exit=130), Run(settings=JOB)], faults={"latency": 0.1}),
    FaultCase("kill -9, then resume", [Run(settings=JOB, interrupt="kill-9", exit=-9), Run(settings=JOB)],
              faults={"latency": 0.1}),
    FaultCase("kill -9, resume after UTC midnight",
              [Run(settings=JOB, env={"LLMBENCH_CRAWL_DATE": "2026-01-01"}, interrupt="kill-9", exit=-9),
               Run(settings=JOB, env={"LLMBENCH_CRAWL_DATE": "2026-01-02"})], faults={"latency": 0.1}),
    FaultCase("second crawl on a live JOBDIR", [Run(settings=JOB, interrupt="concurrent"), Run(settings=JOB, exit=1)],
              faults={"latency": 0.1}),
    FaultCase("model_pages: kill -9, then resume",
              [Run(), Run("model_pages", {}, JOB, interrupt="kill-9", exit=-9), Run("model_pages", {}, JOB)],
              faults={"latency": 0.02}, dataset="model_sizes", expected=unsized),
    FaultCase("model_pages: Ctrl-C, then resume",
              [Run(), Run("model_pages", {}, JOB, interrupt="ctrl-c", exit=130), Run("model_pages", {}, JOB)],
              faults={"latency": 0.02}, dataset="model_sizes", expected=unsized),
    FaultCase("DATA_DIR is a file", [Run(exit=1)], expected=lambda catalog, data_dir: set(), data_dir_is_a_file=True),
]


def command(run: Run, jobdir: Path) -> list[str]:
    out = [sys.executable, "-m", "scrapy", "crawl", run.spider]
    for key, value in run.args.items():
        out += ["-a", f"{key}={value}"]
    for key, value in (QUICK | run.settings).items():
        out += ["-s", f"{key}={value.format(jobdir=jobdir)}"]
    return out


def environment(replica: Replica, data_dir: Path, extra: dict[str, str]) -> dict[str, str]:
    env = inherited_environment("HF_", "HUGGING_FACE", "LLMBENCH_")
    env.update(replica.client_environment(),
               LLMBENCH_DATA_DIR=str(data_dir), HF_HUB_DISABLE_IMPLICIT_TOKEN="1",
               HF_TOKEN_PATH=str(data_dir.parent / "no-token"), PYTHONPATH=str(ROOT))
    return env | extra


def parts(data_dir: Path, dataset: str) -> list[Path]:
    return sorted(data_dir.glob(f"{dataset}/crawl_date=*/part-*.parquet")) if data_dir.is_dir() else []


def start(run: Run, jobdir: Path, env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(command(run, jobdir), cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def wait_for_parts(data_dir: Path, dataset: str, proc: subprocess.Popen, count: int = 2) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(parts(data_dir, dataset)) < count and proc.poll() is None:
        time.sleep(0.05)


def run_case(case: FaultCase, catalog: Catalog) -> dict[str, Any]:
    faults = FaultConfig(**case.faults)
    limits = RateLimitConfig(**case.limits)
    with tempfile.TemporaryDirectory(prefix="llmbench-faults-") as tmp, \
            ReplicaThread(tls=True, catalog=catalog, faults=faults, limits=limits) as replica:
        data_dir, jobdir = Path(tmp) / "data", Path(tmp) / "job"
        if case.data_dir_is_a_file:
            data_dir.write_text("not a directory\n")
        started = time.monotonic()
        exits: list[int] = []
        live: subprocess.Popen | None = None
        for run in case.runs:
            env = environment(replica, data_dir, run.env)
            proc = start(run, jobdir, env)
            if run.interrupt in INTERRUPTS:
                wait_for_parts(data_dir, case.dataset, proc)
                for number in INTERRUPTS[run.interrupt]:
                    proc.send_signal(number)
                    time.sleep(0.01)
            if run.interrupt == "concurrent":  # keep it running; the next run meets it
                wait_for_parts(data_dir, case.dataset, proc, 1)
                live = proc
                continue
            exits.append(proc.wait(timeout=600))
        if live is not None:
            exits.insert(0, live.wait(timeout=600))
        keys = [k for f in parts(data_dir, case.dataset) for k in pq.read_table(f).column("model_id").to_pylist()]
        partitions = len({f.parent for f in parts(data_dir, case.dataset)})
        expected = case.expected(catalog, data_dir)
        requests = sum(replica.log.counts.values())
    wanted_exits = [run.exit for run in case.runs]
    lost, duplicated = len(expected - set(keys)), len(keys) - len(set(keys))
    right_exit = exits == wanted_exits and partitions <= 1
    return {"case": case.name, "expected": len(expected), "written": len(set(keys)), "duplicated": duplicated,
            "lost": lost, "requests": requests, "exits": exits, "wanted_exits": wanted_exits, "partitions": partitions,
            "seconds": round(time.monotonic() - started, 1),
            "verdict": "ok" if lost == 0 and duplicated == 0 and right_exit else "FAIL"}


def print_table(rows: list[dict[str, Any]]) -> None:
    header = (f"{'fault':40} {'expected':>8} {'written':>8} {'dup':>5} {'lost':>5} {'requests':>8}  "
              f"{'exit (wanted)':24} {'s':>6}  verdict")
    print(header)
    print("-" * len(header))
    for row in rows:
        exits = f"{'→'.join(map(str, row['exits']))} ({'→'.join(map(str, row['wanted_exits']))})"
        print(f"{row['case']:40} {row['expected']:>8,} {row['written']:>8,} {row['duplicated']:>5} {row['lost']:>5} "
              f"{row['requests']:>8,}  {exits:24} {row['seconds']:>6}  {row['verdict']}")
    print("verdict ok = 0 lost, 0 duplicated, the right exit code for every run (and one snapshot partition); "
          "requests = all the replica served, every run of the case")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="comma-separated case names (substrings) to run")
    parser.add_argument("--json", type=Path, help="also write the rows as JSON here")
    options = parser.parse_args(argv)
    wanted = [w.strip().lower() for w in options.only.split(",") if w.strip()]
    cases = [c for c in CASES if not wanted or any(w in c.name.lower() for w in wanted)]
    catalog = Catalog(seed=0)
    rows = []
    for case in cases:
        rows.append(run_case(case, catalog))
        print(f"  {case.name}: {rows[-1]['verdict']} ({rows[-1]['seconds']} s)", file=sys.stderr, flush=True)
    print_table(rows)
    failed = sum(row["verdict"] != "ok" for row in rows)
    if options.json:
        options.json.write_text(json.dumps({"cases": rows, "cases_failed": failed,
                                            "goals": {"cases_failed": "== 0"}}, indent=1))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
