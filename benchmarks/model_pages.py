"""`model_pages` at the default politeness against a replica enforcing the Hub's fixed-window quotas.

Three runs, each a real `scrapy crawl` with HUB_RATE_PACING on and the anonymous budgets:
  1. the hub crawl's unsized models (~500, mostly the resolver bucket) against the real anonymous
     quotas (api 500, resolvers 3,000, pages 100 per 300 s): wall time and 429s (goal: a fraction of
     the 40 s even pacing took, 0 × 429);
  2. models given without Hub metadata, which need the scarce pages bucket (was 67 s for 20);
  3. a long crawl: the same resolver requests against windows shrunk to a few seconds (replica
     overrides), so they need several windows; requests counted per replica window show whether the
     crawl sustains its share of the quota (HUB_RATE_SHARE, 90%) without ever exceeding it.

Run: python -m benchmarks.model_pages [--page-models 20] [--latency 0.05] [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import threading
from collections import Counter
from pathlib import Path

from benchmarks import inherited_environment
from benchmarks.pss import run_sampled
from llmbench.hub_endpoint import bucket_of
from llmbench.replica.faults import FaultConfig
from llmbench.replica.ratelimit import RateLimitConfig
from llmbench.replica.repos.records import SAFETENSORS
from llmbench.replica.server import ReplicaThread
from llmbench.storage import read_snapshot

ROOT = Path(__file__).resolve().parents[1]
SHARE = 0.9  # HUB_RATE_SHARE's default
GOALS = {"unsized_seconds": 20.0, "unsized_429": 0, "long_429": 0}


def crawl(replica, data: str, spider: str, *args: str) -> tuple[float, str]:
    env = inherited_environment("HF_", "LLMBENCH_")
    env.update(replica.client_environment(), LLMBENCH_DATA_DIR=data, HF_HUB_DISABLE_IMPLICIT_TOKEN="1",
               HF_TOKEN_PATH=os.path.join(data, "none"))
    command = [sys.executable, "-m", "scrapy", "crawl", spider, "-s", "LOG_LEVEL=INFO", *args]
    proc, seconds, _ = run_sampled(command, timeout=1800, cwd=ROOT, env=env)
    if proc.returncode != 0:
        raise SystemExit(proc.stderr[-2000:])
    return seconds, proc.stderr


def summary(replica, data: str, seconds: float) -> dict:
    rows = read_snapshot(data, "model_sizes").to_pylist()
    hub = [r for r in replica.log.records if r.origin == "hub"]
    return {"models": len(rows), "seconds": round(seconds, 2),
            "filled": sum(1 for r in rows if r["params"] is not None),
            "requests": dict(Counter(bucket_of(r.path_qs.split("?", 1)[0]) for r in hub)),
            "http_429": sum(1 for r in hub if r.status == 429)}


class WindowCounter:
    """Counts resolver requests per replica window (windows are aligned to multiples of their length), by
    each request's arrival time: the replica's own clock, not the moment this thread saw the record."""

    def __init__(self, replica, window: float) -> None:
        self.replica, self.window = replica, window
        self.counts: Counter[int] = Counter()
        self._seen = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _poll(self) -> None:
        records = self.replica.log.records
        new, self._seen = records[self._seen:len(records)], len(records)
        for record in new:
            if bucket_of(record.path_qs.split("?", 1)[0]) == "resolvers":
                self.counts[int(record.arrived // self.window)] += 1

    def _run(self) -> None:
        while not self._stop.wait(0.02):
            self._poll()

    def __enter__(self) -> WindowCounter:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self._poll()


def unsized_run(latency: float, limits: RateLimitConfig) -> dict:
    with ReplicaThread(tls=True, faults=FaultConfig(latency=latency), limits=limits) as replica, \
            tempfile.TemporaryDirectory() as data:
        crawl(replica, data, "hub", "-a", "limit=all")
        replica.log.clear()
        seconds, _ = crawl(replica, data, "model_pages")
        return summary(replica, data, seconds)


def long_run(latency: float, window: float, quota: int) -> dict:
    limits = RateLimitConfig(window=window, anonymous={"api": 500, "resolvers": quota, "pages": 100})
    with ReplicaThread(tls=True, faults=FaultConfig(latency=latency), limits=limits) as replica, \
            tempfile.TemporaryDirectory() as data:
        crawl(replica, data, "hub", "-a", "limit=all")
        replica.log.clear()
        with WindowCounter(replica, window) as counter:
            seconds, log = crawl(replica, data, "model_pages")
        result = summary(replica, data, seconds)
    elapsed = re.search(r"'elapsed_time_seconds': ([\d.]+)", log)
    counts = [counter.counts[w] for w in sorted(counter.counts) if counter.counts[w]]
    inner = counts[1:-1] or counts  # the first and last windows are partly outside the crawl
    result.update(window_seconds=window, quota=quota, budget_per_window=int(SHARE * quota), per_window=counts,
                  crawl_seconds=round(float(elapsed.group(1)), 1) if elapsed else None,
                  busiest_window_share=round(max(counts) / quota, 3) if counts else None,
                  leanest_full_window_share=round(min(inner) / quota, 3) if inner else None)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--page-models", type=int, default=20)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--long-window", type=float, default=5.0, help="replica window of the long run (s)")
    parser.add_argument("--long-quota", type=int, default=50, help="resolver quota per window of the long run")
    parser.add_argument("--json", metavar="PATH", help="also write the figures as JSON")
    args = parser.parse_args()
    print("model_pages benchmark: default settings (HUB_RATE_PACING on, anonymous budgets), "
          f"replica latency {args.latency * 1000:.0f} ms; one run each on a shared 2-core machine")

    unsized = unsized_run(args.latency, RateLimitConfig())
    print(f"  1. unsized models of the hub crawl, real anonymous quotas: {unsized['models']} models in "
          f"{unsized['seconds']:.1f} s (goal < {GOALS['unsized_seconds']:.0f} s; even pacing took ~40 s); "
          f"429s {unsized['http_429']} (goal 0); requests {unsized['requests']}; "
          f"filled {unsized['filled']}/{unsized['models']}")

    with ReplicaThread(tls=True, faults=FaultConfig(latency=args.latency)) as replica, \
            tempfile.TemporaryDirectory() as data:
        models = [r.repo_id for r in replica.catalog.real_records if r.storage == SAFETENSORS][: args.page_models]
        seconds, _ = crawl(replica, data, "model_pages", "-a", "models=" + ",".join(models))
        pages = summary(replica, data, seconds)
    print(f"  2. {pages['models']} models without Hub metadata (pages bucket): {pages['seconds']:.1f} s "
          f"(even pacing: ~67 s); 429s {pages['http_429']}; requests {pages['requests']}")

    long = long_run(0.0, args.long_window, args.long_quota)
    print(f"  3. long crawl, resolver quota {long['quota']} per {long['window_seconds']:g} s window "
          f"(our share {long['budget_per_window']}): {long['requests'].get('resolvers', 0)} resolver requests "
          f"in {long['crawl_seconds']} s of crawl; per window {long['per_window']}; full windows used "
          f"{100 * (long['leanest_full_window_share'] or 0):.0f}-{100 * (long['busiest_window_share'] or 0):.0f}% "
          f"of the quota (ceiling {100 * SHARE:.0f}%); 429s {long['http_429']} (goal 0)")
    figures = {"unsized": unsized, "pages": pages, "long": long, "unsized_seconds": unsized["seconds"],
               "unsized_429": unsized["http_429"], "long_429": long["http_429"],
               "long_busiest_window_share": long["busiest_window_share"],
               "long_leanest_full_window_share": long["leanest_full_window_share"], "goals": GOALS}
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
