"""report.html: the findings in words, then one section per question, each with how to read it."""

from __future__ import annotations

import base64
import html
import json
import math
from pathlib import Path
from typing import Any

from analysis.evals_report import evals_section
from analysis.html import Links, Raw, num, page, section, table
from analysis.sections import (
    comparison_section,
    density_section,
    groups_section,
    populations_section,
    published_section,
    quality_section,
)
from analysis.stats import NOT_ENOUGH


def findings(results: dict[str, dict[str, Any]]) -> list[str]:
    """The headline results in plain words, computed from the statistics (nothing hard-coded)."""
    out = []
    p, fit = results["pearson_log_size"], results["ols_log_size"]
    if p.get("note") or fit.get("note"):
        out.append(f"Size against score (log10 size): {p.get('note') or fit.get('note')} (n = {p['n']:,} models "
                   "with a score and a size).")
    else:
        lo, hi = fit["ci95"]
        out.append(
            f"Size buys score, with diminishing returns: across {p['n']:,} models the average score correlates with "
            f"log10 size at r = {p['statistic']:.2f} (95% CI {p['ci95'][0]:.2f} to {p['ci95'][1]:.2f}); each "
            f"tenfold increase in parameters adds {fit['statistic']:.1f} points (95% CI {lo:.1f} to {hi:.1f}), "
            f"and size explains {100 * fit['effect_size']['r_squared']:.0f}% of the variance.")
    linear, rank = results["pearson_size"], results["spearman_size"]
    out.append(f"On a linear size axis the correlation is {_value('r = ', linear)}; Spearman's rank correlation, "
               f"which ignores the scale, is {_value('', rank)}.")
    welch = results.get("welch_license")
    if welch and welch.get("note"):
        groups = welch.get("n_groups") or ["?", "?"]
        out.append(f"Open licenses against restricted ones: {welch['note']} ({groups[0]} open, {groups[1]} "
                   "restricted models with a score).")
    elif welch:
        mw = results["mann_whitney_license"]
        verdict = "a significant" if welch["p_value"] < 0.05 else "no significant"
        out.append(
            f"Open licenses against restricted ones: {verdict} difference in average score at the 5% level "
            f"(open minus restricted {welch['effect_size']['mean_difference']:+.2f} points, 95% CI "
            f"{welch['ci95'][0]:.2f} to {welch['ci95'][1]:.2f}, Welch p = {welch['p_value']:.3g}, Hedges' g = "
            f"{welch['effect_size']['hedges_g']:.2f}; Mann-Whitney {_mann_whitney(mw)}; "
            f"n = {welch['n_groups'][0]:,} open, "
            f"{welch['n_groups'][1]:,} restricted).")
    for key, unit in (("efficiency_size", "per billion parameters"), ("efficiency_co2", "per kg of evaluation CO₂")):
        eff = results[key]
        top = ", ".join(t["model_id"] for t in eff["top"][:3]) or "none"
        if eff.get("note"):
            out.append(f"Score {unit}, among models scoring at least {eff['floor']:g} points: {eff['note']}.")
            continue
        out.append(f"Score {unit}, among models scoring at least {eff['floor']:g} points: median "
                   f"{num(eff['statistic'])} (IQR {num(eff['effect_size']['q1'])}–{num(eff['effect_size']['q3'])}, "
                   f"n = {eff['n']:,}); the most efficient are {top}; {len(eff['pareto'])} models sit on the "
                   "Pareto frontier.")
    types = results["by_type"]
    scored = [g for g in types["groups"] if g["mean_average"] is not None and math.isfinite(g["mean_average"])]
    if types.get("statistic") is not None and scored:
        best = max(scored, key=lambda g: g["mean_average"])
        out.append(f"Model types differ (Kruskal-Wallis H = {types['statistic']:.1f}, p = {types['p_value']:.3g}, "
                   f"ε² = {types['effect_size']['epsilon_squared']:.3f}); {best['type']} models score highest on "
                   f"average ({best['mean_average']:.1f}).")
    else:
        out.append(f"Model types compared (Kruskal-Wallis): {types.get('note') or NOT_ENOUGH}.")
    return out


def _value(prefix: str, stat: dict[str, Any]) -> str:
    """A statistic's value in words, or why there is none."""
    return stat["note"] if stat.get("note") else f"{prefix}{stat['statistic']:.2f}"


def _mann_whitney(mw: dict[str, Any]) -> str:
    if mw.get("note"):
        return mw["note"]
    return f"p = {mw['p_value']:.3g}, rank-biserial r = {mw['effect_size']['rank_biserial']:.2f}"


def stats_rows(statistics: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    rows = []
    for key, s in statistics.items():
        effect = s.get("note") or ", ".join(f"{k} {num(v, 3)}" for k, v in (s.get("effect_size") or {}).items())
        ci = s.get("ci95")
        rows.append({"id": key, "name": s["name"], "n": s.get("n"), "value": s.get("statistic"),
                     "p": s.get("p_value"), "effect": effect,
                     "ci": f"{num(ci[0], 3)} to {num(ci[1], 3)}" if ci else "–", "method": s["method"]})
    return rows


def figures_html(figures_dir: Path, texts: dict[str, dict[str, str]]) -> str:
    out = []
    for name, text in texts.items():
        png = figures_dir / f"{name}.png"
        if not png.exists():
            continue
        data = base64.b64encode(png.read_bytes()).decode()
        svg = f' (<a href="figures/{name}.svg">SVG</a>)' if (figures_dir / f"{name}.svg").exists() else ""
        out.append(f'<figure id="figure-{name}"><img alt="{html.escape(text["alt"])}" '
                   f'src="data:image/png;base64,{data}"><figcaption><b>{html.escape(text["caption"])}.</b> '
                   f"{html.escape(text['alt'])}{svg}</figcaption></figure>")
    return "".join(out)


def write_html(path: Path, figures_dir: Path, document: dict[str, Any], links: Links) -> None:
    results = document["statistics"]
    eff_size, eff_co2 = results["efficiency_size"], results["efficiency_co2"]
    floor = eff_size["floor"]
    parts = [
        "<h1>llmbench report</h1>",
        f'<p class="meta">Generated {html.escape(document["generated_at"])}; main population '
        f'<b>{html.escape(document["population"])}</b>, {document["n_models"]:,} models; data '
        f'{html.escape(str(document["data_dir"]))}, snapshots {html.escape(json.dumps(document["snapshots"]))}; '
        f"sizes from {html.escape(json.dumps(document['size_sources']))}. Efficiency floor: {floor:g} points. "
        "Every number is also in results.json.</p>",
        section("findings", "Findings", "Each sentence is computed from the statistics below; n is the number of "
                "models behind it and every range is a 95% confidence interval.",
                "<ul>" + "".join(f"<li>{html.escape(f)}</li>" for f in findings(results)) + "</ul>"),
        populations_section(document["populations"]),
        quality_section(document["quality"], links),
        section("figures", "Figures", "Each figure has a text alternative with its key numbers; points are "
                "models, red lines are fits or frontiers drawn only over the data's range.",
                figures_html(figures_dir, document["figures"])),
        section("statistics", "Statistics", "One row per test on the main population; sort by any column. "
                "p is the two-sided p-value; the effect size says how large, the CI how sure.",
                table(stats_rows(results), [("id", "id"), ("name", "statistic"), ("n", "n"), ("value", "value"),
                                            ("p", "p"), ("effect", "effect size"), ("ci", "95% CI"),
                                            ("method", "method")], digits=3)),
        section("efficiency", f"Most efficient models (average ≥ {floor:g} points)",
                f"Score per billion parameters and per kg of evaluation CO₂, only among models averaging at least "
                f"{floor:g} points (flag --floor), so that tiny models near the random baseline do not top the list; "
                "sizes the data-quality rules exclude are left out.",
                "<h3>Average score per billion parameters</h3>"
                + table(eff_size["top"], [("model_id", "model"), ("score_per_b", "points per B"),
                                          ("params_b", "parameters (B)"), ("average", "average")], links)
                + "<h3>Average score per kg of evaluation CO₂</h3>"
                + table(eff_co2["top"], [("model_id", "model"), ("score_per_kg", "points per kg"),
                                         ("co2_kg", "CO₂ (kg)"), ("average", "average")], links)
                + "<h3>Pareto frontier: score against size</h3>"
                + table(eff_size["pareto"], [("model_id", "model"), ("params_b", "parameters (B)"),
                                             ("average", "average")], links)),
        published_section(document["published_findings"], links),
        groups_section(document["groups"]),
        density_section(document["density"]),
        evals_section(document["community_evals"]),
        section("types", "By model type", "The board's own model types; the box plot above shows their spread.",
                table(results["by_type"]["groups"], [("type", "type"), ("n", "n"), ("mean_average", "mean average"),
                                                     ("median_params_b", "median size (B)"),
                                                     ("median_score_per_b", "median points per B")])),
        comparison_section(document.get("comparison"), links),
        section("table", "The tidy table", "models.parquet holds one row per model of the main population with "
                "these columns; docs/analysis.md documents them and results.json's schema.",
                table([{"column": Raw(f"<code>{html.escape(c)}</code>"), "meaning": m}
                       for c, m in document["columns"].items()], [("column", "column"), ("meaning", "meaning")])),
    ]
    path.write_text(page("llmbench report", "".join(parts)), encoding="utf-8")
