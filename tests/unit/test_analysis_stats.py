"""Every statistic against an independent computation on fixed data: numpy formulas, closed forms and
brute force, never the scipy routine the code under test calls (a Student t tail is integrated here)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from analysis.statistics import estimates as ours

RNG = np.random.default_rng(20261125)
N = 400
SIZE = 10 ** RNG.uniform(-1, 2, N)
SCORE = 10 + 8 * np.log10(SIZE) + RNG.normal(0, 5, N)
TABLE = pd.DataFrame({
    "model_id": [f"org/m{i}" for i in range(N)], "params_b": SIZE, "log10_params_b": np.log10(SIZE),
    "average": SCORE, "co2_kg": RNG.uniform(0.1, 50, N), "type": RNG.choice(["chat", "merge", "pretrained"], N),
    "license_class": RNG.choice(["open", "restricted", "unknown"], N),
})
TABLE["score_per_b"] = TABLE["average"] / TABLE["params_b"]
TABLE["score_per_kg"] = TABLE["average"] / TABLE["co2_kg"]


def t_sf(t: float, df: float) -> float:
    """P(T > t) for Student's t, by Simpson integration of its density (no scipy)."""
    log_c = math.lgamma((df + 1) / 2) - math.lgamma(df / 2) - 0.5 * math.log(df * math.pi)
    x = np.linspace(abs(t), abs(t) + 80, 40_001)
    density = np.exp(log_c - (df + 1) / 2 * np.log1p(x ** 2 / df))
    h = x[1] - x[0]
    tail = h / 3 * (density[0] + density[-1] + 4 * density[1:-1:2].sum() + 2 * density[2:-1:2].sum())
    return tail if t >= 0 else 1 - tail


def t_quantile(p: float, df: float) -> float:
    """The t with P(T <= t) = p, by bisection on `t_sf`."""
    low, high = 0.0, 20.0
    for _ in range(60):
        mid = (low + high) / 2
        low, high = (mid, high) if 1 - t_sf(mid, df) < p else (low, mid)
    return (low + high) / 2


def ranks(values: np.ndarray) -> np.ndarray:
    """1-based ranks of distinct values."""
    assert len(np.unique(values)) == len(values)
    return np.argsort(np.argsort(values)) + 1.0


def normal_sf(z: float) -> float:
    return 0.5 * math.erfc(z / math.sqrt(2))


def test_t_helpers_know_the_textbook_values():
    assert t_quantile(0.975, 10) == pytest.approx(2.228139, abs=1e-6)
    assert 2 * t_sf(2.0, 5) == pytest.approx(0.101939, abs=1e-6)


def test_pearson_matches_numpy_and_fisher_ci():
    result = ours.pearson(TABLE["log10_params_b"], TABLE["average"], "x")
    r = np.corrcoef(np.log10(SIZE), SCORE)[0, 1]
    assert result["statistic"] == pytest.approx(r, abs=1e-12) and result["n"] == N
    z, se = math.atanh(r), 1 / math.sqrt(N - 3)
    assert result["ci95"] == pytest.approx([math.tanh(z - 1.959964 * se), math.tanh(z + 1.959964 * se)], abs=1e-6)


def test_spearman_matches_ranked_pearson():
    result = ours.spearman(TABLE["params_b"], TABLE["average"], "x")
    ranked = np.corrcoef(ranks(SIZE), ranks(SCORE))[0, 1]
    assert result["statistic"] == pytest.approx(ranked, abs=1e-12)
    z, se = math.atanh(ranked), math.sqrt((1 + ranked ** 2 / 2) / (N - 3))  # Bonett & Wright
    assert result["ci95"] == pytest.approx([math.tanh(z - 1.959964 * se), math.tanh(z + 1.959964 * se)], abs=1e-6)


def test_ols_matches_normal_equations():
    result = ours.ols(TABLE["log10_params_b"], TABLE["average"], "x")
    design = np.column_stack([np.ones(N), np.log10(SIZE)])
    beta, *_ = np.linalg.lstsq(design, SCORE, rcond=None)
    resid = SCORE - design @ beta
    cov = resid @ resid / (N - 2) * np.linalg.inv(design.T @ design)
    t = t_quantile(0.975, N - 2)
    assert result["effect_size"]["slope"] == pytest.approx(beta[1], rel=1e-10)
    assert result["effect_size"]["intercept"] == pytest.approx(beta[0], rel=1e-10)
    assert result["ci95"] == pytest.approx([beta[1] - t * math.sqrt(cov[1, 1]), beta[1] + t * math.sqrt(cov[1, 1])],
                                           rel=1e-7)


def test_welch_matches_the_formula():
    a, b = SCORE[:150], SCORE[150:] + 2
    result = ours.welch(a, b, "x")
    va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
    t = (a.mean() - b.mean()) / math.sqrt(va + vb)
    df = (va + vb) ** 2 / (va ** 2 / (len(a) - 1) + vb ** 2 / (len(b) - 1))
    assert result["statistic"] == pytest.approx(t, rel=1e-10)
    assert result["p_value"] == pytest.approx(2 * t_sf(abs(t), df), rel=1e-6)
    half = t_quantile(0.975, df) * math.sqrt(va + vb)
    assert result["ci95"] == pytest.approx([a.mean() - b.mean() - half, a.mean() - b.mean() + half], rel=1e-7)


def test_mann_whitney_rank_biserial_counts_pairs():
    a, b = SCORE[:60], SCORE[60:140] + 1
    result = ours.mann_whitney(a, b, "x")
    greater = sum((x > y) + 0.5 * (x == y) for x in a for y in b)
    assert result["statistic"] == pytest.approx(greater)
    assert result["effect_size"]["rank_biserial"] == pytest.approx(2 * greater / (len(a) * len(b)) - 1)
    # no ties: the normal approximation with continuity correction
    mean, sd = len(a) * len(b) / 2, math.sqrt(len(a) * len(b) * (len(a) + len(b) + 1) / 12)
    assert result["p_value"] == pytest.approx(2 * normal_sf((abs(greater - mean) - 0.5) / sd), rel=1e-9)


def test_pareto_front_by_brute_force():
    cost, score = TABLE["params_b"].to_numpy(), TABLE["average"].to_numpy()
    front = set(ours.pareto_front(cost, score).tolist())
    dominated = {i for i in range(N) if any(cost[j] <= cost[i] and score[j] > score[i] for j in range(N))}
    assert front == set(range(N)) - dominated


def test_efficiency_median_and_top():
    result = ours.efficiency(TABLE, "params_b", "score_per_b", "x")
    assert result["statistic"] == pytest.approx(float(np.median(SCORE / SIZE)))
    assert result["top"][0]["score_per_b"] == pytest.approx(float(np.max(SCORE / SIZE)))
    assert result["ci95"][0] <= result["statistic"] <= result["ci95"][1]


def test_by_type_kruskal():
    result = ours.by_type(TABLE.assign(params_b=SIZE))
    rank = ranks(SCORE)
    by_group = [rank[(TABLE["type"] == t).to_numpy()] for t in sorted(TABLE["type"].unique())]
    h = 12 / (N * (N + 1)) * sum(r.sum() ** 2 / len(r) for r in by_group) - 3 * (N + 1)
    assert result["statistic"] == pytest.approx(h, rel=1e-10)
    assert result["p_value"] == pytest.approx(math.exp(-h / 2), rel=1e-9)  # chi² with 2 df: a closed form
    assert result["effect_size"]["epsilon_squared"] == pytest.approx(h / ((N ** 2 - 1) / (N + 1)), rel=1e-10)
    assert {g["type"] for g in result["groups"]} == {"chat", "merge", "pretrained"}


def test_run_all_keys_every_statistic_by_id_and_applies_the_floor():
    results = ours.run_all(TABLE, floor=15.0)
    assert {"pearson_size", "pearson_log_size", "spearman_size", "spearman_log_size", "ols_log_size",
            "welch_license", "mann_whitney_license", "efficiency_size", "efficiency_co2", "by_type"} <= set(results)
    for r in results.values():
        assert "method" in r and "n" in r and "name" in r
    above = SCORE >= 15.0
    assert results["efficiency_size"]["n"] == int(above.sum()) and results["efficiency_size"]["floor"] == 15.0
    assert results["efficiency_size"]["statistic"] == pytest.approx(float(np.median((SCORE / SIZE)[above])))
    assert results["spearman_log_size"]["statistic"] == pytest.approx(
        np.corrcoef(ranks(np.log10(SIZE)), ranks(SCORE))[0, 1])


def test_shared_ranks_of_a_subset_with_ties_count_pairs():
    """Mann-Whitney from a table's shared sort (groups.py, run_all): U by pair counting, p by the
    tie-corrected normal approximation written out here."""
    scores = np.round(SCORE)  # ties
    table = pd.DataFrame({"average": scores})
    a_rows, b_rows = np.arange(N) % 3 == 0, np.arange(N) % 3 == 1  # a third of the rows left out
    a, b, ranked = ours.Rankings(table).two_groups("average", a_rows, b_rows)
    result = ours.mann_whitney(a, b, "x", ranked)
    greater = sum((x > y) + 0.5 * (x == y) for x in a for y in b)
    assert result["statistic"] == pytest.approx(greater)
    n1, n2 = len(a), len(b)
    _, counts = np.unique(np.concatenate([a, b]), return_counts=True)
    sd = math.sqrt(n1 * n2 / 12 * (n1 + n2 + 1 - (counts ** 3 - counts).sum() / ((n1 + n2) * (n1 + n2 - 1))))
    assert result["p_value"] == pytest.approx(2 * normal_sf((abs(greater - n1 * n2 / 2) - 0.5) / sd), rel=1e-9)


@pytest.mark.parametrize("n", [6, 7, 40, 41, 1000])
def test_median_ci_order_statistics_from_the_binomial(n):
    cdf = np.cumsum([math.comb(n, k) for k in range(n + 1)]) / 2 ** n
    low = int(np.argmax(cdf >= 0.025)) - 1  # binom.ppf(0.025) - 1
    high = int(np.argmax(1 - cdf <= 0.025))  # binom.isf(0.025)
    values = RNG.permutation(np.arange(n, dtype=float))
    assert ours._median_ci(values) == [float(max(low, 0)), float(min(high, n - 1))]
