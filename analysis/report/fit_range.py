"""Where a figure may draw a fitted line: over the data, never beyond it (no matplotlib here, so the
rule is testable on its own; analysis/report/figures.py draws with it).

A line is drawn over the central 98% of the x values (1st to 99th percentile: a handful of very large
models do not stretch a linear fit to scores no model reaches) and only where its fitted value stays
within the observed scores (a log-size fit never dips below the lowest score, e.g. below zero).
"""

from __future__ import annotations

import numpy as np

QUANTILES = (0.01, 0.99)
POINTS = 200


def fit_grid(x: np.ndarray, log: bool = False) -> np.ndarray:
    """x values to evaluate a fit on: evenly spaced (in log10 when `log`: `x` is then log10 already) between
    the 1st and 99th percentile of `x`; empty when `x` is."""
    x = np.asarray(x, dtype=float)
    x = x[np.isfinite(x)]
    if not len(x):
        return x
    low, high = np.quantile(x, QUANTILES)
    return np.linspace(low, high, POINTS)


def within_scores(line: np.ndarray, y: np.ndarray) -> np.ndarray:
    """A mask over `line`: where the fitted value lies between the lowest and the highest observed score."""
    y = np.asarray(y, dtype=float)
    y = y[np.isfinite(y)]
    if not len(y):
        return np.zeros(len(line), dtype=bool)
    return (line >= y.min()) & (line <= y.max())
