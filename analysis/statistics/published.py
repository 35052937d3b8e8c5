"""Published findings on the same board, checked against the data: numbers side by side, a verdict.

Source: Hugging Face, "CO₂ Emissions and Models Performance: Insights from the Open LLM
Leaderboard" (2025-01-09, 2,796 v2 models). Each check states its rule for the verdict:
`consistent`, `partly consistent` or `not reproduced` (or `not testable` when the board lacks
the models).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from analysis.statistics import estimates
from analysis.statistics.formulas import Rankings

SOURCE = "Hugging Face blog, 'CO₂ Emissions and Models Performance' (2025-01-09)"


def _verdict(checks: list[bool]) -> str:
    return "consistent" if all(checks) else "partly consistent" if any(checks) else "not reproduced"


def official_70b(board: pd.DataFrame) -> dict[str, Any]:
    rows = board[board["is_official_provider"] & board["params_b"].between(60, 80)].dropna(subset=["average"])
    result = {"claim": "official-provider ~70B models average above 40 points, the best about 45",
              "rule": "official providers, 60-80 B parameters: consistent when their median is above 40 and "
                      "the best is within 3 points of 45", "n": int(len(rows))}
    if rows.empty:
        return result | {"verdict": "not testable"}
    best = rows.loc[rows["average"].idxmax()]
    median = float(rows["average"].median())
    return result | {"median_average": median, "share_above_40": float((rows["average"] > 40).mean()),
                     "best_model": best["model_id"], "best_average": float(best["average"]),
                     "verdict": _verdict([median > 40, abs(float(best["average"]) - 45) <= 3])}


def leaders_per_kg(board: pd.DataFrame, names: tuple[str, ...] = ("qwen2.5-14b", "phi-3-medium"),
                   top: int = 5) -> dict[str, Any]:
    rows = board[board["is_official_provider"] & np.isfinite(board["score_per_kg"])]
    ranked = rows.sort_values("score_per_kg", ascending=False).reset_index(drop=True)
    found = {}
    for name in names:
        hits = ranked.index[ranked["model_id"].str.lower().str.contains(name, regex=False)]
        found[name] = None if len(hits) == 0 else {
            "rank": int(hits[0]) + 1, "model_id": ranked.loc[hits[0], "model_id"],
            "score_per_kg": float(ranked.loc[hits[0], "score_per_kg"])}
    leaders = [{"model_id": m, "score_per_kg": float(v)} for m, v in
               zip(ranked["model_id"].head(top), ranked["score_per_kg"].head(top), strict=True)]
    testable = [f for f in found.values() if f is not None]
    return {"claim": "Qwen2.5-14B and Phi-3-Medium lead official models in score per kg CO₂",
            "rule": f"rank by score per kg among official providers: consistent when each has a model in the top {top}",
            "n": int(len(ranked)), "found": found, "leaders": leaders,
            "verdict": "not testable" if not testable else _verdict([f is not None and f["rank"] <= top
                                                                    for f in found.values()])}


def community_small(board: pd.DataFrame) -> dict[str, Any]:
    rows = board[~board["is_official_provider"] & (board["params_b"] < 10) & (board["co2_kg"] < 5)]
    rows = rows.dropna(subset=["average"])
    result = {"claim": "community models under 10B parameters reach about 35 points for under 5 kg CO₂",
              "rule": "community, < 10 B parameters, < 5 kg: consistent when the best is within 32-38 points",
              "n": int(len(rows))}
    if rows.empty:
        return result | {"verdict": "not testable"}
    best = rows.loc[rows["average"].idxmax()]
    value = float(best["average"])
    return result | {"best_model": best["model_id"], "best_average": value,
                     "p90_average": float(np.percentile(rows["average"], 90)),
                     "verdict": "consistent" if 32 <= value <= 38 else "exceeded" if value > 38 else "not reproduced"}


def moe_per_kg(board: pd.DataFrame, rankings: Rankings | None = None) -> dict[str, Any]:
    rankings = rankings or Rankings(board)
    finite, is_moe = np.isfinite(board["score_per_kg"].to_numpy(dtype=float)), board["is_moe"].to_numpy(dtype=bool)
    moe, dense, ranked = rankings.two_groups("score_per_kg", finite & is_moe, finite & ~is_moe)
    result = {"claim": "mixture-of-experts models do poorly in score per kg CO₂",
              "rule": "consistent when the MoE median is below the dense median and Mann-Whitney p < 0.05",
              "n_groups": [int(len(moe)), int(len(dense))]}
    if len(moe) < 2 or len(dense) < 2:
        return result | {"verdict": "not testable"}
    test = estimates.mann_whitney(moe, dense, "moe vs dense score per kg", ranked)
    if test["p_value"] is None:
        return result | {"test": test, "verdict": "not testable"}
    lower = float(np.median(moe)) < float(np.median(dense))
    return result | {"median_moe": float(np.median(moe)), "median_dense": float(np.median(dense)), "test": test,
                     "verdict": _verdict([lower, test["p_value"] < 0.05])}


def check_all(board: pd.DataFrame, rankings: Rankings | None = None) -> dict[str, Any]:
    return {"source": SOURCE, "population": "board", "findings": {
        "official_70b": official_70b(board), "leaders_per_kg": leaders_per_kg(board),
        "community_small": community_small(board), "moe_per_kg": moe_per_kg(board, rankings)}}
