"""results.json and a self-contained report.html (figures embedded, tables, findings in plain words)."""

from __future__ import annotations

import base64
import html
import json
import math
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from analysis.load import __doc__ as TABLE_DOC

FIGURE_CAPTIONS = {
    "size_distribution": "Distribution of model sizes",
    "size_vs_score_linear": "Size against average score (linear)",
    "size_vs_score_log": "Size against average score (log)",
    "efficiency_size": "Score against size, with the Pareto frontier",
    "efficiency_co2": "Score against evaluation CO₂, with the Pareto frontier",
    "type_breakdown": "Average score by model type",
}


def _num(value: Any, digits: int = 2) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, float) and (abs(value) < 10 ** -digits and value != 0):
        return f"{value:.2e}"
    return f"{value:,.{digits}f}" if isinstance(value, float) else f"{value:,}"


def findings(results: dict[str, dict[str, Any]]) -> list[str]:
    """The headline results in plain words, computed from the statistics (nothing hard-coded)."""
    out = []
    p = results["pearson log10 size_b vs average"]
    fit = results["ols average ~ log10 size_b"]
    lo, hi = fit["ci95"]
    out.append(
        f"Size buys score, with diminishing returns: across {p['n']:,} models the average score correlates with "
        f"log10 size at r = {p['statistic']:.2f} (95% CI {p['ci95'][0]:.2f} to {p['ci95'][1]:.2f}); each tenfold "
        f"increase in parameters adds {fit['statistic']:.1f} points (95% CI {lo:.1f} to {hi:.1f}), "
        f"and size explains {100 * fit['effect_size']['r_squared']:.0f}% of the variance.")
    lin = results["pearson size_b vs average"]
    out.append(f"On a linear size axis the correlation is r = {lin['statistic']:.2f}; Spearman's rank correlation, "
               f"which ignores the scale, is {results['spearman size_b vs average']['statistic']:.2f}.")
    welch = results.get("welch open vs restricted average")
    if welch:
        mw = results["mann_whitney open vs restricted average"]
        diff = welch["effect_size"]["mean_difference"]
        verdict = "a significant" if welch["p_value"] < 0.05 else "no significant"
        out.append(
            f"Open licenses against restricted ones: {verdict} difference in average score at the 5% level "
            f"(open minus restricted {diff:+.2f} points, 95% CI {welch['ci95'][0]:.2f} to {welch['ci95'][1]:.2f}, "
            f"Welch p = {welch['p_value']:.3g}, Hedges' g = {welch['effect_size']['hedges_g']:.2f}; Mann-Whitney "
            f"p = {mw['p_value']:.3g}, rank-biserial r = {mw['effect_size']['rank_biserial']:.2f}; "
            f"n = {welch['n_groups'][0]:,} open, {welch['n_groups'][1]:,} restricted).")
    for key, unit in (("efficiency score per billion parameters", "per billion parameters"),
                      ("efficiency score per kg CO2", "per kg of evaluation CO₂")):
        eff = results[key]
        top = ", ".join(t["model_id"] for t in eff["top"][:3])
        out.append(f"Score {unit}: median {eff['statistic']:.2f} (IQR {eff['effect_size']['q1']:.2f}–"
                   f"{eff['effect_size']['q3']:.2f}, n = {eff['n']:,}); the most efficient are {top}; "
                   f"{len(eff['pareto'])} models sit on the Pareto frontier.")
    types = results["by_type"]
    if types.get("statistic") is not None:
        best = max(types["groups"], key=lambda g: g["mean_average"])
        out.append(f"Model types differ (Kruskal-Wallis H = {types['statistic']:.1f}, p = {types['p_value']:.3g}, "
                   f"ε² = {types['effect_size']['epsilon_squared']:.3f}); {best['type']} models score highest on "
                   f"average ({best['mean_average']:.1f}).")
    return out


def results_document(table: pd.DataFrame, statistics: list[dict[str, Any]], meta: dict[str, Any]) -> dict[str, Any]:
    return {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        **meta,
        "n_models": int(len(table)),
        "size_sources": {str(k): int(v) for k, v in table["size_source"].value_counts(dropna=False).items()},
        "table_doc": TABLE_DOC,
        "statistics": statistics,
    }


def stats_table(statistics: list[dict[str, Any]]) -> str:
    rows = []
    for s in statistics:
        effect = ", ".join(f"{k} {_num(v, 3)}" for k, v in (s.get("effect_size") or {}).items())
        ci = s.get("ci95")
        ci_text = f"{_num(ci[0], 3)} to {_num(ci[1], 3)}" if ci else "–"
        rows.append(f"<tr><td>{html.escape(s['name'])}</td><td>{_num(s.get('n'), 0)}</td>"
                    f"<td>{_num(s.get('statistic'), 3)}</td><td>{_num(s.get('p_value'), 4)}</td>"
                    f"<td>{html.escape(effect)}</td><td>{ci_text}</td><td>{html.escape(s['method'])}</td></tr>")
    return ("<table><thead><tr><th>statistic</th><th>n</th><th>value</th><th>p</th><th>effect size</th>"
            "<th>95% CI</th><th>method</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>")


def top_table(entries: list[dict[str, Any]], columns: list[str]) -> str:
    head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
    def cell(value: Any) -> str:
        return html.escape(_num(value) if value is None or isinstance(value, float) else str(value))

    body = "".join("<tr>" + "".join(f"<td>{cell(e[c])}</td>" for c in columns) + "</tr>" for e in entries)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def comparison_section(comparison: dict[str, Any] | None) -> str:
    if not comparison:
        return ""
    c = comparison
    summary = (f"<p>Snapshot {html.escape(c['newer'])} against {html.escape(c['older'])}: {c['models_in_both']:,} "
               f"models in both, {c['n_added']:,} added, {c['n_removed']:,} removed; median change "
               f"{_num(c['median_downloads_change'], 0)} downloads and {_num(c['median_likes_change'], 0)} likes "
               f"per model (totals {_num(c['total_downloads_change'], 0)} and {_num(c['total_likes_change'], 0)}).</p>")
    return ("<h2>Change between snapshots</h2>" + summary + "<h3>Largest growth in likes</h3>"
            + top_table(c["top_likes_growth"], ["model_id", "likes_change"])
            + "<h3>Largest growth in downloads</h3>"
            + top_table(c["top_downloads_growth"], ["model_id", "downloads_change"]))


def write_html(path: Path, figures_dir: Path, results: dict[str, dict[str, Any]], document: dict[str, Any]) -> None:
    figures = []
    for name, caption in FIGURE_CAPTIONS.items():
        data = base64.b64encode((figures_dir / f"{name}.png").read_bytes()).decode()
        svg = f' (<a href="figures/{name}.svg">SVG</a>)' if (figures_dir / f"{name}.svg").exists() else ""
        figures.append(f'<figure><img alt="{html.escape(caption)}" src="data:image/png;base64,{data}">'
                       f"<figcaption>{html.escape(caption)}{svg}</figcaption></figure>")
    types = results["by_type"]["groups"]
    per_b = results["efficiency score per billion parameters"]["top"]
    per_kg = results["efficiency score per kg CO2"]["top"]
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>llmbench report</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em; color: #222; }}
table {{ border-collapse: collapse; margin: 1em 0; font-size: 0.85em; }}
th, td {{ border: 1px solid #ddd; padding: 4px 8px; text-align: left; vertical-align: top; }}
th {{ background: #f4f4f4; }}
figure {{ margin: 1.5em 0; }} figure img {{ max-width: 100%; }} figcaption {{ color: #555; font-size: 0.9em; }}
.meta {{ color: #666; font-size: 0.9em; }}
</style></head><body>
<h1>llmbench report</h1>
<p class="meta">Generated {html.escape(document['generated_at'])};
population <b>{html.escape(document['population'])}</b>, {document['n_models']:,} models;
data {html.escape(str(document['data_dir']))}, snapshots
{html.escape(json.dumps(document['snapshots']))}; sizes from {html.escape(json.dumps(document['size_sources']))}.</p>
<h2>Findings</h2>
<ul>{''.join(f'<li>{html.escape(f)}</li>' for f in findings(results))}</ul>
<h2>Figures</h2>
{''.join(figures)}
<h2>Statistics</h2>
{stats_table(document['statistics'])}
<h2>Most efficient models</h2>
<h3>Average score per billion parameters</h3>
{top_table(per_b, ['model_id', 'score_per_b', 'params_b', 'average'])}
<h3>Average score per kg of evaluation CO₂</h3>
{top_table(per_kg, ['model_id', 'score_per_kg', 'co2_kg', 'average'])}
<h2>By model type</h2>
{top_table(types, ['type', 'n', 'mean_average', 'median_params_b', 'median_score_per_b'])}
{comparison_section(document.get('comparison'))}
<h2>The table</h2>
<pre>{html.escape(TABLE_DOC or '')}</pre>
</body></html>
"""
    path.write_text(page, encoding="utf-8")
