"""The whole analysis on a synthetic board of N rows (default 1,000,000): time per stage, peak memory.

Synthetic `leaderboard` and `hub_models` snapshots are written with the project's schemas, then
`python -m analysis`'s own code runs on them in this process.

Run: python -m benchmarks.analysis [--rows 1000000]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from analysis.__main__ import write_report
from benchmarks.memory import PeakSampler
from llmbench.items import HubModelItem, LeaderboardItem, schema_of
from llmbench.storage import partition_dir


def synthetic(data: Path, rows: int) -> None:
    rng = np.random.default_rng(0)
    ids = np.array([f"org{i % 5000}/model-{i}" for i in range(rows)], dtype=object)
    size_b = 10 ** rng.uniform(-1, 2.2, rows)
    average = np.clip(10 + 9 * np.log10(size_b) + rng.normal(0, 6, rows), 0, 100)
    columns = {
        "model_id": ids, "precision": np.full(rows, "bfloat16", dtype=object),
        "revision": np.full(rows, "", dtype=object),
        "type": rng.choice(["pretrained", "fine-tuned", "chat", "merge", "multimodal"], rows).astype(object),
        "average": average, "params_billions": size_b, "co2_kg": rng.uniform(0.05, 100, rows),
        "license": rng.choice(["apache-2.0", "mit", "llama3", "other", "cc-by-nc-4.0"], rows).astype(object),
        "submission_date": np.full(rows, "2025-01-01", dtype=object), "source": np.full(rows, "json", dtype=object),
        "crawled_at": np.full(rows, datetime(2026, 11, 25, tzinfo=UTC)),
    }
    for bench in ("ifeval", "bbh", "math", "gpqa", "musr", "mmlu_pro"):
        columns[bench] = np.clip(average + rng.normal(0, 5, rows), 0, 100)
    write(data, LeaderboardItem, columns, rows)
    hub = {"model_id": ids, "author": np.array([i.split("/")[0] for i in ids], dtype=object),
           "params": (size_b * 1e9).astype(np.int64), "params_source": np.full(rows, "safetensors", dtype=object),
           "downloads": rng.integers(0, 10**6, rows), "likes": rng.integers(0, 5000, rows),
           "crawled_at": columns["crawled_at"], "endpoint": np.full(rows, "synthetic", dtype=object)}
    write(data, HubModelItem, hub, rows)


def write(data: Path, item_class: type, columns: dict, rows: int) -> None:
    schema = schema_of(item_class)
    arrays = [pa.array(columns[f.name], type=f.type) if f.name in columns else pa.nulls(rows, f.type)
              for f in schema]
    path = partition_dir(data, item_class.dataset, date(2026, 11, 25)) / "part-synthetic.parquet"
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_arrays(arrays, schema=schema), path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        start = time.perf_counter()
        synthetic(data, args.rows)
        made = time.perf_counter() - start
        with PeakSampler(os.getpid()) as sampler:
            start = time.perf_counter()
            document = write_report(data, Path(tmp) / "report", "join", None)
            elapsed = time.perf_counter() - start
        print(f"analysis benchmark: {args.rows:,} synthetic rows (written in {made:.1f} s)")
        print(f"  python -m analysis (join): {document['n_models']:,} models in {elapsed:.1f} s, "
              f"peak RSS {sampler.peak / 2**20:,.0f} MiB")


if __name__ == "__main__":
    main()
