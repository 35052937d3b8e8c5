"""The report's main figures: size distribution, size against score, efficiency frontiers, types.

Each figure has an id (its file name), a caption and a text alternative built from the numbers it
shows (`FIGURE_TEXT`); the numbers themselves are in results.json.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from analysis.layout import LINE, POINT, STYLE, Figures, place_labels, plt
from analysis.stats import prediction_band

MAX_POINTS = 20_000  # scatter plots sample down to this many points (the statistics use all)


def _sample(data: pd.DataFrame) -> pd.DataFrame:
    return data.sample(MAX_POINTS, random_state=0) if len(data) > MAX_POINTS else data


def size_distribution(table: pd.DataFrame, figures: Figures) -> None:
    sizes = table["params_b"].dropna()
    sizes = sizes[sizes > 0]
    fig, ax = plt.subplots()
    bins = np.logspace(np.log10(sizes.min()), np.log10(sizes.max()), 40)
    ax.hist(sizes, bins=bins, color="#1f77b4", edgecolor="white")
    ax.set_xscale("log")
    ax.set(xlabel="Parameters (billions, log scale)", ylabel="Models",
           title=f"Distribution of model sizes (n = {len(sizes):,})")
    figures.save(fig, "size_distribution")


def size_vs_score(table: pd.DataFrame, figures: Figures, log: bool) -> None:
    columns = table[["params_b", "log10_params_b", "average"]]
    data = columns[np.isfinite(columns["log10_params_b"]) & columns["average"].notna()]
    x_all = data["log10_params_b"].to_numpy() if log else data["params_b"].to_numpy()
    y_all = data["average"].to_numpy()
    fig, ax = plt.subplots()
    shown = _sample(data)
    ax.scatter(shown["params_b"], shown["average"], **POINT, label="models").set_in_layout(False)
    grid = np.linspace(x_all.min(), x_all.max(), 200)  # the fit is drawn over the data's range only
    line, low, high = prediction_band(x_all, y_all, grid)
    xs = 10 ** grid if log else grid
    ax.plot(xs, line, color=LINE, label="OLS fit")
    ax.fill_between(xs, low, high, color=LINE, alpha=0.2, label="95% confidence band")
    if log:
        ax.set_xscale("log")
    ax.set_ylim(bottom=0)  # scores are 0-100: a fit below 0 is cut, not drawn
    scale = "log scale" if log else "linear scale"
    ax.set(xlabel=f"Parameters (billions, {scale})", ylabel="Average score (%)",
           title=f"Model size against average score, {scale} (n = {len(data):,})")
    ax.legend(loc="lower right")
    figures.save(fig, f"size_vs_score_{'log' if log else 'linear'}")


def efficiency_plot(table: pd.DataFrame, figures: Figures, cost: str, label: str, unit: str, name: str,
                    result: dict[str, Any]) -> None:
    columns = table[[cost, "average"]]
    data = columns[np.isfinite(columns[cost]) & columns["average"].notna() & (columns[cost] > 0)]
    fig, ax = plt.subplots()
    shown = _sample(data)
    ax.scatter(shown[cost], shown["average"], **POINT, label="models").set_in_layout(False)
    front = pd.DataFrame(result["pareto"], columns=["model_id", cost, "average"])
    ax.step(front[cost], front["average"], where="post", color=LINE, label="Pareto frontier")
    ax.scatter(front[cost], front["average"], color=LINE, s=16, zorder=3)
    ax.set_xscale("log")
    noun = label.split(" (")[0]
    ax.set(xlabel=f"{label} (log scale)", ylabel="Average score (%)",
           title=f"Average score against {noun[0].lower() + noun[1:]} "
                 f"(median {result['effect_size']['median']:.2f} points {unit})")
    ax.legend(loc="lower right")
    chosen = np.unique(np.linspace(0, len(front) - 1, min(8, len(front))).round().astype(int)) if len(front) else []
    place_labels(fig, ax, [(front[cost].iloc[i], front["average"].iloc[i],
                            front["model_id"].iloc[i].split("/")[-1][:30]) for i in chosen])
    figures.save(fig, name)


def type_breakdown(table: pd.DataFrame, figures: Figures) -> None:
    groups = [(t, g["average"].dropna().to_numpy()) for t, g in table[["type", "average"]].groupby("type")]
    groups = [(t, v) for t, v in groups if len(v)]
    groups.sort(key=lambda item: np.median(item[1]))
    fig, ax = plt.subplots(figsize=(8, 1.2 + 0.45 * len(groups)))
    ax.boxplot([v for _, v in groups], tick_labels=[f"{t} (n={len(v):,})" for t, v in groups], showfliers=False,
               orientation="horizontal")
    ax.set(ylabel="Model type (leaderboard)", xlabel="Average score (%)", title="Average score by model type")
    figures.save(fig, "type_breakdown")


def draw_all(table: pd.DataFrame, results: dict[str, dict[str, Any]], figures: Figures) -> list[str]:
    with plt.rc_context(STYLE):
        size_distribution(table, figures)
        size_vs_score(table, figures, log=False)
        size_vs_score(table, figures, log=True)
        efficiency_plot(table, figures, "params_b", "Parameters (billions)", "per billion", "efficiency_size",
                        results["efficiency_size"])
        efficiency_plot(table, figures, "co2_kg", "Evaluation CO₂ (kg)", "per kg", "efficiency_co2",
                        results["efficiency_co2"])
        type_breakdown(table, figures)
    return figures.files


def describe(results: dict[str, dict[str, Any]], density: dict[str, Any]) -> dict[str, dict[str, str]]:
    """Caption and text alternative of every figure, from the numbers it shows."""
    p, fit = results["pearson_log_size"], results["ols_log_size"]
    size, co2 = results["efficiency_size"], results["efficiency_co2"]
    types = sorted(results["by_type"]["groups"], key=lambda g: -(g["mean_average"] or 0))
    text = {
        "size_distribution": ("Distribution of model sizes", f"Histogram of {p['n']:,} model sizes on a log scale."),
        "size_vs_score_linear": ("Size against average score (linear)",
                                 f"Scatter of average score against size; Pearson r = "
                                 f"{results['pearson_size']['statistic']:.2f} (n = {p['n']:,}), OLS line drawn over "
                                 "the data's range." + _drawn(p["n"])),
        "size_vs_score_log": ("Size against average score (log)",
                              f"Scatter on a log size axis; r = {p['statistic']:.2f}; each tenfold size adds "
                              f"{fit['statistic']:.1f} points (95% CI {fit['ci95'][0]:.1f} to {fit['ci95'][1]:.1f})."
                              + _drawn(p["n"])),
        "efficiency_size": ("Score against size, with the Pareto frontier",
                            f"{size['n']:,} models scoring at least {size['floor']:g} points; "
                            f"{len(size['pareto'])} on the frontier, from "
                            f"{_ends(size['pareto'], 'params_b', ' B')}." + _drawn(size["n"])),
        "efficiency_co2": ("Score against evaluation CO₂, with the Pareto frontier",
                           f"{co2['n']:,} models scoring at least {co2['floor']:g} points; "
                           f"{len(co2['pareto'])} on the frontier, from {_ends(co2['pareto'], 'co2_kg', ' kg')}."
                           + _drawn(co2["n"])),
        "type_breakdown": ("Average score by model type",
                           "Box plots per type; highest mean: " + ", ".join(
                               f"{g['type']} {g['mean_average']:.1f} (n = {g['n']:,})" for g in types[:3]) + "."),
    }
    if density.get("doubling_months"):
        low, high = density["doubling_months_ci95"]
        text["density_over_time"] = (
            "Size needed for a fixed score over time",
            f"Models near {density['score_level']:g} points by upload date; the fitted size needed halves every "
            f"{density['doubling_months']:.1f} months (95% CI {_months(low)} to {_months(high)}), against the "
            "densing law's 3.3 months (dashed).")
    return {k: {"caption": c, "alt": a} for k, (c, a) in text.items()}


def _drawn(n: int) -> str:
    return (f" Drawn: a random sample of {MAX_POINTS:,} points; every statistic uses all {n:,} models."
            if n > MAX_POINTS else "")


def _ends(front: list[dict[str, Any]], cost: str, unit: str) -> str:
    if not front:
        return "no model"
    first, last = front[0], front[-1]
    return (f"{first['model_id']} ({first[cost]:.3g}{unit}, {first['average']:.1f} points) to "
            f"{last['model_id']} ({last[cost]:.3g}{unit}, {last['average']:.1f} points)")


def _months(value: float | None) -> str:
    return "unbounded" if value is None else f"{value:.1f}"
