"""Three populations side by side, every headline statistic for each with its n and 95 % CI.

- `top_downloads`: the original study's population: the top N text-generation models of the hub
  crawl by downloads (N = `--top`, 100 by default), joined with the board (so n ≤ N).
- `join`: every model on both the hub crawl and the board.
- `board`: every model on the board (sizes from the Hub where crawled, else model_pages, else the
  board's own column).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analysis.data.tidy import hub_key
from analysis.statistics import estimates

POPULATION_IDS = ("top_downloads", "join", "board")
HEADLINE = ("pearson_size", "pearson_log_size", "spearman_size", "ols_log_size", "welch_license",
            "mann_whitney_license")


def top_ids(hub: pa.Table | None, n: int) -> set[str]:
    """Lower-cased ids of the N most downloaded text-generation models of the hub crawl."""
    if hub is None or hub.num_rows == 0:
        return set()
    tag = pc.fill_null(hub.column("pipeline_tag"), "text-generation")
    rows = hub.filter(pc.equal(tag, "text-generation")).select(["model_id", "downloads"])
    downloads = pc.fill_null(rows.column("downloads"), -1).to_numpy()
    if n < len(downloads):  # only the rows at or above the N-th largest count are sorted (ties: first rows first)
        candidates = np.flatnonzero(downloads >= np.partition(downloads, len(downloads) - n)[len(downloads) - n])
        best = candidates[np.argsort(-downloads[candidates], kind="stable")[:n]]
    else:
        best = np.argsort(-downloads, kind="stable")[:n]
    return {m.lower() for m in rows.column("model_id").take(pa.array(best)).to_pylist()}


def headline(table: pd.DataFrame) -> dict[str, dict[str, Any]]:
    """The headline statistics of one population, keyed by stable id; with too few models (or no spread)
    each says so in its `note` (analysis/statistics/estimates.py)."""
    out: dict[str, dict[str, Any]] = {}
    sized = table[np.isfinite(table["log10_params_b"]) & np.isfinite(table["average"])]
    out["pearson_size"] = estimates.pearson(sized["params_b"], sized["average"], "size_b vs average")
    out["pearson_log_size"] = estimates.pearson(sized["log10_params_b"], sized["average"], "log10 size_b vs average")
    out["spearman_size"] = estimates.spearman(sized["params_b"], sized["average"], "size_b vs average")
    out["ols_log_size"] = estimates.ols(sized["log10_params_b"], sized["average"], "average ~ log10 size_b")
    scores = table["average"].where(np.isfinite(table["average"].to_numpy(dtype=float)))
    open_ = scores[(table["license_class"] == "open").to_numpy(dtype=bool)].dropna().to_numpy(dtype=float)
    restricted = scores[(table["license_class"] == "restricted").to_numpy(dtype=bool)].dropna().to_numpy(dtype=float)
    out["welch_license"] = estimates.welch(open_, restricted, "open vs restricted average")
    out["mann_whitney_license"] = estimates.mann_whitney(open_, restricted, "open vs restricted average")
    return out


def side_by_side(board: pd.DataFrame, top: set[str], n_top: int, main: str,
                 known: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    """results.json `populations`: for each population its definition, n and headline statistics
    (`known`: statistics already computed for a population, reused rather than computed twice)."""
    known = known or {}
    on_hub = board["on_hub_crawl"].to_numpy(dtype=bool)
    chosen = {
        "top_downloads": (board[hub_key(board).isin(top).to_numpy(dtype=bool)] if top else None,
                          f"top {n_top} text-generation models by downloads in the hub crawl, joined with the board"),
        "join": (board[on_hub] if on_hub.any() else None, "models on both the hub crawl and the board"),
        "board": (board, "every model on the board"),
    }
    result: dict[str, Any] = {"main": main}
    for key, (table, description) in chosen.items():
        if table is None or table.empty:
            result[key] = {"description": description, "n_models": 0, "statistics": {},
                           "note": "no hub crawl (hub_models) to define it" if key != "board" else "empty"}
            continue
        statistics = {k: v for k, v in known[key].items() if k in HEADLINE} if key in known else headline(table)
        result[key] = {"description": description, "n_models": int(len(table)),
                       "n_sized": int(np.isfinite(table["log10_params_b"]).sum()), "statistics": statistics}
    return result


def own_releases(table: pd.DataFrame) -> np.ndarray:
    """Official providers' own releases: flagged official, and the base model (if any) is the model
    itself or another repo of the same owner (Qwen/Qwen2.5-72B-Instruct from Qwen/Qwen2.5-72B), not a
    third party's model the provider fine-tuned."""
    official = table["is_official_provider"].to_numpy(dtype=bool)
    if "base_model" not in table:
        return official
    base = table["base_model"].astype("string").str.lower()
    owner = table["model_id"].str.lower().str.split("/").str[0]
    same_owner = (base.str.split("/").str[0] == owner).fillna(False).to_numpy(dtype=bool)
    return official & (base.isna().to_numpy(dtype=bool) | same_owner)
