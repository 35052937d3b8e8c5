"""The Community Evals section of the report and its figure (small multiples: score against size)."""

from __future__ import annotations

import html
import math
from typing import Any

import pandas as pd

from analysis.html import num, section, table

HOW = ("Live scores filed on the Hub (Community Evals), per benchmark and task. The scale column says how values "
       "were read: percentages as filed, fractions ×100, lower-is-better metrics kept apart. Spearman ρ [95% CI] "
       "and the OLS slope (points per tenfold size) appear where at least 10 models have a size.")


def evals_section(evals: dict[str, Any]) -> str:
    if not evals.get("available"):
        return section("community-evals", "Community Evals", HOW, f"<p>{html.escape(evals.get('note', ''))}</p>")
    rows = []
    for key, t in evals["tasks"].items():
        rho, slope = t.get("spearman_size"), t.get("ols_log_size")
        licenses = t.get("licenses") or {}
        rows.append({"id": key, "scale": t["scale"], "models": t["n_models"], "verified": t["verified_share"],
                     "community": t["community_share"], "sized": t.get("n_sized"), "median": t.get("median_score"),
                     "rho": _rho(rho), "slope": slope["statistic"] if slope else None,
                     "open": (licenses.get("open") or {}).get("median"),
                     "restricted": (licenses.get("restricted") or {}).get("median"),
                     "frontier": len(t.get("pareto") or [])})
    both = [{"dataset": d, "n": e["n"], "r": (e.get("pearson") or {}).get("statistic"),
             "difference": e.get("mean_difference_live_minus_board")} for d, e in evals["board_vs_live"].items()]
    body = (f"<p>{evals['n_results']:,} results on {evals['n_models']:,} models; "
            f"{evals['untasked_leaderboard_rows']:,} leaderboard rows without a task id left out.</p>"
            + table(rows, [("id", "benchmark:task"), ("scale", "scale"), ("models", "models"),
                           ("verified", "verified share"), ("community", "community share"), ("sized", "sized"),
                           ("median", "median score"), ("rho", "Spearman ρ, size"), ("slope", "points per 10× size"),
                           ("open", "median, open"), ("restricted", "median, restricted"),
                           ("frontier", "Pareto models")])
            + "<h3>The frozen board against the live scores (models on both)</h3>"
            + (table(both, [("dataset", "benchmark"), ("n", "models"), ("r", "Pearson r"),
                            ("difference", "live − board (points)")]) if both else "<p>No model on both.</p>"))
    return section("community-evals", "Community Evals", HOW, body)


def _rho(rho: dict[str, Any] | None) -> str:
    if not rho:
        return "–"
    if rho.get("note"):
        return rho["note"]
    return f"{num(rho['statistic'])} [{num(rho['ci95'][0])}, {num(rho['ci95'][1])}]"


def _panels(evals: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [(k, t) for k, t in evals.get("tasks", {}).items() if t.get("pareto")]


def evals_figure_text(rows: pd.DataFrame | None, evals: dict[str, Any]) -> dict[str, str] | None:
    """Caption and text alternative of the figure `evals_figure` draws (None: no figure)."""
    panels = _panels(evals)
    if rows is None or not panels:
        return None
    described = "; ".join(f"{k}: n = {t['n_sized']}, Spearman ρ " + (
        t["spearman_size"]["note"] if t["spearman_size"].get("note") else f"= {t['spearman_size']['statistic']:.2f}")
        for k, t in panels)
    return {"caption": "Community Evals: score against size per benchmark task",
            "alt": f"One panel per task with sized models, Pareto frontier in red. {described}."}


def evals_figure(rows: pd.DataFrame | None, evals: dict[str, Any], figures: Any) -> dict[str, str] | None:
    """Score against size, one panel per score task with sized models, into `figures` (an
    analysis.layout.Figures); its caption and text alternative."""
    text = evals_figure_text(rows, evals)
    if text is None:
        return None
    from analysis.layout import POINT, STYLE, plt  # the figure worker's import, not the statistics'

    panels = _panels(evals)
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
        fig.supylabel("Score (percent)", fontsize=9)
        figures.save(fig, "community_evals")
    return text
