"""Group comparisons of the average score, with effect sizes and Holm-corrected p-values.

Four comparisons on the board's own flags: mixture-of-experts against dense, merged against not,
official providers against the community, chat models against base (pretrained) models. Each has
Welch's t-test (mean difference with CI, Hedges' g) and the Mann-Whitney U test (rank-biserial r);
the four p-values of each test are corrected together by Holm's step-down method.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from analysis.statistics import estimates
from analysis.statistics.formulas import Rankings

COMPARISONS = {
    "moe_vs_dense": ("mixture of experts", "dense", lambda t: t["is_moe"], lambda t: ~t["is_moe"]),
    "merged_vs_not": ("merged", "not merged", lambda t: t["is_merged"], lambda t: ~t["is_merged"]),
    "official_vs_community": ("official providers", "community", lambda t: t["is_official_provider"],
                              lambda t: ~t["is_official_provider"]),
    "chat_vs_base": ("chat", "base (pretrained)", lambda t: t["type"] == "chat", lambda t: t["type"] == "pretrained"),
}


def holm(p_values: list[float]) -> list[float]:
    """Holm's step-down adjusted p-values, in the input order."""
    m = len(p_values)
    order = np.argsort(p_values, kind="stable")
    adjusted = np.empty(m)
    running = 0.0
    for rank, index in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p_values[index]))
        adjusted[index] = running
    return adjusted.tolist()


def compare_groups(table: pd.DataFrame, column: str = "average", rankings: Rankings | None = None
                   ) -> dict[str, Any]:
    """`rankings`: the table's shared sorts (analysis.statistics.formulas.Rankings); three of the four comparisons
    split the scored models in two, so their joint ranking is one and the same."""
    rankings = rankings or Rankings(table)
    data = table[["type", "is_moe", "is_merged", "is_official_provider", column]]
    scored = data[column].notna().to_numpy()
    out: dict[str, Any] = {}
    for key, (label_a, label_b, pick_a, pick_b) in COMPARISONS.items():
        a, b, ranked = rankings.two_groups(column, pick_a(data).to_numpy(dtype=bool) & scored,
                                           pick_b(data).to_numpy(dtype=bool) & scored)
        entry: dict[str, Any] = {"groups": [label_a, label_b], "n_groups": [int(len(a)), int(len(b))],
                                 "medians": [_median(a), _median(b)], "means": [_mean(a), _mean(b)]}
        if len(a) >= 2 and len(b) >= 2:
            entry["welch"] = estimates.welch(a, b, f"{label_a} vs {label_b} {column}")
            entry["mann_whitney"] = estimates.mann_whitney(a, b, f"{label_a} vs {label_b} {column}", ranked)
        out[key] = entry
    for test in ("welch", "mann_whitney"):
        keys = [k for k, e in out.items() if test in e and e[test]["p_value"] is not None]
        for key, adjusted in zip(keys, holm([out[k][test]["p_value"] for k in keys]), strict=True):
            out[key][test]["p_holm"] = adjusted
    return {"outcome": column, "method": "Welch's t-test and Mann-Whitney U per comparison; p-values "
            "Holm-corrected across the four comparisons, per test", "comparisons": out}


def _median(values: np.ndarray) -> float | None:
    return float(np.median(values)) if len(values) else None


def _mean(values: np.ndarray) -> float | None:
    return float(np.mean(values)) if len(values) else None
