"""`model_pages` within the default politeness budget, against a replica enforcing the Hub's real
anonymous quotas: models sized per minute, the share of previously unknown sizes filled, requests per
bucket and 429s (should be none). Two runs: the hub spider's unsized models (resolver bucket), and
models given without Hub metadata, which need the scarce Pages bucket.

Run: python -m benchmarks.model_pages [--page-models 20] [--latency 0.05]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections import Counter
from pathlib import Path

from benchmarks.memory import run_measured
from llmbench.hub import bucket_of
from llmbench.replica.catalog import SAFETENSORS
from llmbench.replica.faults import FaultConfig
from llmbench.replica.server import ReplicaThread
from llmbench.storage import read_snapshot

ROOT = Path(__file__).resolve().parents[1]


def crawl(replica, data: str, spider: str, *args: str) -> float:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "LLMBENCH_"))}
    env.update(HF_ENDPOINT=replica.hub_url, LLMBENCH_DATA_DIR=data, HF_HUB_DISABLE_IMPLICIT_TOKEN="1",
               HF_TOKEN_PATH=os.path.join(data, "none"))
    command = [sys.executable, "-m", "scrapy", "crawl", spider, "-s", "LOG_LEVEL=WARNING", *args]
    proc, seconds, _ = run_measured(command, cwd=ROOT, env=env)
    if proc.returncode != 0:
        raise SystemExit(proc.stderr[-2000:])
    return seconds


def report(label: str, replica, data: str, seconds: float) -> None:
    rows = read_snapshot(data, "model_sizes").to_pylist()
    filled = sum(1 for r in rows if r["params"] is not None)
    buckets = Counter(bucket_of(r.path_qs.split("?", 1)[0]) for r in replica.log.records if r.origin == "hub")
    throttled = sum(1 for r in replica.log.records if r.status == 429)
    sources = Counter(r["params_source"] or "unknown" for r in rows)
    print(f"  {label}: {len(rows)} models in {seconds:.0f} s = {60 * len(rows) / seconds:.0f} models/min; "
          f"filled {filled}/{len(rows)} ({100 * filled / len(rows):.1f}%); requests {dict(buckets)}; "
          f"429s {throttled}; sources {dict(sources)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--page-models", type=int, default=20)
    parser.add_argument("--latency", type=float, default=0.05)
    args = parser.parse_args()
    print("model_pages benchmark: default settings (HUB_RATE_PACING on, anonymous budgets), replica enforcing "
          f"the real anonymous quotas, latency {args.latency * 1000:.0f} ms")
    with ReplicaThread(faults=FaultConfig(latency=args.latency)) as replica, tempfile.TemporaryDirectory() as data:
        crawl(replica, data, "hub", "-a", "limit=all")
        replica.log.clear()
        seconds = crawl(replica, data, "model_pages")
        report("unsized models of the hub crawl", replica, data, seconds)
    with ReplicaThread(faults=FaultConfig(latency=args.latency)) as replica, tempfile.TemporaryDirectory() as data:
        models = [r.repo_id for r in replica.catalog.real_records if r.storage == SAFETENSORS][: args.page_models]
        seconds = crawl(replica, data, "model_pages", "-a", "models=" + ",".join(models))
        report(f"{len(models)} models without Hub metadata (model pages)", replica, data, seconds)


if __name__ == "__main__":
    main()
