"""`python -m analysis` on a synthetic board of N rows (default 1,000,000): wall time and peak memory.

Synthetic `leaderboard` and `hub_models` snapshots are written with the project's schemas (2% of the
models evaluated twice, so the one-row rule has work to do), then `python -m analysis` runs as its
own process, end to end (imports included); its peak memory is the PSS of the process tree (USS
plus each shared page divided among the processes sharing it, so the figure worker counts too),
sampled every 50 ms. Stages: "figures" is the worker's drawing time, concurrent with "statistics"
and "write files"; "waiting for figures" is what the parent spent waiting for it.
Goals (issue #15 item 4): < 5 s and < 1 GiB peak for 1,000,000 rows.

Run: python -m benchmarks.analysis [--rows 1000000] [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import psutil
import pyarrow as pa
import pyarrow.parquet as pq

from benchmarks import inherited_environment
from llmbench.items import HubModelItem, LeaderboardItem, schema_of
from llmbench.storage import partition_dir

ROOT = Path(__file__).resolve().parents[1]


def synthetic(data: Path, rows: int) -> None:
    rng = np.random.default_rng(0)
    models = rows - rows // 50
    ids = np.array([f"org{i % 5000}/model-{i}" for i in range(models)], dtype=object)
    repeats = rng.choice(models, rows - models, replace=False)
    board_ids = np.concatenate([ids, ids[repeats]])
    size_b = 10 ** rng.uniform(-1, 2.2, models)
    average = np.clip(10 + 9 * np.log10(size_b) + rng.normal(0, 6, models), 0, 100)
    days = rng.integers(0, 700, rows)
    columns = {
        "model_id": board_ids,
        "precision": np.where(np.arange(rows) < models, "bfloat16", "float16").astype(object),
        "revision": np.full(rows, "", dtype=object),
        "type": rng.choice(["pretrained", "fine-tuned", "chat", "merge", "multimodal"], rows).astype(object),
        "average": np.concatenate([average, average[repeats] + 1]), "params_billions": size_b[
            np.concatenate([np.arange(models), repeats])], "co2_kg": rng.uniform(0.05, 100, rows),
        "license": rng.choice(["apache-2.0", "mit", "llama3", "other", "cc-by-nc-4.0"], rows).astype(object),
        "upload_date": (np.datetime64("2023-03-01") + days).astype(str).astype(object),
        "submission_date": (np.datetime64("2023-06-01") + days).astype(str).astype(object),
        "is_moe": rng.random(rows) < 0.03, "is_merged": rng.random(rows) < 0.3,
        "is_official_provider": rng.random(rows) < 0.1, "source": np.full(rows, "json", dtype=object),
        "crawled_at": np.full(rows, datetime(2026, 11, 25, tzinfo=UTC)),
    }
    for bench in ("ifeval", "bbh", "math", "gpqa", "musr", "mmlu_pro"):
        columns[bench] = np.clip(columns["average"] + rng.normal(0, 5, rows), 0, 100)
    write(data, LeaderboardItem, columns, rows)
    hub = {"model_id": ids, "author": np.array([i.split("/")[0] for i in ids], dtype=object),
           "params": (size_b * 1e9).astype(np.int64), "params_source": np.full(models, "safetensors", dtype=object),
           "downloads": rng.integers(0, 10**6, models), "likes": rng.integers(0, 5000, models),
           "pipeline_tag": np.full(models, "text-generation", dtype=object),
           "crawled_at": columns["crawled_at"][:models], "endpoint": np.full(models, "synthetic", dtype=object)}
    write(data, HubModelItem, hub, models)


def write(data: Path, item_class: type, columns: dict, rows: int) -> None:
    schema = schema_of(item_class)
    arrays = [pa.array(columns[f.name], type=f.type) if f.name in columns else pa.nulls(rows, f.type)
              for f in schema]
    path = partition_dir(data, item_class.dataset, date(2026, 11, 25)) / "part-synthetic.parquet"
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_arrays(arrays, schema=schema), path)


def tree_pss(process: psutil.Process) -> int:
    total = 0
    try:
        tree = [process, *process.children(recursive=True)]
    except psutil.Error:  # the process ended between two samples
        return 0
    for proc in tree:
        try:
            total += proc.memory_full_info().pss
        except psutil.Error:
            pass
    return total


def run(command: list[str]) -> tuple[subprocess.CompletedProcess, float, int, float]:
    """(completed process, wall seconds, peak PSS of its process tree in bytes, CPU seconds)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak, done = [0], threading.Event()
    start = time.perf_counter()
    proc = subprocess.Popen(command, cwd=ROOT, env=inherited_environment(), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    process = psutil.Process(proc.pid)

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], tree_pss(process))
            done.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    elapsed = time.perf_counter() - start
    done.set()
    sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return subprocess.CompletedProcess(command, proc.returncode, out, err), elapsed, peak[0], cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--json", metavar="PATH", help="also write the figures as JSON")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        start = time.perf_counter()
        synthetic(data, args.rows)
        made = time.perf_counter() - start
        proc, elapsed, peak, cpu = run([sys.executable, "-m", "analysis", "--data", str(data), "--out",
                                   str(Path(tmp) / "report"), "--timings"])
    if proc.returncode != 0:
        sys.exit(f"analysis failed ({proc.returncode}): {proc.stderr[-2000:]}")
    stages = json.loads(proc.stderr.strip().splitlines()[-1].removeprefix("timings: "))
    figures = {"rows": args.rows, "seconds": round(elapsed, 2), "cpu_seconds": round(cpu, 2),
               "peak_pss_mib": round(peak / 2**20, 1), "load_average": os.getloadavg()[0],
               "stages_seconds": stages}  # the goals live in benchmarks/goals.py
    print(f"analysis benchmark: {args.rows:,} synthetic board rows (written in {made:.1f} s); "
          f"one run on a shared 2-core machine, load average {os.getloadavg()[0]:.1f}")
    print(f"  {'figure':<34}{'measured':>12}{'goal':>12}")
    print(f"  {'python -m analysis, end to end':<34}{elapsed:>10.2f} s{'< 5 s':>12}")
    print(f"  {'  its CPU time (user + sys)':<34}{cpu:>10.2f} s{'':>12}")
    print(f"  {'peak PSS (process tree)':<34}{peak / 2**20:>8,.0f} MiB{'< 1024 MiB':>12}")
    for stage, seconds in stages.items():
        print(f"    {stage:<32}{seconds:>10.2f} s")
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
