"""Capability density over time: how the size needed for a fixed score falls with the upload date.

Fit (OLS over every dated model with a plausible size): average = a + b·log10(size) + c·months.
For a fixed score S the size needed is log10(size) = (S − a − c·months) / b, so it falls by c/b
decades a month, whatever S, and the score per parameter at that level doubles every
log10(2)/(c/b) months. The CI is the delta method's on c/b (from the fit's covariance), carried
through the same transform. The "densing law" (Xiao et al., arXiv 2412.04315) reports 3.3 months
for open models' frontier; this fit describes the board's average trend, not only its frontier.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from analysis.data.quality import PLACEHOLDER_DATE
from analysis.statistics.formulas import t_quantile

DENSING_LAW_MONTHS = 3.3
NEAR = 2.5  # points either side of the score level: the models the figure draws
DAYS_PER_MONTH = 30.4375


def dated_sized(table: pd.DataFrame) -> pd.DataFrame:
    """The models the fit uses (and the figure draws): dated (not the placeholder date), sized, scored."""
    data = table[["upload_date", "log10_params_b", "average"]].dropna()
    return data[(data["upload_date"] != PLACEHOLDER_DATE).to_numpy(dtype=bool)]


def fit(table: pd.DataFrame, score_level: float) -> dict[str, Any]:
    data = dated_sized(table)
    result: dict[str, Any] = {"method": __doc__.split("\n\n")[1].replace("\n", " "), "score_level": score_level,
                              "densing_law_months": DENSING_LAW_MONTHS, "n": int(len(data)),
                              "n_near_level": int(((data["average"] - score_level).abs() <= NEAR).sum())}
    if len(data) < 10:
        return result | {"doubling_months": None, "note": "not enough data: fewer than 10 dated, sized models"}
    start = data["upload_date"].min()
    months = ((data["upload_date"] - start).dt.days / DAYS_PER_MONTH).to_numpy(dtype=float)
    design = np.column_stack([np.ones(len(data)), data["log10_params_b"].to_numpy(dtype=float), months])
    y = data["average"].to_numpy(dtype=float)
    if np.linalg.matrix_rank(design) < 3:
        return result | {"doubling_months": None,
                         "note": "undefined (zero variance): upload dates or sizes do not vary"}
    if y.min() == y.max():
        return result | {"doubling_months": None, "note": "undefined (zero variance): every average is the same"}
    beta, *_ = np.linalg.lstsq(design, y, rcond=None)
    residual = y - design @ beta
    dof = len(y) - 3
    cov = float(residual @ residual) / dof * np.linalg.inv(design.T @ design)
    a, b, c = (float(v) for v in beta)
    if b <= 0:
        return result | {"doubling_months": None, "note": "score does not rise with size in this data"}
    rate = c / b
    se = math.sqrt(max(cov[2, 2] / b ** 2 + c ** 2 * cov[1, 1] / b ** 4 - 2 * c * cov[1, 2] / b ** 3, 0.0))
    t = t_quantile(0.975, dof)
    low, high = rate - t * se, rate + t * se
    doubling = math.log10(2) / rate if rate > 0 else None
    return result | {
        "start": str(start.date()), "end": str(data["upload_date"].max().date()),
        "intercept": a, "slope_log_size": b, "slope_per_month": c, "log10_size_drop_per_month": rate,
        "log10_size_drop_ci95": [low, high], "doubling_months": doubling,
        "doubling_months_ci95": [math.log10(2) / high if high > 0 else None,
                                 math.log10(2) / low if low > 0 else None],
        "r_squared": 1 - float(residual @ residual) / float(((y - y.mean()) ** 2).sum()),
    }
