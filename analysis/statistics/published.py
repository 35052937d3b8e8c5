"""Published findings on the same board, checked as they were stated: numbers side by side, a verdict.

Source: Hugging Face, "CO₂ Emissions and Models Performance: Insights from the Open LLM
Leaderboard" (blog post, 2025-01-09, 2,796 v2 models). The claims are quoted as this project recorded
them (paraphrased, not re-read against the post in this version). Each check names its population:
the models submitted to the board before the post's date (`WINDOW_END`, the post's own time window),
matches named models by exact repo id (never a substring: microsoft/Phi-3-medium-4k-instruct, not a
fine-tune with that text in its name), ranks per kg only above the efficiency floor, uses audited
sizes (analysis/data/size_audit.py), and states its verdict rule before the number: `consistent`,
`partly consistent`, `not reproduced` (or `not testable` when the board lacks the models).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from analysis.statistics import estimates
from analysis.statistics.formulas import Rankings
from analysis.statistics.populations import own_releases

SOURCE = ("Hugging Face blog, 'CO₂ Emissions and Models Performance: Insights from the Open LLM Leaderboard' "
          "(2025-01-09)")
WINDOW_END = np.datetime64("2025-01-09")
POST_MODELS = 2796
# the models the post names, by exact repo id (official releases)
NAMED = {"Qwen2.5-14B": ("Qwen/Qwen2.5-14B-Instruct", "Qwen/Qwen2.5-14B"),
         "Phi-3-Medium": ("microsoft/Phi-3-medium-4k-instruct", "microsoft/Phi-3-medium-128k-instruct")}
MIN_PAIRS = estimates.MIN_GROUP_N


def in_window(board: pd.DataFrame) -> pd.DataFrame:
    """The post's population: models submitted before its date (undated submissions left out)."""
    dates = board["submission_date"].to_numpy()
    return board[(~np.isnat(dates)) & (dates < WINDOW_END)]


def _verdict(checks: list[bool]) -> str:
    return "consistent" if all(checks) else "partly consistent" if any(checks) else "not reproduced"


def official_70b(board: pd.DataFrame) -> dict[str, Any]:
    rows = board[own_releases(board) & board["params_b"].between(60, 80).to_numpy(dtype=bool)
                 & (board["type"] == "chat").to_numpy(dtype=bool)].dropna(subset=["average"])
    result = {"claim": "official-provider ~70B models average above 40 points, the best about 45",
              "population": "official providers' own chat (instruct) releases (base model none, itself or the same "
                            "owner's) of 60-80 B parameters (audited), "
                            "submitted before 2025-01-09",
              "rule": "consistent when their median is above 40 and the best is within 3 points of 45",
              "n": int(len(rows)), "models": sorted(rows["model_id"].tolist())}
    if rows.empty:
        return result | {"verdict": "not testable"}
    best = rows.loc[rows["average"].idxmax()]
    median = float(rows["average"].median())
    return result | {"median_average": median, "share_above_40": float((rows["average"] > 40).mean()),
                     "best_model": best["model_id"], "best_average": float(best["average"]),
                     "verdict": _verdict([median > 40, abs(float(best["average"]) - 45) <= 3])}


def leaders_per_kg(board: pd.DataFrame, floor: float = 10.0, named: dict[str, tuple[str, ...]] | None = None,
                   top: int = 5) -> dict[str, Any]:
    named = NAMED if named is None else named
    rows = board[board["is_official_provider"] & np.isfinite(board["score_per_kg"]) & (board["average"] >= floor)]
    ranked = rows.sort_values("score_per_kg", ascending=False).reset_index(drop=True)
    lowered = ranked["model_id"].str.lower()
    found = {}
    for name, ids in named.items():
        hits = ranked.index[lowered.isin([i.lower() for i in ids])]  # exact ids only
        found[name] = None if len(hits) == 0 else {
            "rank": int(hits[0]) + 1, "model_id": ranked.loc[hits[0], "model_id"],
            "score_per_kg": float(ranked.loc[hits[0], "score_per_kg"])}
    leaders = [{"model_id": m, "score_per_kg": float(v)} for m, v in
               zip(ranked["model_id"].head(top), ranked["score_per_kg"].head(top), strict=True)]
    testable = [f for f in found.values() if f is not None]
    return {"claim": "Qwen2.5-14B and Phi-3-Medium lead official models in score per kg CO₂",
            "population": f"official providers' models averaging at least {floor:g} points (the efficiency floor), "
                          "submitted before 2025-01-09; named models by exact id: "
                          + "; ".join(f"{k} = {' or '.join(v)}" for k, v in named.items()),
            "rule": f"rank by score per kg: consistent when each named model is in the top {top}",
            "n": int(len(ranked)), "found": found, "leaders": leaders,
            "verdict": "not testable" if not testable else _verdict([f is not None and f["rank"] <= top
                                                                    for f in found.values()])}


def community_small(board: pd.DataFrame) -> dict[str, Any]:
    rows = board[~board["is_official_provider"] & (board["params_b"] < 10) & (board["co2_kg"] < 5)]
    rows = rows.dropna(subset=["average"])
    result = {"claim": "community models under 10B parameters reach about 35 points for under 5 kg CO₂",
              "population": "community (not official) models under 10 B audited parameters and 5 kg, submitted "
                            "before 2025-01-09",
              "rule": "consistent when the best is within 32-38 points",
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
              "population": "every model with a CO₂ figure, submitted before 2025-01-09",
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


def finetunes_vs_base(board: pd.DataFrame, floor: float = 10.0) -> dict[str, Any]:
    """Each community fine-tune paired with the official model it names as its base (`base_model`):
    the paired log ratio of score per kg, with an exact two-sided sign test."""
    result: dict[str, Any] = {
        "claim": "community fine-tunes are more CO₂-efficient (score per kg) than the official models they "
                 "start from",
        "population": f"community models (not official, not merges) naming an official model on the board as "
                      f"base_model, both averaging at least {floor:g} points and with a CO₂ figure, submitted "
                      "before 2025-01-09; one pair per fine-tune",
        "rule": "consistent when the median paired ratio (fine-tune / base score per kg) is above 1 and the "
                f"sign test p < 0.05; not testable under {MIN_PAIRS} pairs"}
    if "base_model" not in board:
        return result | {"n_pairs": 0, "verdict": "not testable"}
    usable = board[np.isfinite(board["score_per_kg"].to_numpy(dtype=float)) & (board["average"] >= floor)]
    bases = usable[usable["is_official_provider"].to_numpy(dtype=bool)]
    per_kg = pd.Series(bases["score_per_kg"].to_numpy(dtype=float), index=bases["model_id"].str.lower())
    per_kg = per_kg[~per_kg.index.duplicated()]
    tunes = usable[~usable["is_official_provider"].to_numpy(dtype=bool) & ~usable["is_merged"].to_numpy(dtype=bool)]
    base_kg = tunes["base_model"].astype("string").str.lower().map(per_kg).to_numpy(dtype=float)
    paired = np.isfinite(base_kg)
    ratio = tunes["score_per_kg"].to_numpy(dtype=float)[paired] / base_kg[paired]
    n = int(len(ratio))
    if n < MIN_PAIRS:
        return result | {"n_pairs": n, "verdict": "not testable"}
    wins, losses = int((ratio > 1).sum()), int((ratio < 1).sum())
    p = sign_test(wins, losses)
    median = float(np.median(ratio))
    return result | {"n_pairs": n, "n_bases": int(len(set(tunes["base_model"].astype(str).str.lower()[paired]))),
                     "median_ratio": median, "share_more_efficient": wins / n, "sign_test_p": p,
                     "verdict": _verdict([median > 1, p < 0.05]) if median > 1 else "not reproduced"}


def sign_test(wins: int, losses: int) -> float:
    """Exact two-sided sign test (binomial, p = 1/2; ties left out)."""
    n = wins + losses
    if n == 0:
        return 1.0
    k = min(wins, losses)
    tail = sum(math.comb(n, i) for i in range(k + 1)) / 2 ** n
    return min(1.0, 2 * tail)


def check_all(board: pd.DataFrame, rankings: Rankings | None = None, floor: float = 10.0) -> dict[str, Any]:
    """Every check on the post's population (submitted before its date); `rankings` is the whole
    board's and serves only when the window holds every model."""
    window = in_window(board)
    if len(window) != len(board):
        rankings = None
    return {"source": SOURCE, "population": f"board models submitted before {WINDOW_END} (the post's window)",
            "n_window": int(len(window)), "n_post": POST_MODELS, "n_board": int(len(board)), "floor": floor,
            "findings": {
                "official_70b": official_70b(window), "leaders_per_kg": leaders_per_kg(window, floor),
                "community_small": community_small(window), "moe_per_kg": moe_per_kg(window, rankings),
                "finetunes_vs_base": finetunes_vs_base(window, floor)}}
