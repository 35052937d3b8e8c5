"""Claims against measurements, and the health of the cards' leaderboard copies (issue #25 item 5).

Per benchmark and measurer (v1 board, v2 board, verified Community Evals), over the comparable pairs
of analysis/data/scores.py: the mean difference claim − measurement with a 95% t interval (mean ±
t(0.975, n−1)·s/√n, `method` says so), the median difference, and the share of claims above the
measurement by more than `TOLERANCE` points, overall and by author kind (an official provider's
namespace, by the v2 board's flag, or the community). A statement needs at least `MIN_PAIRS` pairs:
below that the numbers are null with the reason, as every statistic of the report.
Copies' health: per board version, how many copies still equal the board, and the stale or altered.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from analysis.data.scores import COLUMNS, COPY_TOLERANCE, RULES, SOURCE_KINDS, UNSTATED_RULE, Scores
from analysis.statistics.estimates import ZERO_VARIANCE, not_enough, undefined
from analysis.statistics.formulas import t_quantile

TOLERANCE = 1.0  # points on 0-100: a claim above its measurement by more than this is "above"
MIN_PAIRS = 10
LARGEST = 20
STALE_LISTED = 100
T_METHOD = "mean difference claim − measurement, 95% CI from the t distribution (mean ± t·s/√n)"
AUTHOR_KINDS = ("official", "community", "unknown")


def mean_difference(differences: np.ndarray, label: str) -> dict[str, Any]:
    """The mean difference with its t interval; null with the reason below `MIN_PAIRS` or with no spread."""
    d = np.asarray(differences, dtype=float)
    d = d[np.isfinite(d)]
    n, name = len(d), f"claim − measurement, {label}"
    if n < MIN_PAIRS:
        return undefined(name, T_METHOD, n, not_enough(n, MIN_PAIRS, "pairs"))
    mean, sd = float(d.mean()), float(d.std(ddof=1))
    if sd == 0:
        return {**undefined(name, T_METHOD, n, ZERO_VARIANCE), "statistic": mean}
    half = t_quantile(0.975, n - 1) * sd / math.sqrt(n)
    return {"name": name, "method": T_METHOD, "n": n, "statistic": mean, "p_value": None,
            "effect_size": {"mean_difference": mean, "median_difference": float(np.median(d)),
                            "share_above_tolerance": float((d > TOLERANCE).mean()),
                            "share_below_tolerance": float((d < -TOLERANCE).mean())},
            "ci95": [mean - half, mean + half]}


def _group(pairs: pd.DataFrame, label: str) -> dict[str, Any]:
    d = pairs["difference"].to_numpy(dtype=float)
    out: dict[str, Any] = {"n_pairs": int(len(pairs)), "mean_difference": mean_difference(d, label)}
    if len(pairs) >= MIN_PAIRS:
        out["share_above_tolerance"] = float((d > TOLERANCE).mean())
    else:
        out["share_above_tolerance"] = None
        out["note"] = not_enough(len(pairs), MIN_PAIRS, "pairs")
    return out


def claims_vs_measurements(scores: Scores) -> dict[str, Any]:
    """results.json `claims_vs_measurements`."""
    out: dict[str, Any] = {"rules": RULES, "tolerance_points": TOLERANCE, "min_pairs": MIN_PAIRS,
                           "copy_tolerance": COPY_TOLERANCE, "method": T_METHOD, "sources_read": scores.read,
                           "missing": scores.missing}
    if "card_results" in scores.missing:
        return {**out, "available": False, "note": scores.missing["card_results"], "copies": {}, "benchmarks": {}}
    pairs = scores.pairs
    claims = scores.table[scores.table["source_kind"] == "card_claim"]
    return {**out, "available": True, "n_claims": int(len(claims)),
            "claims_by_status": {str(k): int(v) for k, v in claims["status"].value_counts().items() if v},
            **_pairs_summary(pairs), "setup_unstated": setup_unstated(scores.unstated),
            "copies": copies_health(scores.copies)}


def _pairs_summary(pairs: pd.DataFrame) -> dict[str, Any]:
    """n_pairs, per benchmark and measurer the difference with its CI (overall and by author kind), the largest."""
    benchmarks: dict[str, Any] = {}
    groups = pairs.groupby(["benchmark", "measured_by", "setup"], sort=True, observed=True)
    for (benchmark, measured_by, setup), group in groups:
        label = f"{benchmark} ({setup}) vs {measured_by}"
        entry = {"benchmark": benchmark, "measured_by": measured_by, "setup": setup, **_group(group, label),
                 "by_author_kind": {k: _group(group[group["author_kind"] == k], f"{label}, {k}")
                                    for k in AUTHOR_KINDS if (group["author_kind"] == k).any()}}
        benchmarks[f"{benchmark}:{measured_by}"] = entry
    largest = pairs.assign(size=pairs["difference"].abs()).sort_values("size", ascending=False, kind="stable")
    return {"n_pairs": int(len(pairs)), "benchmarks": benchmarks,
            "largest_discrepancies": largest.drop(columns="size").head(LARGEST).to_dict("records")}


def setup_unstated(unstated: pd.DataFrame) -> dict[str, Any]:
    """results.json `claims_vs_measurements.setup_unstated`: claims stating no few-shot count against the
    board, apart from the comparable pairs, under the same n threshold and CI (the rule in `rule`)."""
    return {"rule": UNSTATED_RULE, "min_pairs": MIN_PAIRS, "method": T_METHOD, **_pairs_summary(unstated)}


def copies_health(copies: pd.DataFrame) -> dict[str, Any]:
    """Per board version: copies, how many equal the board, the stale or altered (listed, largest first)."""
    out: dict[str, Any] = {}
    for version, group in copies.groupby("board", sort=True, observed=True):
        compared = group[group["status"].isin(["copy", "stale or altered"])]
        stale = compared[compared["status"] == "stale or altered"]
        stale = stale.assign(difference=stale["card_value"] - stale["board_value"])
        stale = stale.assign(size=stale["difference"].abs()).sort_values("size", ascending=False, kind="stable")
        out[version] = {
            "n_copies": int(len(group)), "n_compared": int(len(compared)),
            "n_equal": int((compared["status"] == "copy").sum()), "n_stale_or_altered": int(len(stale)),
            "n_not_on_board": int((group["status"] != "copy").sum() - len(stale)),
            "share_equal": float((compared["status"] == "copy").mean()) if len(compared) else None,
            "stale_or_altered": stale.drop(columns=["size", "status", "board"]).head(STALE_LISTED).to_dict("records")}
    return out


def summary(scores: Scores) -> dict[str, Any]:
    """results.json `scores`: what scores.parquet holds, per source kind and benchmark."""
    table = scores.table
    by_benchmark: dict[str, dict[str, int]] = {}
    counted = table.dropna(subset=["benchmark"]).groupby(["benchmark", "source_kind"], sort=True, observed=True).size()
    for (benchmark, kind), n in counted.items():
        by_benchmark.setdefault(str(benchmark), {})[str(kind)] = int(n)
    kinds = table["source_kind"].value_counts()
    return {"file": "scores.parquet", "n_rows": int(len(table)),
            "n_models": int(table["model_id"].str.lower().nunique()),
            "sources_read": scores.read, "missing": scores.missing,
            "by_source_kind": {k: int(kinds.get(k, 0)) for k in SOURCE_KINDS},
            "by_status": {str(k): int(v) for k, v in table["status"].value_counts().items() if v},
            "unmapped_card_rows": int((table["source_kind"].str.startswith("card_") & table["benchmark"].isna()).sum()),
            "by_benchmark": by_benchmark, "columns": COLUMNS}
