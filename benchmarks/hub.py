"""The `hub` spider against the replica: requests per 1,000 models, models/s, peak memory; and in the
same run the naive approach of the original script (list, then one `model_info` per model).

Run: python -m benchmarks.hub [--models 300000] [--naive-models 1000] [--latencies 0,0.05]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyarrow.parquet as pq
from huggingface_hub import HfApi

from llmbench.replica.faults import FaultConfig
from llmbench.replica.ratelimit import RateLimitConfig
from llmbench.replica.server import ReplicaThread

ROOT = Path(__file__).resolve().parents[1]


def spider_run(replica, limit: str) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as data:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "LLMBENCH_"))}
        env.update(HF_ENDPOINT=replica.hub_url, LLMBENCH_DATA_DIR=data, HF_HUB_DISABLE_IMPLICIT_TOKEN="1",
                   HF_TOKEN_PATH=os.path.join(data, "none"))
        replica.log.clear()
        start = time.perf_counter()
        # a fresh interpreter per run so ru_maxrss of the children is this crawl's peak
        code = (
            "import resource, subprocess, sys;"
            "rc = subprocess.call(sys.argv[1:]);"
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); sys.exit(rc)"
        )
        command = [sys.executable, "-c", code, sys.executable, "-m", "scrapy", "crawl", "hub", "-a", f"limit={limit}",
                   "-s", "HUB_RATE_PACING=False", "-s", "LOG_LEVEL=WARNING", "-s", "PARQUET_BATCH_ITEMS=5000"]
        proc = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
        elapsed = time.perf_counter() - start
        if proc.returncode != 0:
            raise SystemExit(proc.stderr[-2000:])
        peak_kib = int(proc.stderr.strip().splitlines()[-1])
        rows = sum(pq.read_metadata(p).num_rows for p in Path(data).rglob("*.parquet"))
    requests = sum(1 for r in replica.log.records if r.path_qs.startswith("/api/"))
    return {"models": rows, "requests": requests, "seconds": elapsed, "peak_mib": peak_kib / 1024}


def naive_run(replica, count: int) -> dict[str, float]:
    """The original script: list the top models, then one model_info per model (sequential)."""
    api = HfApi(endpoint=replica.hub_url, token=False)
    replica.log.clear()
    start = time.perf_counter()
    ids = [m.id for m in api.list_models(pipeline_tag="text-generation", sort="downloads", limit=count)]
    infos = [api.model_info(i) for i in ids]
    elapsed = time.perf_counter() - start
    requests = sum(1 for r in replica.log.records if r.path_qs.startswith("/api/"))
    return {"models": len(infos), "requests": requests, "seconds": elapsed}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--models", type=int, default=50_000, help="total Hub repos in the replica")
    parser.add_argument("--naive-models", type=int, default=1000)
    parser.add_argument("--latencies", default="0,0.05", help="seconds of replica latency per response")
    args = parser.parse_args()
    print(f"hub benchmark: replica with {args.models:,} repos; naive approach on the top {args.naive_models:,}")
    for latency in (float(x) for x in args.latencies.split(",")):
        extra = max(0, args.models - 3318)
        with ReplicaThread(extra_models=extra, faults=FaultConfig(latency=latency),
                           limits=RateLimitConfig(enabled=False)) as replica:
            replica.catalog.sorted_index("downloads")  # build the index before timing
            spider = spider_run(replica, "all")
            top = spider_run(replica, str(args.naive_models))
            naive = naive_run(replica, args.naive_models)
        per_k = 1000 * spider["requests"] / spider["models"]
        print(f"\nlatency {latency * 1000:.0f} ms")
        print(f"  spider, all:      {spider['models']:>8,} models  {spider['requests']:>5} requests "
              f"({per_k:.2f} per 1,000)  {spider['models'] / spider['seconds']:>8.0f} models/s  "
              f"peak {spider['peak_mib']:.0f} MiB")
        print(f"  spider, top {args.naive_models}: {top['models']:>6,} models  {top['requests']:>5} requests  "
              f"{top['seconds']:.2f} s  {top['models'] / top['seconds']:>8.0f} models/s")
        print(f"  naive,  top {args.naive_models}: {naive['models']:>6,} models  {naive['requests']:>5} requests  "
              f"{naive['seconds']:.2f} s  {naive['models'] / naive['seconds']:>8.0f} models/s")
        print(f"  ratio (naive / spider) for the same {args.naive_models}: "
              f"{naive['requests'] / top['requests']:.0f}x requests, {naive['seconds'] / top['seconds']:.1f}x time")


if __name__ == "__main__":
    main()
