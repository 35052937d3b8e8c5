"""Caption and text alternative of every figure, from the numbers it shows (no matplotlib here: the
parent process writes them while a worker draws; analysis/report/figure_worker.py)."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

MAX_POINTS = 20_000  # scatter plots sample down to this many points (the statistics use all)


def describe(results: dict[str, dict[str, Any]], density: dict[str, Any]) -> dict[str, dict[str, str]]:
    """Caption and text alternative of every figure, from the numbers it shows."""
    p, fit = results["pearson_log_size"], results["ols_log_size"]
    size, co2 = results["efficiency_size"], results["efficiency_co2"]
    types = sorted([g for g in results["by_type"]["groups"] if _finite(g["mean_average"])],
                   key=lambda g: -g["mean_average"])
    linear = results["pearson_size"]
    slope = (fit["note"] + ", no OLS line" if fit.get("note") else
             f"each tenfold size adds {fit['statistic']:.1f} points (95% CI {fit['ci95'][0]:.1f} to "
             f"{fit['ci95'][1]:.1f})")
    text = {
        "size_distribution": ("Distribution of model sizes", f"Histogram of {p['n']:,} model sizes on a log scale."),
        "size_vs_score_linear": ("Size against average score (linear)",
                                 f"Scatter of average score against size; Pearson "
                                 f"{_r(linear)} (n = {p['n']:,}), "
                                 + ("no OLS line (" + fit["note"] + ")." if fit.get("note") else
                                    "OLS line drawn over the central 98% of sizes, within the observed "
                                    "scores.") + _drawn(p["n"])),
        "size_vs_score_log": ("Size against average score (log)",
                              f"Scatter on a log size axis; {_r(p)}; "
                              f"{slope}." + _drawn(p["n"])),
        "efficiency_size": ("Score against size, with the Pareto frontier",
                            f"{size['n']:,} models scoring at least {size['floor']:g} points; "
                            f"{len(size['pareto'])} on the frontier, from "
                            f"{_ends(size['pareto'], 'params_b', ' B')}." + _drawn(size["n"])),
        "efficiency_co2": ("Score against evaluation CO₂, with the Pareto frontier",
                           f"{co2['n']:,} models scoring at least {co2['floor']:g} points; "
                           f"{len(co2['pareto'])} on the frontier, from {_ends(co2['pareto'], 'co2_kg', ' kg')}."
                           + _drawn(co2["n"])),
        "type_breakdown": ("Average score by model type",
                           "Box plots per type; highest mean: " + (", ".join(
                               f"{g['type']} {g['mean_average']:.1f} (n = {g['n']:,})" for g in types[:3])
                               or "none") + "."),
    }
    if density.get("doubling_months"):
        low, high = density["doubling_months_ci95"]
        text["density_over_time"] = (
            "Size needed for a fixed score over time",
            f"Models near {density['score_level']:g} points by upload date; the fitted size needed halves every "
            f"{density['doubling_months']:.1f} months (95% CI {_months(low)} to {_months(high)}), against the "
            "densing law's 3.3 months (dashed)." + _drawn(density.get("n_near_level", 0), "models near that level"))
    return {k: {"caption": c, "alt": a} for k, (c, a) in text.items()}


def _r(stat: dict[str, Any]) -> str:
    """A correlation for a caption, or why there is none."""
    return stat["note"] if stat.get("note") else f"r = {stat['statistic']:.2f}"


def _finite(value: Any) -> bool:
    return isinstance(value, (int, float)) and math.isfinite(value)


def _drawn(n: int, of: str = "models") -> str:
    return (f" Drawn: a random sample of {MAX_POINTS:,} points; every statistic uses all {n:,} {of}."
            if n > MAX_POINTS else "")


def _ends(front: list[dict[str, Any]], cost: str, unit: str) -> str:
    if not front:
        return "no model"
    first, last = front[0], front[-1]
    return (f"{first['model_id']} ({first[cost]:.3g}{unit}, {first['average']:.1f} points) to "
            f"{last['model_id']} ({last[cost]:.3g}{unit}, {last['average']:.1f} points)")


def _months(value: float | None) -> str:
    return "unbounded" if value is None else f"{value:.1f}"


def evals_panels(evals: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """The Community Evals tasks drawn as panels: those with a Pareto frontier (>= 10 sized models)."""
    return [(k, t) for k, t in evals.get("tasks", {}).items() if t.get("pareto")]


def evals_figure_text(rows: pd.DataFrame | None, evals: dict[str, Any]) -> dict[str, str] | None:
    """Caption and text alternative of the figure `evals_figure` draws (None: no figure)."""
    panels = evals_panels(evals)
    if rows is None or not panels:
        return None
    described = "; ".join(f"{k}: n = {t['n_sized']}, Spearman ρ " + (
        t["spearman_size"]["note"] if t["spearman_size"].get("note") else f"= {t['spearman_size']['statistic']:.2f}")
        for k, t in panels)
    return {"caption": "Community Evals: score against size per benchmark task",
            "alt": f"One panel per task with sized models, Pareto frontier in red. {described}."}
