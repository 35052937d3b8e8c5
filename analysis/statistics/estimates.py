"""The statistics: each returns a plain dict with its method, n, statistic, p-value, effect size and
a 95% confidence interval, ready for results.json.

- Pearson r (CI: Fisher z) and Spearman rho (CI: Fisher z with the Bonett-Wright SE) of size
  against average score, size both linear and log10.
- OLS of average on log10 size (slope CI from the t distribution; R²).
- Welch's t-test of open against restricted licenses (CI of the mean difference; Hedges' g) and the
  Mann-Whitney U test (rank-biserial correlation, CI from its normal approximation).
- Efficiency (score per billion parameters, per kg CO₂) with the Pareto frontier.
- Per-type breakdown with Kruskal-Wallis (epsilon² effect size).

The tests compute as scipy.stats does (analysis/statistics/formulas.py says why not through it); the rank
tests of one table share its columns' sorts (`Rankings`).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from analysis.statistics import formulas
from analysis.statistics.formulas import Z95, Rankings

NOT_ENOUGH = "not enough data"
ZERO_VARIANCE = "undefined (zero variance)"


def not_enough(n: int, needed: int, of: str = "models") -> str:
    """The stated reason a statistic is absent: too few values."""
    return f"{NOT_ENOUGH} (n = {n} {of}; needs at least {needed})"


def undefined(name: str, method: str, n: int, note: str, **extra: Any) -> dict[str, Any]:
    """A statistic that cannot be computed on this data, with the reason in words (`note`) instead of
    numbers: the report states it rather than failing or printing NaN."""
    return {"name": name, "method": method, "n": int(n), "statistic": None, "p_value": None, "effect_size": None,
            "ci95": None, "note": note, **extra}


def constant(*columns: np.ndarray) -> bool:
    """True when any column holds a single distinct value (its variance is zero)."""
    return any(len(c) and np.min(c) == np.max(c) for c in columns)


def _clean(x: pd.Series, y: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    mask = np.isfinite(x.to_numpy(dtype=float)) & np.isfinite(y.to_numpy(dtype=float))
    return x.to_numpy(dtype=float)[mask], y.to_numpy(dtype=float)[mask]


def pearson(x: pd.Series, y: pd.Series, label: str) -> dict[str, Any]:
    a, b = _clean(x, y)
    name, method = f"pearson {label}", "Pearson correlation (as scipy.stats.pearsonr), CI by Fisher z"
    if len(a) < 3:
        return undefined(name, method, len(a), not_enough(len(a), 3))
    if constant(a, b):
        return undefined(name, method, len(a), ZERO_VARIANCE)
    r, p = formulas.pearsonr(a, b)
    ci = formulas.fisher_ci(r, len(a))
    return {"name": name, "method": method, "n": int(len(a)), "statistic": r, "p_value": p,
            "effect_size": {"r": r, "r_squared": r ** 2}, "ci95": ci}


def spearman(x: pd.Series, y: pd.Series, label: str, rankings: Rankings | None = None) -> dict[str, Any]:
    """`rankings` (of the table `x` and `y` are columns of): rank from its sorts instead of sorting."""
    mask = np.isfinite(x.to_numpy(dtype=float)) & np.isfinite(y.to_numpy(dtype=float))
    if rankings is None:
        rankings = Rankings(pd.DataFrame({"x": x.to_numpy(dtype=float), "y": y.to_numpy(dtype=float)}))
        x, y = x.rename("x"), y.rename("y")
    n = int(mask.sum())
    name = f"spearman {label}"
    method = ("Spearman rank correlation (as scipy.stats.spearmanr), CI by Fisher z with the Bonett-Wright "
              "standard error")
    if n < 4:  # the Bonett-Wright standard error needs n > 3
        return undefined(name, method, n, not_enough(n, 4))
    rank_x, rank_y = rankings(x.name).ranks(mask)[0], rankings(y.name).ranks(mask)[0]
    if constant(rank_x, rank_y):
        return undefined(name, method, n, ZERO_VARIANCE)
    rho, p = formulas.spearmanr(rank_x, rank_y)
    se = math.sqrt((1 + rho ** 2 / 2) / (n - 3))  # Bonett & Wright (2000)
    z = math.atanh(max(min(rho, 0.999999), -0.999999))
    return {"name": name, "method": method, "n": n, "statistic": rho,
            "p_value": p, "effect_size": {"rho": rho},
            "ci95": [math.tanh(z - Z95 * se), math.tanh(z + Z95 * se)]}


def ols(x: pd.Series, y: pd.Series, label: str) -> dict[str, Any]:
    a, b = _clean(x, y)
    name = f"ols {label}"
    method = "OLS y = intercept + slope·x (as scipy.stats.linregress); CI of the slope from the t distribution"
    if len(a) < 3:
        return undefined(name, method, len(a), not_enough(len(a), 3))
    if constant(a, b):
        return undefined(name, method, len(a), ZERO_VARIANCE)
    fit = formulas.linregress(a, b)
    t = formulas.t_quantile(0.975, len(a) - 2)
    return {"name": name, "method": method, "n": int(len(a)), "statistic": fit["slope"],
            "p_value": fit["pvalue"],
            "effect_size": {"slope": fit["slope"], "intercept": fit["intercept"],
                            "r_squared": fit["rvalue"] ** 2, "slope_stderr": fit["stderr"],
                            "intercept_stderr": fit["intercept_stderr"]},
            "ci95": [fit["slope"] - t * fit["stderr"], fit["slope"] + t * fit["stderr"]]}


def prediction_band(x: np.ndarray, y: np.ndarray, grid: np.ndarray
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """Fitted line and the 95% confidence band of the mean on `grid` (for the figures); None when the fit
    is undefined (fewer than 3 points, or no spread in either variable)."""
    if len(x) < 3 or constant(x, y):
        return None
    fit = formulas.linregress(x, y)
    n = len(x)
    resid = y - (fit["intercept"] + fit["slope"] * x)
    s = math.sqrt(float(np.sum(resid ** 2)) / (n - 2))
    t = formulas.t_quantile(0.975, n - 2)
    mean_x = float(np.mean(x))
    sxx = float(np.sum((x - mean_x) ** 2))
    line = fit["intercept"] + fit["slope"] * grid
    half = t * s * np.sqrt(1 / n + (grid - mean_x) ** 2 / sxx)
    return line, line - half, line + half


def welch(a: np.ndarray, b: np.ndarray, label: str) -> dict[str, Any]:
    n1, n2 = len(a), len(b)
    name = f"welch {label}"
    method = "Welch's t-test (as scipy.stats.ttest_ind, equal_var=False); CI of the difference in means; Hedges' g"
    if n1 < 2 or n2 < 2:
        return undefined(name, method, n1 + n2, not_enough(min(n1, n2), 2, "in the smaller group"),
                         n_groups=[int(n1), int(n2)])
    if constant(a) and constant(b):
        return undefined(name, method, n1 + n2, ZERO_VARIANCE, n_groups=[int(n1), int(n2)])
    t, p, ci = formulas.welch(a, b)
    pooled = math.sqrt(((n1 - 1) * np.var(a, ddof=1) + (n2 - 1) * np.var(b, ddof=1)) / (n1 + n2 - 2))
    d = (np.mean(a) - np.mean(b)) / pooled
    g = d * (1 - 3 / (4 * (n1 + n2) - 9))
    return {"name": name, "method": method, "n": int(n1 + n2), "n_groups": [int(n1), int(n2)],
            "statistic": t, "p_value": p,
            "effect_size": {"mean_difference": float(np.mean(a) - np.mean(b)), "hedges_g": float(g)}, "ci95": ci}


def mann_whitney(a: np.ndarray, b: np.ndarray, label: str, ranked: tuple[float, float] | None = None
                 ) -> dict[str, Any]:
    """`ranked`: `a`'s rank sum in the joint ranking and the ties' term (`Rankings.two_groups`)."""
    n1, n2 = len(a), len(b)
    name = f"mann_whitney {label}"
    method = "Mann-Whitney U (as scipy.stats.mannwhitneyu, two-sided); rank-biserial correlation, CI from its " \
             "normal approximation"
    if n1 < 2 or n2 < 2:
        return undefined(name, method, n1 + n2, not_enough(min(n1, n2), 2, "in the smaller group"),
                         n_groups=[int(n1), int(n2)])
    if min(a.min(), b.min()) == max(a.max(), b.max()):
        return undefined(name, method, n1 + n2, ZERO_VARIANCE, n_groups=[int(n1), int(n2)])
    if ranked is None:
        ranks, ties = formulas.rank(np.concatenate([a, b]))
        ranked = (float(ranks[:n1].sum()), ties)
    u, p = formulas.mann_whitney_u(n1, n2, *ranked, a, b)
    r = 2 * u / (n1 * n2) - 1  # rank-biserial: P(a > b) − P(a < b)
    se = math.sqrt((n1 + n2 + 1) / (3 * n1 * n2))
    return {"name": name, "method": method, "n": int(n1 + n2),
            "n_groups": [int(n1), int(n2)], "statistic": u, "p_value": p,
            "effect_size": {"rank_biserial": r}, "ci95": [max(-1.0, r - Z95 * se), min(1.0, r + Z95 * se)]}


def pareto_front(cost: np.ndarray, score: np.ndarray) -> np.ndarray:
    """Indexes of the points no other point beats with a lower-or-equal cost and a higher score,
    ordered by cost (among exact duplicates, the first).

    Vectorized, one (unstable, fast) sort: points sorted by cost form runs of equal cost; a run reaches
    the front when its best score beats every cheaper run's, and contributes its first point (lowest
    index) with that score.
    """
    order = np.argsort(cost)
    ranked_cost, ranked = cost[order], score[order]
    if len(order) == 0:
        return order
    starts = np.flatnonzero(np.concatenate(([True], ranked_cost[1:] != ranked_cost[:-1])))
    run_best = np.maximum.reduceat(ranked, starts)
    cheaper_best = np.concatenate(([-np.inf], np.maximum.accumulate(run_best)[:-1]))
    run = np.repeat(np.arange(len(starts)), np.diff(np.concatenate((starts, [len(order)]))))
    candidates = np.flatnonzero((run_best > cheaper_best)[run] & (ranked == run_best[run]))
    first = np.flatnonzero(np.concatenate(([True], run[candidates][1:] != run[candidates][:-1])))
    return np.minimum.reduceat(order[candidates], first).astype(int) if len(candidates) else candidates


def efficiency(table: pd.DataFrame, cost: str, ratio: str, label: str, top: int = 10,
               rows: np.ndarray | None = None) -> dict[str, Any]:
    """`rows`: the table's rows to use (all when None). Numbers as numpy columns; ids looked up only for
    the top and the front (not a million of them copied along)."""
    c, s, r = (table[k].to_numpy(dtype=float) for k in (cost, "average", ratio))
    keep = np.isfinite(c) & np.isfinite(s) & (c > 0)
    kept = np.flatnonzero(keep if rows is None else keep & rows)
    c, s, values = c[kept], s[kept], r[kept]
    front = pareto_front(c, s)
    best = _largest(values, top)  # as DataFrame.nlargest: descending, ties to the first row
    ids = table["model_id"]
    q1, median, q3 = np.percentile(values, [25, 50, 75]) if len(values) else (math.nan,) * 3
    note = {} if len(values) else {"note": not_enough(0, 1, f"models with a {cost} and a score at the floor")}
    return note | {"name": f"efficiency {label}", "method": f"average score / {cost}; Pareto frontier of average "
            f"against {cost} (no model has a lower {cost} and a higher score)", "n": int(len(kept)),
            "statistic": float(median), "p_value": None,
            "effect_size": {"median": float(median), "q1": float(q1), "q3": float(q3)},
            "ci95": _median_ci(values),
            "top": [{"model_id": m, ratio: float(v), cost: float(x), "average": float(y)} for m, v, x, y in
                    zip(ids.iloc[kept[best]].tolist(), values[best], c[best], s[best], strict=True)],
            "pareto": [{"model_id": m, cost: float(x), "average": float(y)} for m, x, y in
                       zip(ids.iloc[kept[front]].tolist(), c[front], s[front], strict=True)]}


def _largest(values: np.ndarray, n: int) -> np.ndarray:
    """Positions of the n largest (NaN left out), descending, ties in row order; only the candidates at
    or above the n-th largest are sorted."""
    finite = np.flatnonzero(~np.isnan(values))
    kept = values[finite]
    if n < len(kept):
        kept_rows = np.flatnonzero(kept >= np.partition(kept, len(kept) - n)[len(kept) - n])
    else:
        kept_rows = np.arange(len(kept))
    return finite[kept_rows[np.argsort(-kept[kept_rows], kind="stable")][:n]]


def _median_ci(values: np.ndarray) -> list[float]:
    """Distribution-free 95% CI of the median from order statistics."""
    n = len(values)
    if n < 6:
        return [math.nan, math.nan]
    low, high = formulas.median_ci_ranks(n)
    low, high = max(low, 0), min(high, n - 1)
    ordered = np.partition(values, [low, high])  # the two order statistics, without a full sort
    return [float(ordered[low]), float(ordered[high])]


def by_type(table: pd.DataFrame, rankings: Rankings | None = None) -> dict[str, Any]:
    rankings = rankings or Rankings(table)
    table = table[["type", "average", "params_b", "score_per_b"]]
    groups, rows = {}, []
    for t, g in table.groupby("type"):  # one pass: the groups' scores and their summary rows
        if g["average"].notna().sum():
            groups[t] = g["average"].dropna().to_numpy()
        rows.append({"type": t, "n": int(len(g)), "mean_average": float(g["average"].mean()),
                     "median_params_b": float(g["params_b"].median()) if g["params_b"].notna().any() else None,
                     "median_score_per_b": float(g["score_per_b"].median()) if g["score_per_b"].notna().any()
                     else None})
    usable = {t: v for t, v in groups.items() if len(v) >= 2}
    result: dict[str, Any] = {"name": "by_type", "method": "Kruskal-Wallis H across model types "
                              "(as scipy.stats.kruskal); epsilon² effect size", "groups": rows}
    if len(usable) >= 2:
        scored = table["average"].notna().to_numpy()
        labels = np.full(len(table), -1, dtype=np.intp)
        for number, t in enumerate(usable):
            labels[(table["type"] == t).to_numpy(dtype=bool) & scored] = number
        sums, ties = rankings("average").sums(labels >= 0, labels, len(usable))
        sizes = [len(v) for v in usable.values()]
        n = sum(sizes)
        if ties == n ** 3 - n:  # one tie group holding every score
            result.update(n=int(n), statistic=None, p_value=None, effect_size=None, ci95=None, note=ZERO_VARIANCE)
            return result
        h, p = formulas.kruskal(sums, sizes, ties)
        result.update(n=int(n), statistic=h, p_value=p,
                      effect_size={"epsilon_squared": float(h * (n + 1) / (n ** 2 - 1))}, ci95=None)
    else:
        result.update(n=int(sum(len(v) for v in groups.values())), statistic=None, p_value=None,
                      effect_size=None, ci95=None,
                      note=not_enough(len(usable), 2, "model types with at least 2 scored models"))
    return result


def efficiencies(table: pd.DataFrame, floor: float) -> dict[str, dict[str, Any]]:
    """`efficiency_size` and `efficiency_co2` with their Pareto frontiers (the figures draw these), only
    among models whose average is at least `floor` points: below it the ratios reward being tiny."""
    above = (table["average"] >= floor).to_numpy(dtype=bool)
    return {key: efficiency(table, cost, ratio, label, rows=above) | {"floor": floor} for key, cost, ratio, label in (
        ("efficiency_size", "params_b", "score_per_b", "score per billion parameters"),
        ("efficiency_co2", "co2_kg", "score_per_kg", "score per kg CO2"))}


def run_all(table: pd.DataFrame, floor: float = 0.0, rankings: Rankings | None = None,
            done: dict[str, dict[str, Any]] | None = None) -> dict[str, dict[str, Any]]:
    """Every statistic of one population, keyed by its stable id (results.json `statistics`);
    `done`: `efficiencies(table, floor)` when already computed (for the figures)."""
    rankings = rankings or Rankings(table)
    rank = spearman(table["params_b"], table["average"], "size_b vs average", rankings)
    # log10 is monotonic: the ranks, hence Spearman's rho, are the same; computed once
    results = {
        "pearson_size": pearson(table["params_b"], table["average"], "size_b vs average"),
        "pearson_log_size": pearson(table["log10_params_b"], table["average"], "log10 size_b vs average"),
        "spearman_size": rank,
        "spearman_log_size": {**rank, "name": "spearman log10 size_b vs average"},
        "ols_log_size": ols(table["log10_params_b"], table["average"], "average ~ log10 size_b"),
    }
    scored = table["average"].notna().to_numpy()
    open_, restricted, ranked = rankings.two_groups("average", (table["license_class"] == "open").to_numpy() & scored,
                                                    (table["license_class"] == "restricted").to_numpy() & scored)
    # always present: with fewer than 2 models a side they say so (`note`) rather than vanish from the report
    results["welch_license"] = welch(open_, restricted, "open vs restricted average")
    results["mann_whitney_license"] = mann_whitney(open_, restricted, "open vs restricted average", ranked)
    results |= efficiencies(table, floor) if done is None else done
    results["by_type"] = by_type(table, rankings)
    return results

MIN_GROUP_N = 30  # no group claim is written about fewer models than this (one constant for the report)
