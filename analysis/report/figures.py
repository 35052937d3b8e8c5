"""The report's figures: size distribution, size against score, efficiency frontiers, types, capability
density over time, Community Evals panels. Drawn by the figure worker (analysis/report/figure_worker.py).

Each figure has an id (its file name), a caption and a text alternative built from the numbers it
shows (analysis/report/captions.py, which needs no matplotlib); the numbers themselves are in results.json.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from analysis.report.captions import evals_figure_text, evals_panels
from analysis.report.figure_layout import (
    LINE,
    POINT,
    STYLE,
    Figures,
    legend_outside,
    log_ticks,
    no_data,
    place_labels,
    plain,
    plt,
    sample_points,
)
from analysis.report.fit_range import fit_grid, within_scores
from analysis.statistics.density import DAYS_PER_MONTH, DENSING_LAW_MONTHS, NEAR, dated_sized
from analysis.statistics.estimates import prediction_band

# what the board's scores are (docs: Methods and limitations in the report)
SCORE_LABEL = "Average normalized score (0–100, random baseline removed)"


def size_distribution(table: pd.DataFrame, figures: Figures) -> None:
    sizes = table["params_b"].dropna()
    sizes = sizes[(sizes > 0) & np.isfinite(sizes)]
    fig, ax = plt.subplots()
    if len(sizes):
        low, high = np.log10(sizes.min()), np.log10(sizes.max())
        if low == high:  # one size only: a bin either side of it
            low, high = low - 0.5, high + 0.5
        ax.hist(sizes, bins=np.logspace(low, high, 40), color="#1f77b4", edgecolor="white")
        ax.set_xscale("log")
        log_ticks(ax.xaxis)
    else:
        no_data(ax)
    ax.set(xlabel="Parameters (billions, log scale)", ylabel="Models",
           title=f"Distribution of model sizes (n = {len(sizes):,})")
    figures.save(fig, "size_distribution")


def size_vs_score(table: pd.DataFrame, figures: Figures, log: bool) -> None:
    columns = table[["params_b", "log10_params_b", "average"]]
    data = columns[np.isfinite(columns["log10_params_b"]) & columns["average"].notna()]
    x_all = data["log10_params_b"].to_numpy() if log else data["params_b"].to_numpy()
    y_all = data["average"].to_numpy()
    fig, ax = plt.subplots()
    shown = sample_points(data)
    ax.scatter(shown["params_b"], shown["average"], **POINT, label="models").set_in_layout(False)
    grid = fit_grid(x_all)  # over the central 98% of the data's sizes only (analysis/report/fit_range.py)
    band = prediction_band(x_all, y_all, grid)
    xs = 10 ** grid if log else grid
    if band is not None:  # else the fit is undefined (too few models, or no spread): points only
        line, low, high = band
        keep = within_scores(line, y_all)  # and only where the fit stays within the observed scores
        ax.plot(xs[keep], line[keep], color=LINE, label="OLS fit (over the data's range)")
        ax.fill_between(xs[keep], low[keep], high[keep], color=LINE, alpha=0.2, label="95% confidence band")
    if not len(x_all):
        no_data(ax)
    if log and len(x_all):
        ax.set_xscale("log")
        log_ticks(ax.xaxis)
    ax.set_ylim(bottom=0)  # scores are 0-100
    scale = "log scale" if log else "linear scale"
    ax.set(xlabel=f"Parameters (billions, {scale})", ylabel=SCORE_LABEL,
           title=f"Model size against average score, {scale} (n = {len(data):,})")
    legend_outside(fig, ax)
    figures.save(fig, f"size_vs_score_{'log' if log else 'linear'}")


def efficiency_plot(table: pd.DataFrame, figures: Figures, cost: str, label: str, unit: str, name: str,
                    result: dict[str, Any]) -> None:
    """Score against `cost` (`label`: its name and unit, e.g. "Parameters (billions)") with the Pareto
    frontier; frontier points are numbered as in the report's frontier table, which gives full names."""
    columns = table[[cost, "average"]]
    data = columns[np.isfinite(columns[cost]) & columns["average"].notna() & (columns[cost] > 0)]
    fig, ax = plt.subplots()
    floor = result.get("floor")
    if floor is not None:  # drawn as the statistic uses them: below the floor in grey, marked as left out
        below = data[data["average"] < floor]
        data = data[data["average"] >= floor]
        if not below.empty:
            ax.scatter(below[cost], below["average"], s=4, color="#cccccc", alpha=0.5,
                       label=f"below the {floor:g}-point floor (not used)").set_in_layout(False)
        ax.axhline(floor, color="#999999", lw=0.8, ls="--")
    shown = sample_points(data)
    ax.scatter(shown[cost], shown["average"], **POINT, label="models").set_in_layout(False)
    front = pd.DataFrame(result["pareto"], columns=["model_id", cost, "average"])
    ax.step(front[cost], front["average"], where="post", color=LINE, label="Pareto frontier")
    ax.scatter(front[cost], front["average"], color=LINE, s=16, zorder=3)
    if not data.empty:
        ax.set_xscale("log")
        log_ticks(ax.xaxis)
    noun, _, units = label.partition(" (")
    median = (result.get("effect_size") or {}).get("median")
    ax.set(xlabel=f"{noun} ({units.rstrip(')')}, log scale)" if units else f"{noun} (log scale)", ylabel=SCORE_LABEL,
           title=f"Average score against {noun[0].lower() + noun[1:]} "
                 + (f"(median {median:.2f} points {unit})" if median is not None and np.isfinite(median)
                    else "(not enough data)"))
    if data.empty:
        no_data(ax)
    legend_outside(fig, ax)
    # numbers, not truncated names: the report's frontier table lists each number's full model id
    place_labels(fig, ax, [(front[cost].iloc[i], front["average"].iloc[i], str(i + 1)) for i in range(len(front))])
    figures.save(fig, name)


def type_breakdown(table: pd.DataFrame, figures: Figures) -> None:
    groups = [(t, g["average"].dropna().to_numpy()) for t, g in table[["type", "average"]].groupby("type")]
    groups = [(t, v) for t, v in groups if len(v)]
    groups.sort(key=lambda item: np.median(item[1]))
    fig, ax = plt.subplots(figsize=(8, 1.2 + 0.45 * max(len(groups), 1)))
    if groups:
        ax.boxplot([v for _, v in groups], tick_labels=[plain(f"{t} (n={len(v):,})") for t, v in groups],
                   showfliers=False, orientation="horizontal")
    else:
        no_data(ax)
    ax.set(ylabel="Model type (leaderboard)", xlabel=SCORE_LABEL, title="Average score by model type")
    figures.save(fig, "type_breakdown")


def density_figure(table: pd.DataFrame, result: dict[str, Any], figures: Figures) -> None:
    """The figure `density_over_time`: the models near the score level and the size the fit
    (analysis/statistics/density.py) says that level needs, beside the densing law."""
    data = dated_sized(table)
    level = result["score_level"]
    near = data[(data["average"] - level).abs() <= NEAR]
    drawn = sample_points(near)
    fig, ax = plt.subplots()
    ax.scatter(drawn["upload_date"], 10 ** drawn["log10_params_b"], **POINT,
               label=f"models scoring {level - NEAR:g}-{level + NEAR:g}").set_in_layout(False)
    if result.get("doubling_months"):
        start = np.datetime64(result["start"])
        shown = near["upload_date"] if len(near) else data["upload_date"]  # drawn where models at that level are
        first, last = (np.datetime64(shown.min(), "D"), np.datetime64(shown.max(), "D"))
        days = np.linspace(float((first - start) / np.timedelta64(1, "D")),
                           float((last - start) / np.timedelta64(1, "D")), 100)
        months = days / DAYS_PER_MONTH
        needed = (level - result["intercept"] - result["slope_per_month"] * months) / result["slope_log_size"]
        dates = start + days.astype("timedelta64[D]")
        ax.plot(dates, 10 ** needed, color=LINE,
                label=f"fit: size for {level:g} points halves every {result['doubling_months']:.1f} months")
        anchor = result.get("reference_anchor")  # the frontier's first quarter at this level (density.py)
        if anchor:
            since = (dates - np.datetime64(anchor["date"])) / np.timedelta64(1, "D") / DAYS_PER_MONTH
            law = math.log10(anchor["params_b"]) - since * math.log10(2) / DENSING_LAW_MONTHS
            where = f"from the frontier at {anchor['date']}, {anchor['params_b']:.1f} B"
        else:
            law = needed[0] - (months - months[0]) * math.log10(2) / DENSING_LAW_MONTHS
            where = "from the fit's first date"
        ax.plot(dates, 10 ** law, color="#555", linestyle="--",
                label=f"densing law (arXiv:2412.04315): halves every 3.3 months, {where}")
        front = ((result.get("frontier") or {}).get("levels") or {}).get(f"{level:g}") or {}
        if front.get("points"):
            ax.scatter([np.datetime64(p["quarter"].replace("Q1", "-01").replace("Q2", "-04").replace("Q3", "-07")
                                      .replace("Q4", "-10"), "D") for p in front["points"]],
                       [p["params_b"] for p in front["points"]], marker="v", color="#2ca02c", s=24, zorder=3,
                       label="frontier: smallest official release at the level, per quarter")
    if len(drawn) or result.get("doubling_months"):
        ax.set_yscale("log")
        log_ticks(ax.yaxis)
    else:
        no_data(ax)
    ax.set(xlabel="Upload date", ylabel="Parameters (billions, log scale)",
           title=f"Size needed for an average of {level:g} points over time (n = {result['n']:,})")
    legend_outside(fig, ax)
    figures.save(fig, "density_over_time")


def evals_figure(rows: pd.DataFrame | None, evals: dict[str, Any], figures: Figures) -> dict[str, str] | None:
    """Score against size, one panel per score task with sized models, into `figures`; its caption and
    text alternative."""
    text = evals_figure_text(rows, evals)
    if text is None:
        return None
    panels = evals_panels(evals)
    columns = min(3, len(panels))
    lines = math.ceil(len(panels) / columns)
    with plt.rc_context(STYLE):
        fig, axes = plt.subplots(lines, columns, figsize=(4 * columns, 3 * lines), squeeze=False)
        for ax, (key, task) in zip(axes.flat, panels, strict=False):
            front = pd.DataFrame(task["pareto"])
            points = rows[rows["task"] == key]
            ax.scatter(points["params_b"], points["score"], **POINT).set_in_layout(False)
            ax.step(front["params_b"], front["score"], where="post", color="#d62728", lw=1)
            ax.set_xscale("log")
            ax.set_title(key.split("/")[-1][:28], fontsize=9, parse_math=False)  # Hub text, never mathtext
            ax.tick_params(labelsize=7)
        for ax in axes.flat[len(panels):]:
            fig.delaxes(ax)
        fig.supxlabel("Parameters (billions, log scale)", fontsize=9)
        fig.supylabel("Score (percent, as filed or fraction ×100)", fontsize=9)
        figures.save(fig, "community_evals")
    return text


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


def draw_tables(table: pd.DataFrame, figures: Figures) -> None:
    """The figures drawn from the table alone (the figure worker draws them while the parent computes
    what the others need)."""
    with plt.rc_context(STYLE):
        size_distribution(table, figures)
        size_vs_score(table, figures, log=False)
        size_vs_score(table, figures, log=True)
        type_breakdown(table, figures)


def draw_results(table: pd.DataFrame, board: pd.DataFrame, results: dict[str, dict[str, Any]],
                 trend: dict[str, Any], points: pd.DataFrame | None, community: dict[str, Any],
                 figures: Figures) -> None:
    """The figures that draw computed results: Pareto fronts (`results`' efficiencies), the density
    fit of `board`, the Community Evals panels."""
    with plt.rc_context(STYLE):
        efficiency_plot(table, figures, "params_b", "Parameters (billions)", "per billion", "efficiency_size",
                        results["efficiency_size"])
        efficiency_plot(table, figures, "co2_kg", "Evaluation CO₂ (kg)", "per kg", "efficiency_co2",
                        results["efficiency_co2"])
        density_figure(board, trend, figures)
    evals_figure(points, community, figures)
