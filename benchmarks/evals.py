"""Community Evals against the replica: requests spent per model for eval results, and the time to crawl
every official benchmark board within the anonymous API quota (pacing on, the replica's real quotas).

Run: python -m benchmarks.evals [--json PATH]

1. `scrapy crawl hub -a limit=all` (pacing off): eval results ride on the list requests, so the goal
   is no request beyond the listing. The naive alternative (one `model_info(expand=evalResults)` per
   model) is printed beside it.
2. `scrapy crawl benchmarks` with pacing on against the anonymous quotas (API 500 / 5 min): cold
   (no hub_models, so every board model gets one model info request) and after a full hub crawl.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import inherited_environment
from llmbench.replica.ratelimit import ANONYMOUS, RateLimitConfig
from llmbench.replica.server import Replica, ReplicaThread
from llmbench.storage import read_snapshot

ROOT = Path(__file__).resolve().parents[1]


def crawl(replica: Replica, data: str, spider: str, args: dict[str, str], pacing: bool) -> tuple[float, str]:
    env = inherited_environment("HF_", "HUGGING_FACE", "LLMBENCH_")
    env.update(replica.client_environment(), LLMBENCH_DATA_DIR=data, HF_HUB_DISABLE_IMPLICIT_TOKEN="1",
               HF_TOKEN_PATH=os.path.join(data, "none"))
    command = [sys.executable, "-m", "scrapy", "crawl", spider, "-s", f"HUB_RATE_PACING={pacing}",
               "-s", "LOG_LEVEL=INFO", "-s", "PROGRESS_INTERVAL=0"]
    for key, value in args.items():
        command += ["-a", f"{key}={value}"]
    start = time.perf_counter()
    proc = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{spider} failed:\n{proc.stderr[-3000:]}")
    return elapsed, proc.stderr


def stat(output: str, name: str) -> int:
    match = re.search(rf"'{re.escape(name)}': (\d+)", output)
    return int(match.group(1)) if match else 0


def eval_results_cost() -> dict[str, float]:
    """Requests of a full hub crawl, and how many of them were spent on anything but the listing."""
    with ReplicaThread(tls=True, limits=RateLimitConfig(enabled=False)) as replica, \
            tempfile.TemporaryDirectory() as data:
        replica.log.clear()
        seconds, _ = crawl(replica, data, "hub", {"limit": "all"}, pacing=False)
        requests = [r.path_qs for r in replica.log.records if r.origin == "hub"]
        models = read_snapshot(data, "hub_models").num_rows
        results = read_snapshot(data, "eval_results")
        with_results = len(set(results.column("model_id").to_pylist()))
    listing = sum(1 for path in requests if path.startswith("/api/models?"))
    return {"models": models, "requests": len(requests), "list_requests": listing,
            "requests_beyond_listing": len(requests) - listing,
            "requests_beyond_listing_per_model": (len(requests) - listing) / models,
            "eval_results_rows": results.num_rows, "models_with_results": with_results,
            "naive_requests": listing + models, "seconds": seconds}


def boards_within_quota(after_hub: bool) -> dict[str, float]:
    """Every official board with pacing on against the anonymous quotas, cold or after `hub -a limit=all`."""
    limits = RateLimitConfig(enabled=True)  # api 500, resolvers 3000, pages 100 per 300 s
    with ReplicaThread(tls=True, limits=limits) as replica, tempfile.TemporaryDirectory() as data:
        if after_hub:
            crawl(replica, data, "hub", {"limit": "all"}, pacing=True)
        replica.log.clear()
        seconds, output = crawl(replica, data, "benchmarks", {}, pacing=True)
        records = [r for r in replica.log.records if r.origin == "hub"]
        api = sum(1 for r in records if r.path_qs.startswith("/api/"))
        boards = read_snapshot(data, "benchmark_leaderboards").num_rows
    return {"seconds": seconds, "api_requests": api, "other_requests": len(records) - api,
            "model_info_requests": stat(output, "benchmarks/model_info_requests"),
            "http_429": sum(1 for r in records if r.status == 429), "leaderboard_rows": boards,
            "leaderboards": stat(output, "benchmarks/leaderboards"), "api_quota": ANONYMOUS["api"],
            "window_s": limits.window}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args()
    figures: dict[str, dict[str, float]] = {}
    print("Community Evals benchmark (replica on loopback; figures from one run)")

    cost = figures["eval_results_cost"] = eval_results_cost()
    print(f"\n1. eval results in the hub crawl (goal: no request beyond the listing)\n"
          f"   {cost['models']:,} models, {cost['list_requests']} list requests, "
          f"{cost['eval_results_rows']:,} eval_results rows from {cost['models_with_results']} models\n"
          f"   requests beyond the listing: {cost['requests_beyond_listing']} "
          f"({cost['requests_beyond_listing_per_model']:.3f} per model)   "
          f"naive (list + one model_info per model): {cost['naive_requests']:,} requests")

    print("\n2. every official board within the anonymous API quota "
          f"({ANONYMOUS['api']} API requests / 300 s), pacing on")
    for name, after_hub in (("cold", False), ("after_hub", True)):
        run = figures[f"boards_{name}"] = boards_within_quota(after_hub)
        print(f"   {name:>9}: {run['seconds']:6.1f} s  {run['leaderboards']} boards, {run['leaderboard_rows']:,} rows, "
              f"{run['api_requests']} API requests ({run['model_info_requests']} model info) "
              f"+ {run['other_requests']} eval.yaml, {run['http_429']} x 429")
    if args.json:
        quota_share = int(ANONYMOUS["api"] * 0.9)  # HUB_RATE_SHARE of the anonymous API quota
        goals = {"eval_results_cost.requests_beyond_listing": "== 0", "boards_cold.http_429": "== 0",
                 "boards_cold.api_requests": f"<= {quota_share}"}
        args.json.write_text(json.dumps({**figures, "goals": goals}, indent=2) + "\n")
        print(f"\nfigures written to {args.json}")


if __name__ == "__main__":
    main()
