"""Compare two dated snapshots: growth of downloads and likes, models added and removed.

The data layout keeps one partition per crawl date (DATA.md); `--compare OLDER` sets the snapshot in
use (the latest, or `--snapshot`) against OLDER.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from analysis.data.read import AnalysisInputError, read_columns
from llmbench.storage import snapshots


def _frame(data_dir: Path, dataset: str, snapshot: str) -> pd.DataFrame:
    frame = read_columns(data_dir, dataset, ["downloads", "likes"], snapshot).to_pandas()
    frame = frame.sort_values("crawled_at", kind="stable").iloc[::-1]  # the latest crawl of a model first
    return frame.assign(_key=frame["model_id"].str.lower()).drop_duplicates("_key").set_index("_key")


def compare_with(data_dir: Path, older: str | None, snapshot: str | None) -> dict[str, Any] | None:
    """results.json `comparison` for `--compare OLDER` (None without it), against `snapshot` or the latest."""
    if not older:
        return None
    newer = snapshot or (snapshots(data_dir, "hub_models") or [None])[-1]
    if newer is None:
        raise AnalysisInputError(f"--compare needs `hub_models` snapshots under {data_dir}")
    return compare_snapshots(data_dir, older, newer)


def compare_snapshots(data_dir: Path, older: str, newer: str, top: int = 10) -> dict[str, Any]:
    if older == newer:
        raise AnalysisInputError(f"--compare {older} is the snapshot already in use; give an older date")
    old, new = _frame(data_dir, "hub_models", older), _frame(data_dir, "hub_models", newer)
    both = old.index.intersection(new.index)
    growth = pd.DataFrame({
        "model_id": new.loc[both, "model_id"],
        "downloads_before": old.loc[both, "downloads"].astype(float),
        "downloads_after": new.loc[both, "downloads"].astype(float),
        "likes_before": old.loc[both, "likes"].astype(float),
        "likes_after": new.loc[both, "likes"].astype(float),
    })
    growth["downloads_change"] = growth["downloads_after"] - growth["downloads_before"]
    growth["likes_change"] = growth["likes_after"] - growth["likes_before"]

    def leaders(column: str) -> list[dict[str, Any]]:
        best = growth.dropna(subset=[column]).nlargest(top, column)
        return [{"model_id": m, column: float(v)} for m, v in zip(best["model_id"], best[column], strict=True)]

    def median(column: str) -> float | None:
        values = growth[column].dropna()
        return float(np.median(values)) if len(values) else None

    result: dict[str, Any] = {
        "older": older, "newer": newer, "dataset": "hub_models",
        "models_before": int(len(old)), "models_after": int(len(new)), "models_in_both": int(len(both)),
        "models_added": sorted(new.loc[new.index.difference(old.index), "model_id"].tolist())[:100],
        "n_added": int(len(new.index.difference(old.index))),
        "n_removed": int(len(old.index.difference(new.index))),
        "median_downloads_change": median("downloads_change"),
        "median_likes_change": median("likes_change"),
        "total_downloads_change": float(growth["downloads_change"].sum()),
        "total_likes_change": float(growth["likes_change"].sum()),
        "top_downloads_growth": leaders("downloads_change"),
        "top_likes_growth": leaders("likes_change"),
    }
    return result
