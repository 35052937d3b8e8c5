"""Capability density over time: how the size needed for a fixed score falls with the upload date.

Fit (OLS over every dated model with a plausible size): average = a + b·log10(size) + c·months.
For a fixed score S the size needed is log10(size) = (S − a − c·months) / b, so it falls by c/b
decades a month, whatever S, and the score per parameter at that level doubles every
log10(2)/(c/b) months. The CI is the delta method's on c/b (from the fit's covariance), carried
through the same transform. This mean trend describes the board's average model, not its frontier.

The frontier fit (`frontier`) is the one comparable to the densing law, which fits the maximum
capability density of open base models over their release dates: among official providers' models
(their own releases, dated by upload ≈ release), for each score level and each quarter, the smallest
model reaching that level; log10 of that size is fitted against months (OLS over the quarters that
have one), and the size needed halves every log10(2)/(−slope) months. Sources: Xiao et al., "Densing
Law of LLMs", arXiv:2412.04315 (2024): about 3.3 months; the journal version, Nature Machine
Intelligence (2025), doi:10.1038/s42256-025-01137-0: about 3.5 months (February 2023 to April 2025).
The reference line is anchored at the frontier's first quarter for the drawn score level.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from analysis.data.quality import PLACEHOLDER_DATE
from analysis.statistics.formulas import t_quantile
from analysis.statistics.populations import own_releases

DENSING_LAW_MONTHS = 3.3  # arXiv:2412.04315
DENSING_LAW_JOURNAL_MONTHS = 3.5  # Nature Machine Intelligence 2025, doi:10.1038/s42256-025-01137-0
CITATIONS = ["Xiao et al., 'Densing Law of LLMs', arXiv:2412.04315 (2024): maximum capability density of open "
             "base models doubles about every 3.3 months",
             "Xiao et al., 'Densing law of LLMs', Nature Machine Intelligence (2025), doi:10.1038/s42256-025-01137-0: "
             "about every 3.5 months (February 2023 to April 2025)"]
LEVELS = (20.0, 25.0, 30.0, 35.0)
MIN_BINS = 4  # quarters with a frontier model, for a frontier fit
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


def populations(table: pd.DataFrame) -> dict[str, tuple[pd.DataFrame, str]]:
    """The density fits' populations: all models, official providers' own releases, pretrained only."""
    official = own_releases(table)
    pretrained = (table["type"].astype(str) == "pretrained").to_numpy()
    return {"all": (table, "every dated, sized model (upload date)"),
            "official": (table[official], "official providers' own releases (base model none, itself or the "
                                               "same owner's)"),
            "pretrained": (table[pretrained], "models the board types as pretrained")}


def frontier(table: pd.DataFrame, level: float) -> dict[str, Any]:
    """The smallest model reaching `level` per quarter, log10 size fitted against months."""
    data = dated_sized(table)
    data = data[data["average"] >= level]
    result: dict[str, Any] = {"score_level": level, "n_models": int(len(data))}
    if data.empty:
        return result | {"n_bins": 0, "doubling_months": None, "note": "no model reaches this level"}
    quarter = data["upload_date"].dt.to_period("Q")
    smallest = data.assign(quarter=quarter).groupby("quarter", observed=True)["log10_params_b"].min()
    result["n_bins"] = int(len(smallest))
    if len(smallest) < MIN_BINS:
        return result | {"doubling_months": None, "note": f"fewer than {MIN_BINS} quarters with a model at the level"}
    starts = smallest.index.to_timestamp()
    months = ((starts - starts.min()).days / DAYS_PER_MONTH).to_numpy(dtype=float)
    y = smallest.to_numpy(dtype=float)
    slope, intercept = np.polyfit(months, y, 1)
    residual = y - (intercept + slope * months)
    dof = len(y) - 2
    se = math.sqrt(float(residual @ residual) / dof / float(((months - months.mean()) ** 2).sum())) if dof else 0.0
    t = t_quantile(0.975, dof) if dof else math.nan
    low, high = -slope - t * se, -slope + t * se  # the drop of log10 size per month
    return result | {
        "start": str(starts.min().date()), "end": str(starts.max().date()),
        "anchor": {"date": str(starts.min().date()), "params_b": float(10 ** (intercept))},
        "log10_size_drop_per_month": float(-slope),
        "doubling_months": math.log10(2) / -slope if slope < 0 else None,
        "doubling_months_ci95": [math.log10(2) / high if high > 0 else None, math.log10(2) / low if low > 0 else None],
        "points": [{"quarter": str(q), "params_b": float(10 ** v)} for q, v in smallest.items()]}


def compared(table: pd.DataFrame, score_level: float) -> dict[str, Any]:
    """results.json `density` additions: the frontier fits (official releases, several levels), the
    population-sensitivity table (mean trend and frontier per population) and the citations."""
    pops = populations(table)
    official = pops["official"][0]
    levels = tuple(sorted({*LEVELS, float(score_level)}))
    sensitivity = []
    for key, (rows, description) in pops.items():
        mean = fit(rows, score_level)
        front = frontier(rows, score_level)
        sensitivity.append({"population": key, "description": description, "n": mean["n"],
                            "mean_trend_months": mean.get("doubling_months"),
                            "mean_trend_ci95": mean.get("doubling_months_ci95"),
                            "frontier_months": front.get("doubling_months"),
                            "frontier_ci95": front.get("doubling_months_ci95")})
    frontiers = {f"{level:g}": frontier(official, level) for level in levels}
    months = [f["doubling_months"] for f in frontiers.values() if f.get("doubling_months")]
    return {"frontier": {"population": pops["official"][1], "levels": frontiers,
                         "median_doubling_months": float(np.median(months)) if months else None},
            "population_sensitivity": sensitivity, "densing_law_journal_months": DENSING_LAW_JOURNAL_MONTHS,
            "citations": CITATIONS,
            "reference_anchor": frontiers[f"{score_level:g}"].get("anchor")}
