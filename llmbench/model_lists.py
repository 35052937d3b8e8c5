"""The `-a models=` argument shared by spiders: a comma list, a file, or the latest `hub` snapshot."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq

from llmbench.storage import read_snapshot


def load_models(spec: str | None, data_dir: str) -> list[str] | None:
    """`-a models=`: a comma list, a .txt/.csv/.parquet file, or `hub` (the latest hub_models snapshot)."""
    if not spec:
        return None
    if spec == "hub":
        return read_snapshot(data_dir, "hub_models").column("model_id").to_pylist()
    path = Path(spec)
    if path.suffix == ".parquet" and path.exists():
        table = pq.read_table(path)
        column = "model_id" if "model_id" in table.column_names else table.column_names[0]
        return [str(v) for v in table.column(column).to_pylist() if v]
    if path.suffix in (".txt", ".csv") and path.exists():
        lines = [line.split(",")[0].strip() for line in path.read_text().splitlines()]
        return [line for line in lines if line and line not in ("model_id", "model")]
    return [part.strip() for part in spec.split(",") if part.strip()]
