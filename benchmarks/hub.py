"""The `hub` spider against the replica, beside the plain client a user would write instead.

Per run: models written, API requests, wall seconds, CPU seconds of the crawling process (so models/s
of spider CPU, the replica being in another process), peak RSS; politeness off (bucket pacing and
AutoThrottle: a live crawl is bounded by the Hub's quota instead); the spider at two catalogue sizes
(peak memory should stay flat in the number of models); and in the same run the plain client
(`HfApi.list_models(expand=…)` → pandas → parquet, PLAIN_CLIENT below) on the same models.
Goals (issues 15, 21): ≤ 150 µs of spider CPU per model; llmbench's wall time ≤ the plain client's.

Run: python -m benchmarks.hub [--models 50000] [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyarrow.parquet as pq

from benchmarks import inherited_environment
from llmbench.parsing.hub_models import API_EXPAND
from llmbench.replica.ratelimit import RateLimitConfig
from llmbench.replica.server import ReplicaThread

ROOT = Path(__file__).resolve().parents[1]
BOARD_REPOS = 3318  # repos of the replica before --extra-models
# Run in a child that reports its children's peak RSS and CPU: the measured process is the grandchild.
MEASURE = ("import resource, subprocess, sys; rc = subprocess.call(sys.argv[1:]);"
           "u = resource.getrusage(resource.RUSAGE_CHILDREN);"
           "print(u.ru_maxrss, u.ru_utime + u.ru_stime, file=sys.stderr); sys.exit(rc)")
PLAIN_CLIENT = """
import sys, pandas as pd
from huggingface_hub import HfApi
api = HfApi(endpoint=sys.argv[1], token=False)
rows = [{"model_id": m.id, "author": m.author, "downloads": m.downloads, "likes": m.likes, "tags": m.tags,
         "pipeline_tag": m.pipeline_tag, "library": m.library_name, "created_at": m.created_at,
         "last_modified": m.last_modified, "gated": str(m.gated),
         "license": str(m.card_data.license) if m.card_data else None,
         "params": m.safetensors.total if m.safetensors else None}
        for m in api.list_models(pipeline_tag="text-generation", sort="downloads", expand=sys.argv[3].split(","))]
pd.DataFrame(rows).to_parquet(sys.argv[2])
"""


def environment(replica, data: str) -> dict[str, str]:
    env = inherited_environment("HF_", "LLMBENCH_")
    env.update(replica.client_environment(), LLMBENCH_DATA_DIR=data, HF_HUB_DISABLE_IMPLICIT_TOKEN="1",
               HF_TOKEN_PATH=os.path.join(data, "none"), PYTHONPATH=str(ROOT))
    return env


def measured(command: list[str], env: dict[str, str]) -> dict[str, float]:
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", MEASURE, *command], cwd=ROOT, env=env, capture_output=True,
                          text=True)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(proc.stderr[-3000:])
    peak_kib, cpu = proc.stderr.strip().splitlines()[-1].split()
    return {"seconds": seconds, "cpu_seconds": float(cpu), "peak_mib": int(peak_kib) / 1024}


def spider_run(replica) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as data:
        replica.log.clear()
        figures = measured([sys.executable, "-m", "scrapy", "crawl", "hub", "-a", "limit=all",
                            "-s", "HUB_RATE_PACING=False", "-s", "AUTOTHROTTLE_ENABLED=False",
                            "-s", "LOG_LEVEL=WARNING", "-s", "PARQUET_BATCH_ITEMS=5000"], environment(replica, data))
        figures["models"] = sum(pq.read_metadata(p).num_rows for p in Path(data).rglob("hub_models/**/*.parquet"))
    figures["requests"] = sum(1 for r in replica.log.records if r.path_qs.startswith("/api/"))
    return figures


def plain_run(replica) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as data:
        out = os.path.join(data, "models.parquet")
        figures = measured([sys.executable, "-c", PLAIN_CLIENT, replica.hub_url, out, ",".join(API_EXPAND)],
                           environment(replica, data))
        figures["models"] = pq.read_metadata(out).num_rows
    return figures


def per_model(figures: dict[str, float]) -> dict[str, float]:
    models = max(1, figures["models"])
    return figures | {"models_per_s": models / figures["seconds"], "cpu_models_per_s": models / figures["cpu_seconds"],
                      "cpu_us_per_model": 1e6 * figures["cpu_seconds"] / models}


def line(name: str, f: dict[str, float]) -> str:
    return (f"  {name:<22} {f['models']:>7,} models  {f['seconds']:6.2f} s wall  {f['models_per_s']:>7,.0f} models/s  "
            f"CPU {f['cpu_seconds']:6.2f} s = {f['cpu_us_per_model']:5.0f} µs/model "
            f"({f['cpu_models_per_s']:>7,.0f} models/s)  peak {f['peak_mib']:.0f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models", type=int, default=50_000, help="total Hub repos in the larger replica")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()
    results: dict[str, dict] = {}
    for label, total in (("half", args.models // 2), ("full", args.models)):
        with ReplicaThread(tls=True, extra_models=max(0, total - BOARD_REPOS),
                           limits=RateLimitConfig(enabled=False)) as replica:
            replica.catalog.sorted_index("downloads")  # build the index before timing
            plain_run(replica)  # warm the replica's caches (its sort index, each client's encoded pages) ...
            spider_run(replica)  # ... so that neither client pays for them in the runs measured
            results[f"spider_{label}"] = per_model(spider_run(replica))
            if label == "full":
                results["plain"] = per_model(plain_run(replica))
    spider, plain = results["spider_full"], results["plain"]
    figures = {
        "spider_cpu_models_per_s": spider["cpu_models_per_s"],
        "spider_cpu_us_per_model": spider["cpu_us_per_model"],
        "wall_ratio_vs_plain": spider["seconds"] / plain["seconds"],
        # CPU per model beyond the fixed cost (start-up, shut-down): the difference of the two catalogue sizes
        "spider_marginal_us_per_model": 1e6 * (spider["cpu_seconds"] - results["spider_half"]["cpu_seconds"])
        / max(1, spider["models"] - results["spider_half"]["models"]),
        "peak_mib_ratio_full_vs_half": spider["peak_mib"] / results["spider_half"]["peak_mib"],
        "runs": results,
        "goals": {"spider_cpu_us_per_model": "<= 150", "wall_ratio_vs_plain": "<= 1.0"},
    }
    print(f"hub benchmark (text-generation models of a replica of {args.models:,} repos, by downloads; politeness off; "
          f"figures from a shared 2-core machine)")
    print(line("spider, half catalogue", results["spider_half"]))
    print(line("spider", spider))
    print(line("plain client", plain))
    print(f"  spider CPU: {figures['spider_cpu_us_per_model']:.0f} µs/model (goal ≤ 150); "
          f"wall llmbench / plain client: {figures['wall_ratio_vs_plain']:.2f}x (goal ≤ 1.0); "
          f"peak memory full / half catalogue: {figures['peak_mib_ratio_full_vs_half']:.2f}x (flat ≈ 1)")
    print(f"  spider CPU per model beyond start-up (full minus half catalogue): "
          f"{figures['spider_marginal_us_per_model']:.0f} µs")
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
