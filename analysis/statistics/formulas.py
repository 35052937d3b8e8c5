"""The scipy.stats routines the analysis uses, as scipy computes them, on numpy and scipy.special.

Same formulas, same special functions (betaincc, stdtr, stdtrit, ndtr, ndtri, chdtrc, bdtr), so the
numbers agree with scipy.stats to rounding; but no `import scipy.stats` (over a second of start-up,
most of it building distribution docstrings), and the rank tests take their ranks from `Ranking`,
which sorts a column once and ranks any subset of it in linear time: a million-row board is sorted
three times instead of a dozen. Mann-Whitney's exact small-sample distribution is still scipy's.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import special

Z95 = float(special.ndtri(0.975))


def t_quantile(q: float, df: float) -> float:
    """Student t quantile (scipy.stats.t.ppf)."""
    return float(special.stdtrit(df, q))


def _t_two_sided(t: float, df: float) -> float:
    return float(2 * special.stdtr(df, -abs(t))) if math.isfinite(t) else math.nan


def pearsonr(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """(r, two-sided p) as scipy.stats.pearsonr: p from the exact beta null distribution of r."""
    n = len(x)
    if (x == x[0]).all() or (y == y[0]).all():
        return math.nan, math.nan
    xm, ym = x - x.mean(), y - y.mean()
    xmax, ymax = np.abs(xm).max(), np.abs(ym).max()
    normxm, normym = xmax * np.linalg.norm(xm / xmax), ymax * np.linalg.norm(ym / ymax)
    r = float(np.clip(np.vecdot(xm / normxm, ym / normym), -1.0, 1.0))
    if n == 2:
        return float(round(r)), 1.0
    ab = n / 2 - 1
    return r, float(2 * special.betaincc(ab, ab, (abs(r) + 1) / 2))


def fisher_ci(r: float, n: int) -> list[float]:
    """95% CI of a Pearson r by Fisher's z (scipy's; [-1, 1] when n <= 3)."""
    if n <= 3:
        return [-1.0, 1.0]
    z = math.atanh(r) if abs(r) < 1 else math.copysign(math.inf, r)
    se = math.sqrt(1 / (n - 3))
    return [math.tanh(z - Z95 * se), math.tanh(z + Z95 * se)]


def spearmanr(rank_x: np.ndarray, rank_y: np.ndarray) -> tuple[float, float]:
    """(rho, two-sided p) as scipy.stats.spearmanr, from the two columns' ranks."""
    if len(rank_x) <= 1 or (rank_x == rank_x[0]).all() or (rank_y == rank_y[0]).all():
        return math.nan, math.nan
    rs = float(np.corrcoef(rank_x, rank_y)[1, 0])
    dof = len(rank_x) - 2
    with np.errstate(divide="ignore"):
        t = rs * math.sqrt(max(dof / ((rs + 1.0) * (1.0 - rs)), 0) if abs(rs) < 1 else math.inf)
    return rs, float(2 * special.stdtr(dof, -abs(t)))


def linregress(x: np.ndarray, y: np.ndarray) -> dict[str, float]:
    """scipy.stats.linregress: slope, intercept, rvalue, pvalue, stderr, intercept_stderr."""
    if np.amax(x) == np.amin(x):
        raise ValueError("Cannot calculate a linear regression if all x values are identical")
    n = len(x)
    xmean, ymean = np.mean(x), np.mean(y)
    ssxm, ssxym, _, ssym = np.cov(x, y, bias=True).flat
    if ssxm == 0.0 or ssym == 0.0:
        r = math.nan if ssxym == 0 else 0.0
    else:
        r = float(min(max(ssxym / np.sqrt(ssxm * ssym), -1.0), 1.0))
    slope = ssxym / ssxm
    intercept = ymean - slope * xmean
    if n == 2:
        return {"slope": float(slope), "intercept": float(intercept), "rvalue": r,
                "pvalue": 1.0 if y[0] == y[1] else 0.0, "stderr": 0.0, "intercept_stderr": 0.0}
    df = n - 2
    t = r * np.sqrt(df / ((1.0 - r + 1.0e-20) * (1.0 + r + 1.0e-20)))
    stderr = np.sqrt((1 - r ** 2) * ssym / ssxm / df)
    return {"slope": float(slope), "intercept": float(intercept), "rvalue": r,
            "pvalue": float(2 * special.stdtr(df, -abs(t))), "stderr": float(stderr),
            "intercept_stderr": float(stderr * np.sqrt(ssxm + xmean ** 2))}


def welch(a: np.ndarray, b: np.ndarray) -> tuple[float, float, list[float]]:
    """(t, two-sided p, 95% CI of the mean difference) as scipy.stats.ttest_ind(equal_var=False)."""
    n1, n2 = len(a), len(b)
    vn1, vn2 = np.var(a, ddof=1) / n1, np.var(b, ddof=1) / n2
    with np.errstate(divide="ignore", invalid="ignore"):
        df = (vn1 + vn2) ** 2 / (vn1 ** 2 / (n1 - 1) + vn2 ** 2 / (n2 - 1))
    df = 1.0 if np.isnan(df) else float(df)
    denom = math.sqrt(vn1 + vn2)
    estimate = float(np.mean(a) - np.mean(b))
    with np.errstate(divide="ignore", invalid="ignore"):
        t = float(np.divide(estimate, denom))
    low, high = special.stdtrit(df, np.array([0.025, 0.975]))
    return t, _t_two_sided(t, df), [float(low * denom + estimate), float(high * denom + estimate)]


def mann_whitney_u(n1: int, n2: int, rank_sum: float, tie_term: float,
                   a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """(U of the first sample, two-sided p) as scipy.stats.mannwhitneyu, from the first sample's rank sum
    in the joint ranking and the ties' Σ(t³ − t): the normal approximation with tie and continuity
    corrections, or (both samples ≤ 8 without ties) scipy's exact distribution."""
    u1 = rank_sum - n1 * (n1 + 1) / 2
    u = max(u1, n1 * n2 - u1)
    if (n1 <= 8 or n2 <= 8) and tie_term == 0:
        from scipy.stats import mannwhitneyu  # the exact distribution: small samples only

        return float(u1), float(mannwhitneyu(a, b, alternative="two-sided").pvalue)
    n = n1 + n2
    s = math.sqrt(n1 * n2 / 12 * ((n + 1) - tie_term / (n * (n - 1))))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.divide(u - n1 * n2 / 2 - 0.5, s)
    return float(u1), float(np.clip(2 * special.ndtr(-z), 0.0, 1.0))


def kruskal(rank_sums: list[float], sizes: list[int], tie_term: float) -> tuple[float, float]:
    """(H, p) as scipy.stats.kruskal, from each group's rank sum in the joint ranking."""
    total = sum(sizes)
    ssbn = sum(r ** 2 / n for r, n in zip(rank_sums, sizes, strict=True))
    h = 12.0 / (total * (total + 1)) * ssbn - 3 * (total + 1)
    h /= 1 - tie_term / (total ** 3 - total)
    return float(h), float(special.chdtrc(len(sizes) - 1, h))


def median_ci_ranks(n: int) -> tuple[int, int]:
    """The order statistics bounding a distribution-free 95% CI of the median: binom.ppf(0.025, n, ½) − 1
    and binom.isf(0.025, n, ½), found from the binomial CDF (agrees with scipy.stats.binom)."""
    start = n / 2 + Z95 * math.sqrt(n) / 2
    low = min(max(int(n - start), 0), n)
    while low > 0 and special.bdtr(low - 1, n, 0.5) >= 0.025:
        low -= 1
    while special.bdtr(low, n, 0.5) < 0.025:
        low += 1
    high = min(max(int(start), 0), n)
    while high > 0 and special.bdtrc(high - 1, n, 0.5) <= 0.025:
        high -= 1
    while special.bdtrc(high, n, 0.5) > 0.025:
        high += 1
    return low - 1, high


class Ranking:
    """One column sorted once; average ranks (ties share their mean rank) of any subset of it, with
    the ties' Σ(t³ − t), in linear time (scipy's rankdata sorts every call)."""

    def __init__(self, values: np.ndarray) -> None:
        self.values = np.asarray(values, dtype=float)
        self.order = np.argsort(self.values)  # NaN last (callers' masks leave NaN out); ties in any order
        self.ordered = self.values[self.order]

    def _sorted_ranks(self, mask: np.ndarray | None) -> tuple[np.ndarray, np.ndarray | None, float]:
        """The subset's ranks in sorted order, which of the sorted rows are in it, the ties' term."""
        chosen = None if mask is None else mask[self.order]
        ranked = self.ordered if chosen is None else self.ordered[chosen]
        n = len(ranked)
        if n == 0:
            return np.empty(0), chosen, 0.0
        starts = np.flatnonzero(np.concatenate(([True], ranked[1:] != ranked[:-1])))
        counts = np.diff(np.append(starts, n))
        ranks = np.repeat(starts + 1 + (counts - 1) / 2, counts)
        counts = counts.astype(float)
        return ranks, chosen, float(np.sum(counts ** 3 - counts))

    def ranks(self, mask: np.ndarray | None = None) -> tuple[np.ndarray, float]:
        """The ranks of the rows in `mask` (all rows when None), in row order, and the ties' term."""
        ranks, chosen, ties = self._sorted_ranks(mask)
        order = self.order if chosen is None else self.order[chosen]
        out = np.empty(len(ranks))
        out[order if mask is None else (np.cumsum(mask) - 1)[order]] = ranks
        return out, ties

    def sums(self, mask: np.ndarray, labels: np.ndarray, groups: int) -> tuple[list[float], float]:
        """Rank sum of each group (`labels`: 0 … groups − 1 per row) in the joint ranking of the rows in
        `mask`, and the ties' term; no ranks in row order needed (sums of half-integers: exact)."""
        ranks, chosen, ties = self._sorted_ranks(mask)
        sums = np.bincount(labels[self.order][chosen], weights=ranks, minlength=groups)
        return [float(v) for v in sums], ties


def rank(values: np.ndarray) -> tuple[np.ndarray, float]:
    return Ranking(values).ranks()


class Rankings:
    """The columns of one table, each sorted once on first use, for every rank test on that table."""

    def __init__(self, table: pd.DataFrame) -> None:
        self.table, self.done = table, {}

    def __call__(self, column: str) -> Ranking:
        if column not in self.done:
            self.done[column] = Ranking(self.table[column].to_numpy(dtype=float))
        return self.done[column]

    def two_groups(self, column: str, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray, tuple]:
        """The column's values in rows `a` and in rows `b` (masks without NaN rows), and the first
        group's rank sum in the two groups' joint ranking with its ties' term."""
        values = self.table[column].to_numpy(dtype=float)
        sums, ties = self(column).sums(a | b, b.view(np.int8), 2)
        return values[a], values[b], (sums[0], ties)
