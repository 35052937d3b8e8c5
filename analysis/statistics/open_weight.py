"""Open-weight permissive against restricted open-weight licences: the board has no proprietary
models (every one has its weights on the Hub), so "open vs proprietary" would misname it.

Raw difference in mean average (the Welch test of `statistics`), then size-adjusted: OLS of average
on an open indicator and log10 audited size, so the open coefficient compares models of equal size.
The unknown-licence share is stated (those models are left out); no claim is written when either
group has fewer than `MIN_GROUP_N` models.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from analysis.statistics.estimates import MIN_GROUP_N, not_enough
from analysis.statistics.formulas import t_quantile

GROUPS = {"open": "open-weight, permissive licence (OSI-approved or public-domain-like)",
          "restricted": "open-weight, restricted licence (use restrictions, non-commercial, acceptable-use policy)",
          "unknown": "licence unknown or unclassified (left out)"}


def compare(table: pd.DataFrame) -> dict[str, Any]:
    classes = table["license_class"].astype(str).to_numpy()
    counts = {k: int((classes == k).sum()) for k in GROUPS}
    n = int(len(table))
    result: dict[str, Any] = {"method": (__doc__ or "").split("\n\n")[1].replace("\n", " "), "groups": GROUPS,
                              "counts": counts, "unknown_share": counts["unknown"] / n if n else None,
                              "min_group_n": MIN_GROUP_N}
    y = table["average"].to_numpy(dtype=float)
    x = table["log10_params_b"].to_numpy(dtype=float)
    use = np.isin(classes, ["open", "restricted"]) & np.isfinite(y) & np.isfinite(x)
    is_open = (classes[use] == "open").astype(float)
    n_open, n_restricted = int(is_open.sum()), int(len(is_open) - is_open.sum())
    result["n_sized"] = [n_open, n_restricted]
    if min(n_open, n_restricted) < MIN_GROUP_N:
        return result | {"adjusted": None, "note": not_enough(min(n_open, n_restricted), MIN_GROUP_N,
                                                             "models in the smaller licence group")}
    design = np.column_stack([np.ones(len(is_open)), is_open, x[use]])
    beta, *_ = np.linalg.lstsq(design, y[use], rcond=None)
    residual = y[use] - design @ beta
    dof = len(residual) - 3
    cov = float(residual @ residual) / dof * np.linalg.inv(design.T @ design)
    se = math.sqrt(cov[1, 1])
    t = t_quantile(0.975, dof)
    raw = float(y[use][is_open == 1].mean() - y[use][is_open == 0].mean())
    return result | {
        "raw_difference_sized": raw,
        "adjusted": {"model": "average = a + b·open + c·log10(size_b), OLS", "open_coefficient": float(beta[1]),
                     "stderr": se, "ci95": [float(beta[1] - t * se), float(beta[1] + t * se)],
                     "log10_size_coefficient": float(beta[2]), "n": int(len(residual))}}
