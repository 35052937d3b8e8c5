"""`python -m benchmarks.faults`: every fault case against the replica, one table row per case.

Each case runs the real `scrapy crawl` (one or more runs: an interrupted run, then its resume) against
a replica with the case's faults, then counts the rows of the case's dataset: expected, written
(distinct keys), duplicated (rows beyond one per key) and lost (expected keys never written), beside
the exit status of each run. Verdict: "ok" is "0 lost, 0 duplicated, right exit code".

Hostile cases (#23: a YAML alias bomb in eval.yaml, a 250 MB API page, a gzip bomb, a full disk) are
`measured`: each run's crawl is the only child of a small parent process that reports the crawl's peak
RSS (its RUSAGE_CHILDREN ru_maxrss: the largest any process of the crawl reached; these crawls are one
process) and caps its address space at 3 GiB, so a regression fails the row instead of taking the
machine's memory. Their goals: peak RSS under 300 MiB and exit 1; on a full disk (DATA_DIR on a 600 KB
tmpfs, which needs root and `mount`: otherwise the row is "skipped"), exit 1 within 10 s of the first
failed write ("No space left on device" in the crawl's log). The bombs are the replica's own hostile
fault modes (llmbench/replica/faults.py).

To add a case, append a `FaultCase` to CASES (other areas add theirs the same way): a name, the
replica's faults and limits, the runs (`Run`: arguments, settings, an interrupt, the exit status it
must give) and the expected keys (a function of the replica's catalog and the case's DATA_DIR; None:
not counted).

Run: python -m benchmarks.faults [--only NAME,NAME] [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from benchmarks import inherited_environment
from llmbench.replica.catalog import Catalog
from llmbench.replica.evals.benchmarks import OFFICIAL_TAG
from llmbench.replica.faults import FaultConfig
from llmbench.replica.ratelimit import RateLimitConfig
from llmbench.replica.server import Replica, ReplicaThread
from llmbench.storage import read_snapshot

ROOT = Path(__file__).resolve().parents[1]
QUICK = {"HUB_RATE_PACING": "False", "AUTOTHROTTLE_ENABLED": "False", "LOG_LEVEL": "INFO"}
MIB = 1024 * 1024
ADDRESS_SPACE = 3 * 1024 * MIB
# Runs the crawl as its only child, its address space capped, and reports the crawl's peak RSS.
MEASURED = ("import resource, subprocess, sys; "
            f"cap = lambda: resource.setrlimit(resource.RLIMIT_AS, ({ADDRESS_SPACE}, {ADDRESS_SPACE})); "
            "code = subprocess.call(sys.argv[1:], preexec_fn=cap); "
            "print('PEAK_RSS_KB=%d' % resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); "
            "sys.exit(code)")
DISK_FULL = "No space left on device"


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
    expected: Callable[[Catalog, Path], set[str] | None] = lambda catalog, data_dir: text_generation(catalog)
    data_dir_is_a_file: bool = False
    key: str = "model_id"  # the dataset's key column
    measured: bool = False  # each run's peak RSS, and when its first write failed (see the module's docstring)
    peak_rss_mib: float | None = None  # goal: every run's peak RSS under this
    tmpfs: str | None = None  # DATA_DIR on a tmpfs of this size (`mount -o size=`): a disk that fills
    stop_within: float | None = None  # goal: exit within this many seconds of the first failed write
    extra_models: int = 0  # synthetic filler repos in the case's catalog


def text_generation(catalog: Catalog) -> set[str]:
    return {r.repo_id for r in catalog if r.api.get("pipeline_tag") == "text-generation"}


def nothing(catalog: Catalog, data_dir: Path) -> set[str]:
    return set()


def not_counted(catalog: Catalog, data_dir: Path) -> None:
    return None


def official_benchmarks_but(*bombed: str) -> Callable[[Catalog, Path], set[str]]:
    def expected(catalog: Catalog, data_dir: Path) -> set[str]:
        datasets = catalog.community_evals.datasets
        return {i for i, record in datasets.items() if OFFICIAL_TAG in record["tags"]} - set(bombed)
    return expected


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
    # #23: hostile answers and a full disk (the bombs: llmbench/replica/faults.py)
    FaultCase("YAML alias bomb in eval.yaml", [Run("benchmarks", {}, exit=1)],
              faults={"yaml_bomb": True, "path": r"^/datasets/Idavidrein/gpqa/resolve/[^/]+/eval\.yaml$"},
              dataset="benchmarks", key="dataset_id", expected=official_benchmarks_but("Idavidrein/gpqa"),
              measured=True, peak_rss_mib=300),
    # requests 0: the crawl hangs up mid-stream, so aiohttp cancels the replica's handler before it is logged
    FaultCase("250 MB API page", [Run(exit=1)], faults={"oversize_bytes": 250_000_000, "path": "^/api/models$"},
              expected=nothing, measured=True, peak_rss_mib=300),
    FaultCase("gzip bomb (256 MiB unpacked)", [Run(exit=1)],
              faults={"gzip_bomb_bytes": 256 * MIB, "path": "^/api/models$"}, expected=nothing, measured=True,
              peak_rss_mib=300),
    FaultCase("disk full (600 KB tmpfs)", [Run(exit=1)], expected=not_counted, measured=True, tmpfs="600k",
              stop_within=10, extra_models=23_000),
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


@dataclass
class Measured:
    """A measured run: exit status, peak RSS, and when (monotonic) its first write failed and it ended."""

    exit: int
    peak_rss: int | None
    failed_write_at: float | None
    ended_at: float


def run_measured(run: Run, jobdir: Path, env: dict[str, str]) -> Measured:
    """Run the crawl under the MEASURED parent, reading its log as it comes for the first failed write."""
    proc = subprocess.Popen([sys.executable, "-c", MEASURED, *command(run, jobdir)], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace")
    seen: dict[str, Any] = {"failed_write_at": None, "peak_kb": None}

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            if seen["failed_write_at"] is None and DISK_FULL in line:
                seen["failed_write_at"] = time.monotonic()
            if match := re.fullmatch(r"PEAK_RSS_KB=(\d+)\s*", line):
                seen["peak_kb"] = int(match.group(1))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        code = proc.wait(timeout=600)
    except subprocess.TimeoutExpired:
        proc.kill()
        code = proc.wait()
    ended = time.monotonic()
    reader.join(10)
    peak = seen["peak_kb"] * 1024 if seen["peak_kb"] is not None else None
    return Measured(code, peak, seen["failed_write_at"], ended)


@contextmanager
def tmpfs(directory: Path, size: str) -> Iterator[str | None]:
    """Mount a tmpfs of `size` on `directory` for the block; yields why it cannot be mounted, or None."""
    directory.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        yield "mounting needs root"
        return
    try:
        mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(directory)],
                                 capture_output=True, text=True, check=False)
    except OSError as exc:
        yield str(exc)
        return
    if mounted.returncode:
        yield (mounted.stderr.strip().splitlines() or [f"mount exited {mounted.returncode}"])[0]
        return
    try:
        yield None
    finally:
        subprocess.run(["umount", "-l", str(directory)], check=False)


def wait_for_parts(data_dir: Path, dataset: str, proc: subprocess.Popen, count: int = 2) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(parts(data_dir, dataset)) < count and proc.poll() is None:
        time.sleep(0.05)


def run_case(case: FaultCase, catalog: Catalog) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="llmbench-faults-") as tmp:
        if case.tmpfs is None:
            return run_in(case, catalog, Path(tmp) / "data", Path(tmp) / "job")
        with tmpfs(Path(tmp) / "disk", case.tmpfs) as problem:
            if problem is not None:
                return {"case": case.name, "verdict": f"skipped (cannot mount tmpfs: {problem})"}
            return run_in(case, catalog, Path(tmp) / "disk" / "data", Path(tmp) / "job")


def run_in(case: FaultCase, catalog: Catalog, data_dir: Path, jobdir: Path) -> dict[str, Any]:
    faults = FaultConfig(**case.faults)
    limits = RateLimitConfig(**case.limits)
    with ReplicaThread(tls=True, catalog=catalog, faults=faults, limits=limits) as replica:
        if case.data_dir_is_a_file:
            data_dir.write_text("not a directory\n")
        started = time.monotonic()
        exits: list[int] = []
        measured: list[Measured] = []
        live: subprocess.Popen | None = None
        for run in case.runs:
            env = environment(replica, data_dir, run.env)
            if case.measured:  # no interrupts here: the parent process would take the signals
                measured.append(run_measured(run, jobdir, env))
                exits.append(measured[-1].exit)
                continue
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
        keys = [k for f in parts(data_dir, case.dataset) for k in pq.read_table(f).column(case.key).to_pylist()]
        partitions = len({f.parent for f in parts(data_dir, case.dataset)})
        expected = case.expected(catalog, data_dir)
        requests = sum(replica.log.counts.values())
    wanted_exits = [run.exit for run in case.runs]
    lost, duplicated = len(expected - set(keys)) if expected is not None else None, len(keys) - len(set(keys))
    right_exit = exits == wanted_exits and partitions <= 1
    row = {"case": case.name, "expected": len(expected) if expected is not None else None, "written": len(set(keys)),
           "duplicated": duplicated, "lost": lost, "requests": requests, "exits": exits, "wanted_exits": wanted_exits,
           "partitions": partitions, "seconds": round(time.monotonic() - started, 1)}
    problems = [name for name, bad in (("lost", lost), ("duplicated", duplicated), ("exit", not right_exit)) if bad]
    if case.measured:
        problems += measured_goals(case, measured, row)
    row["verdict"] = "ok" if not problems else f"FAIL ({', '.join(problems)})" if case.measured else "FAIL"
    return row


def measured_goals(case: FaultCase, measured: list[Measured], row: dict[str, Any]) -> list[str]:
    """Put the peak RSS and the stop time in `row`; what misses the case's goals, as verdict words."""
    problems = []
    peaks = [m.peak_rss for m in measured]
    row["peak_rss_mib"] = round(max(peaks) / MIB, 1) if None not in peaks else None
    if case.peak_rss_mib is not None and (row["peak_rss_mib"] is None or row["peak_rss_mib"] >= case.peak_rss_mib):
        problems.append(f"peak RSS not under {case.peak_rss_mib:g} MiB")
    if case.stop_within is not None:
        failed = [m for m in measured if m.failed_write_at is not None]
        row["stop_s"] = round(failed[0].ended_at - failed[0].failed_write_at, 1) if failed else None
        if row["stop_s"] is None:
            problems.append("no write failed")
        elif row["stop_s"] > case.stop_within:
            problems.append(f"exit over {case.stop_within:g} s after the first failed write")
    return problems


def cell(value: Any, width: int, number: str = ",") -> str:
    """`value` right-aligned in `width`; "-" for a figure not taken."""
    return f"{'-' if value is None else format(value, number):>{width}}"


def print_table(rows: list[dict[str, Any]]) -> None:
    header = (f"{'fault':40} {'expected':>8} {'written':>8} {'dup':>5} {'lost':>5} {'requests':>8}  "
              f"{'exit (wanted)':24} {'s':>6} {'peak RSS MiB':>12} {'stop s':>6}  verdict")
    print(header)
    print("-" * len(header))
    for row in rows:
        if row["verdict"].startswith("skipped"):
            print(f"{row['case']:40} {'':{len(header) - 50}}  {row['verdict']}")
            continue
        exits = f"{'→'.join(map(str, row['exits']))} ({'→'.join(map(str, row['wanted_exits']))})"
        print(f"{row['case']:40} {cell(row['expected'], 8)} {row['written']:>8,} {row['duplicated']:>5} "
              f"{cell(row['lost'], 5)} {row['requests']:>8,}  {exits:24} {row['seconds']:>6} "
              f"{cell(row.get('peak_rss_mib'), 12, '.1f')} {cell(row.get('stop_s'), 6, '.1f')}  {row['verdict']}")
    print("verdict ok = 0 lost, 0 duplicated, the right exit code for every run (and one snapshot partition); "
          "requests = all the replica served, every run of the case; hostile cases also: peak RSS of the crawl "
          "under 300 MiB, and on a full disk exit 1 at most 10 s (stop s) after the first failed write")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="comma-separated case names (substrings) to run")
    parser.add_argument("--json", type=Path, help="also write the rows as JSON here")
    options = parser.parse_args(argv)
    wanted = [w.strip().lower() for w in options.only.split(",") if w.strip()]
    cases = [c for c in CASES if not wanted or any(w in c.name.lower() for w in wanted)]
    catalogs: dict[int, Catalog] = {}
    rows = []
    for case in cases:
        if case.extra_models not in catalogs:
            catalogs[case.extra_models] = Catalog(seed=0, extra_models=case.extra_models)
        rows.append(run_case(case, catalogs[case.extra_models]))
        print(f"  {case.name}: {rows[-1]['verdict']} ({rows[-1].get('seconds', 0)} s)", file=sys.stderr, flush=True)
    print_table(rows)
    skipped = sum(row["verdict"].startswith("skipped") for row in rows)
    failed = sum(row["verdict"] != "ok" for row in rows) - skipped
    if options.json:
        options.json.write_text(json.dumps({"cases": rows, "cases_failed": failed, "cases_skipped": skipped,
                                            "goals": {"cases_failed": "== 0"}}, indent=1))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
