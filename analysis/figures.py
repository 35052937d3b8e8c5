"""The figures, one consistent style, each saved as PNG and SVG under figures/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from analysis.stats import pareto_front, prediction_band  # noqa: E402

STYLE = {"figure.figsize": (8, 5), "figure.dpi": 110, "axes.grid": True, "grid.alpha": 0.3,
         "axes.spines.top": False, "axes.spines.right": False, "font.size": 10, "axes.titlesize": 12}
POINT = {"s": 8, "alpha": 0.35, "color": "#1f77b4", "linewidths": 0, "rasterized": True}
LINE = "#d62728"
MAX_POINTS = 50_000  # scatter plots sample down to this many points (the statistics use all)


def _save(fig: plt.Figure, out: Path, name: str) -> list[str]:
    out.mkdir(parents=True, exist_ok=True)
    files = []
    for ext in ("png", "svg"):
        path = out / f"{name}.{ext}"
        fig.savefig(path, bbox_inches="tight")
        files.append(path.name)
    plt.close(fig)
    return files


def _sample(data: pd.DataFrame) -> pd.DataFrame:
    return data.sample(MAX_POINTS, random_state=0) if len(data) > MAX_POINTS else data


def size_distribution(table: pd.DataFrame, out: Path) -> list[str]:
    sizes = table["params_b"].dropna()
    sizes = sizes[sizes > 0]
    fig, ax = plt.subplots()
    bins = np.logspace(np.log10(sizes.min()), np.log10(sizes.max()), 40)
    ax.hist(sizes, bins=bins, color="#1f77b4", edgecolor="white")
    ax.set_xscale("log")
    ax.set(xlabel="Parameters (billions, log scale)", ylabel="Models",
           title=f"Distribution of model sizes (n = {len(sizes):,})")
    return _save(fig, out, "size_distribution")


def size_vs_score(table: pd.DataFrame, out: Path, log: bool) -> list[str]:
    data = table[np.isfinite(table["log10_params_b"]) & table["average"].notna()]
    x_all = data["log10_params_b"].to_numpy() if log else data["params_b"].to_numpy()
    y_all = data["average"].to_numpy()
    fig, ax = plt.subplots()
    shown = _sample(data)
    ax.scatter(shown["params_b"], shown["average"], **POINT, label="models")
    grid = np.linspace(x_all.min(), x_all.max(), 200)
    line, low, high = prediction_band(x_all, y_all, grid)
    xs = 10 ** grid if log else grid
    ax.plot(xs, line, color=LINE, label="OLS fit")
    ax.fill_between(xs, low, high, color=LINE, alpha=0.2, label="95% confidence band")
    if log:
        ax.set_xscale("log")
    scale = "log scale" if log else "linear scale"
    ax.set(xlabel=f"Parameters (billions, {scale})", ylabel="Average score (%)",
           title=f"Model size against average score, {scale} (n = {len(data):,})")
    ax.legend(loc="lower right")
    return _save(fig, out, f"size_vs_score_{'log' if log else 'linear'}")


def efficiency_plot(table: pd.DataFrame, out: Path, cost: str, label: str, unit: str, name: str,
                    result: dict[str, Any]) -> list[str]:
    data = table[np.isfinite(table[cost]) & table["average"].notna() & (table[cost] > 0)]
    fig, ax = plt.subplots()
    shown = _sample(data)
    ax.scatter(shown[cost], shown["average"], **POINT, label="models")
    front = data.iloc[pareto_front(data[cost].to_numpy(dtype=float), data["average"].to_numpy(dtype=float))]
    ax.step(front[cost], front["average"], where="post", color=LINE, label="Pareto frontier")
    ax.scatter(front[cost], front["average"], color=LINE, s=16, zorder=3)
    labelled = front.iloc[np.unique(np.linspace(0, len(front) - 1, min(6, len(front))).round().astype(int))]
    for n, (_, row) in enumerate(labelled.iterrows()):
        ax.annotate(row["model_id"].split("/")[-1][:30], (row[cost], row["average"]), fontsize=7,
                    xytext=(6, -12 if n % 2 else 6), textcoords="offset points",
                    arrowprops={"arrowstyle": "-", "color": "#999", "lw": 0.5})
    ax.set_xscale("log")
    noun = label.split(" (")[0]
    ax.set(xlabel=f"{label} (log scale)", ylabel="Average score (%)",
           title=f"Average score against {noun[0].lower() + noun[1:]} "
                 f"(median {result['effect_size']['median']:.2f} points {unit})")
    ax.legend(loc="lower right")
    return _save(fig, out, name)


def type_breakdown(table: pd.DataFrame, out: Path) -> list[str]:
    groups = [(t, g["average"].dropna().to_numpy()) for t, g in table.groupby("type")]
    groups = [(t, v) for t, v in groups if len(v)]
    groups.sort(key=lambda item: -np.median(item[1]))
    fig, ax = plt.subplots()
    ax.boxplot([v for _, v in groups], tick_labels=[f"{t}\n(n={len(v)})" for t, v in groups], showfliers=False)
    ax.set(xlabel="Model type (leaderboard)", ylabel="Average score (%)", title="Average score by model type")
    return _save(fig, out, "type_breakdown")


def draw_all(table: pd.DataFrame, results: dict[str, dict[str, Any]], out: Path) -> list[str]:
    with plt.rc_context(STYLE):
        files = size_distribution(table, out)
        files += size_vs_score(table, out, log=False)
        files += size_vs_score(table, out, log=True)
        files += efficiency_plot(table, out, "params_b", "Parameters (billions)", "per billion", "efficiency_size",
                                 results["efficiency score per billion parameters"])
        files += efficiency_plot(table, out, "co2_kg", "Evaluation CO₂ (kg)", "per kg", "efficiency_co2",
                                 results["efficiency score per kg CO2"])
        files += type_breakdown(table, out)
    return files
