"""report.html: the findings in words, then one section per question, each with how to read it.

Every section renders numbers of the results document (results.json); analysis/report/html.py holds
the building blocks (tables, numbers, the page shell).
"""

from __future__ import annotations

import base64
import html
import json
import math
from pathlib import Path
from typing import Any

from analysis.report import audit_sections
from analysis.report.claims_section import claims_section
from analysis.report.html import Links, Raw, Shown, num, page, section, table
from analysis.report.methods import (
    MIN_CLAIM_N,
    ORIGINAL_STUDY,
    banner,
    ci_text,
    claimable,
    iqr_text,
    methods_section,
    p_text,
    provenance_header,
)
from analysis.statistics.estimates import NOT_ENOUGH
from analysis.statistics.populations import HEADLINE, POPULATION_IDS

LABELS = {"pearson_size": "Pearson r, size", "pearson_log_size": "Pearson r, log10 size",
          "spearman_size": "Spearman ρ, size", "ols_log_size": "OLS points per tenfold size",
          "welch_license": "open − restricted, mean points (Welch)",
          "mann_whitney_license": "open vs restricted, rank-biserial r"}


# Every board model has open weights: the licence comparison is permissive against restricted open-weight
# licences, unadjusted for size (the size-adjusted estimate is in "Open-weight licences").
LICENCE_GROUPS = ("Permissive against restricted open-weight licences (raw, not adjusted for size; the "
                  "size-adjusted estimate is under \"Open-weight licences: permissive vs restricted\")")

def _cell(stat: dict[str, Any] | None) -> str:
    if not stat:
        return "–"
    if stat.get("note"):  # not computable on this data: the reason, not a number
        return f"{stat['note']}, n = {num(stat.get('n'))}"
    value = stat["effect_size"]["rank_biserial"] if "rank_biserial" in (stat.get("effect_size") or {}) \
        else stat["effect_size"]["mean_difference"] if "mean_difference" in (stat.get("effect_size") or {}) \
        else stat["statistic"]
    ci = stat.get("ci95") or [None, None]
    return f"{num(value)} [{num(ci[0])}, {num(ci[1])}], n = {num(stat.get('n'))}"


def populations_section(populations: dict[str, Any]) -> str:
    rows = [{"statistic": LABELS[k], **{p: _cell(populations[p]["statistics"].get(k)) for p in POPULATION_IDS}}
            for k in HEADLINE]
    rows.insert(0, {"statistic": "models", **{p: num(populations[p]["n_models"]) for p in POPULATION_IDS}})
    notes = "".join(f"<li><b>{p}</b>: {html.escape(populations[p]['description'])}"
                    f"{' — ' + html.escape(populations[p]['note']) if populations[p].get('note') else ''}</li>"
                    for p in POPULATION_IDS)
    return section("populations", "Three populations side by side",
                   f"Source of the reference figure: {ORIGINAL_STUDY}. Compare the top-downloads column with the full "
                   "join and the whole board. Each cell: value [95% CI], n. The main population of the other "
                   "sections is "
                   f"'{populations['main']}'.",
                   f"<ul>{notes}</ul>" + table(rows, [("statistic", "statistic"), *[(p, p) for p in POPULATION_IDS]]))


def quality_section(quality: dict[str, Any], links: Links) -> str:
    rows = [{"id": k, "rule": r["rule"], "count": r["count"], "action": r["action"]}
            for k, r in quality["rules"].items()]
    details = "".join(
        f"<details><summary>{html.escape(k)}: examples ({len(r['examples'])} of {r['count']:,})</summary>"
        + table(r["examples"], [(c, c) for c in (r["examples"][0] if r["examples"] else {})], links, digits=3)
        + "</details>" for k, r in quality["rules"].items() if r["examples"])
    runs = quality.get("runs") or []
    run_table = table(runs, [(c, c) for c in ("spider", "status", "reason", "items", "rows", "dropped", "responses",
                                              "http_429", "errors", "file")]) if runs else \
        "<p>No run records (DATA_DIR/_runs/*.json) were found for this data.</p>"
    return section("quality", "Data quality, before the statistics",
                   "Each rule says what it matched and what the analysis did: excluded sizes are left out of every "
                   "size statistic and figure, corrected ones use the better source. The crawls' own counts come "
                   "from their run records.",
                   table(rows, [("id", "id"), ("rule", "rule"), ("count", "models"), ("action", "action")])
                   + details + "<h3>The crawls' own counts</h3>" + run_table)


def groups_section(groups: dict[str, Any]) -> str:
    rows = []
    for key, c in groups["comparisons"].items():
        welch, mw = c.get("welch") or {}, c.get("mann_whitney") or {}
        rows.append({"id": key, "groups": " vs ".join(c["groups"]), "n": " / ".join(f"{n:,}" for n in c["n_groups"]),
                     "mean_a": c["means"][0], "mean_b": c["means"][1],
                     "difference": (welch.get("effect_size") or {}).get("mean_difference"),
                     "ci": f"{num((welch.get('ci95') or [None])[0])} to {num((welch.get('ci95') or [None, None])[1])}",
                     "g": (welch.get("effect_size") or {}).get("hedges_g"),
                     "p_holm": Shown(p_text(welch.get("p_holm")), welch.get("p_holm")),
                     "r": (mw.get("effect_size") or {}).get("rank_biserial"),
                     "mw_p_holm": Shown(p_text(mw.get("p_holm")), mw.get("p_holm"))})
    return section("groups", "Group comparisons",
                   "Average score of each pair of groups on the whole board. Hedges' g and the rank-biserial r say "
                   "how large the difference is; p-values are Holm-corrected across the four comparisons.",
                   table(rows, [("id", "id"), ("groups", "groups"), ("n", "n"), ("mean_a", "mean, first"),
                                ("mean_b", "mean, second"), ("difference", "difference"), ("ci", "95% CI"),
                                ("g", "Hedges' g"), ("p_holm", "Welch p (Holm)"), ("r", "rank-biserial r"),
                                ("mw_p_holm", "Mann-Whitney p (Holm)")], digits=3))


def density_section(density: dict[str, Any]) -> str:
    if not density.get("doubling_months"):
        body = f"<p>No doubling time: {html.escape(density.get('note', 'the fitted size needed does not fall'))}.</p>"
    else:
        low, high = density["doubling_months_ci95"]
        body = (f"<p>From {density['start']} to {density['end']} ({density['n']:,} models), the size needed for a "
                f"fixed score halves every <b>{density['doubling_months']:.1f} months</b> (95% CI {num(low, 1)} to "
                f"{num(high, 1)}; – means unbounded), against the densing law's {density['densing_law_months']} "
                f"months. Fit: {density['slope_log_size']:.2f} points per tenfold size, "
                f"{density['slope_per_month']:+.3f} points per month, R² = {density['r_squared']:.2f}.</p>")
    return section("density", "Capability density over time", density["method"], body)


def comparison_section(comparison: dict[str, Any] | None, links: Links) -> str:
    if not comparison:
        return ""
    c = comparison
    summary = (f"<p>Snapshot {html.escape(c['newer'])} against {html.escape(c['older'])}: {c['models_in_both']:,} "
               f"models in both, {c['n_added']:,} added, {c['n_removed']:,} removed; median change "
               f"{num(c['median_downloads_change'], 0)} downloads and {num(c['median_likes_change'], 0)} likes "
               f"per model (totals {num(c['total_downloads_change'], 0)} and {num(c['total_likes_change'], 0)}).</p>")
    return section("change", "Change between snapshots", "Growth of downloads and likes of the models in both "
                   "snapshots of hub_models.", summary + "<h3>Largest growth in likes</h3>"
                   + table(c["top_likes_growth"], [("model_id", "model"), ("likes_change", "likes")], links, 0)
                   + "<h3>Largest growth in downloads</h3>"
                   + table(c["top_downloads_growth"], [("model_id", "model"), ("downloads_change", "downloads")],
                           links, 0))


EVALS_HOW = ("Live scores filed on the Hub (Community Evals), per benchmark and task. The scale column says how values "
       "were read: percentages as filed, fractions ×100, lower-is-better metrics kept apart. Spearman ρ [95% CI] "
       "and the OLS slope (points per tenfold size) appear where at least 10 models have a size.")


def evals_section(evals: dict[str, Any]) -> str:
    if not evals.get("available"):
        return section("community-evals", "Community Evals", EVALS_HOW, f"<p>{html.escape(evals.get('note', ''))}</p>")
    rows = []
    for key, t in evals["tasks"].items():
        rho, slope = t.get("spearman_size"), t.get("ols_log_size")
        licenses = t.get("licenses") or {}
        rows.append({"id": key, "scale": t["scale"], "models": t["n_models"], "verified": t["verified_share"],
                     "community": t["community_share"], "sized": t.get("n_sized"), "median": t.get("median_score"),
                     "rho": _rho(rho), "slope": slope["statistic"] if slope else None,
                     "open": (licenses.get("open") or {}).get("median"),
                     "restricted": (licenses.get("restricted") or {}).get("median"),
                     "frontier": len(t.get("pareto") or []), "left_out": t.get("ambiguous_values", 0)})
    both = [{"dataset": d, "n": e["n"], "r": (e.get("pearson") or {}).get("statistic"),
             "difference": e.get("mean_difference_live_minus_board"),
             "caveat": "; ".join(x for x in (e.get("note"), e.get("setup_note")) if x) or "–"}
            for d, e in evals["board_vs_live"].items()]
    dropped = [f"{t['ambiguous_values']:,} values of {k}" for k, t in evals["tasks"].items()
               if t.get("ambiguous_values")]
    body = (f"<p>{evals['n_results']:,} results on {evals['n_models']:,} models; "
            f"{evals['untasked_leaderboard_rows']:,} leaderboard rows without a task id left out"
            + (f"; left out as filed on the other scale than their task's (e.g. fractions among percentages): "
               f"{html.escape(', '.join(dropped))}" if dropped else "") + ".</p>"
            + table(rows, [("id", "benchmark:task"), ("scale", "scale"), ("models", "models"),
                           ("verified", "verified share"), ("community", "community share"), ("sized", "sized"),
                           ("median", "median score"), ("rho", "Spearman ρ, size [95% CI]"),
                           ("slope", "points per 10× size"),
                           ("open", "median, open"), ("restricted", "median, restricted"),
                           ("frontier", "Pareto models"), ("left_out", "left out (other scale)")])
            + "<h3>The frozen board against the live scores (models on both)</h3>"
            + (table(both, [("dataset", "benchmark"), ("n", "models"), ("r", "Pearson r"),
                            ("difference", "live − board (points)"), ("caveat", "read with")])
               if both else "<p>No model on both.</p>"))
    return section("community-evals", "Community Evals", EVALS_HOW, body)


def _rho(rho: dict[str, Any] | None) -> str:
    if not rho:
        return "–"
    if rho.get("note"):
        return rho["note"]
    return f"{num(rho['statistic'])} [{num(rho['ci95'][0])}, {num(rho['ci95'][1])}]"


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
            f"log10 size at r = {p['statistic']:.2f} ({ci_text(*p['ci95'])}); each "
            f"tenfold increase in parameters adds {fit['statistic']:.1f} points ({ci_text(lo, hi, 1)}), "
            f"and size explains {100 * fit['effect_size']['r_squared']:.0f}% of the variance.")
    linear, rank = results["pearson_size"], results["spearman_size"]
    out.append(f"On a linear size axis the correlation is {_value('r = ', linear)}; Spearman's rank correlation, "
               f"which ignores the scale, is {_value('', rank)}.")
    welch = results.get("welch_license")
    if welch and welch.get("note"):
        groups = welch.get("n_groups") or ["?", "?"]
        out.append(f"{LICENCE_GROUPS}: {welch['note']} ({groups[0]} permissive, {groups[1]} "
                   "restricted models with a score).")
    elif welch:
        mw = results["mann_whitney_license"]
        verdict = "a significant" if welch["p_value"] < 0.05 else "no significant"
        out.append(
            f"{LICENCE_GROUPS}: {verdict} difference in average score at the 5% level "
            f"(permissive minus restricted {welch['effect_size']['mean_difference']:+.2f} points, "
            f"{ci_text(*welch['ci95'])}, Welch p {_p(welch['p_value'])}, Hedges' g = "
            f"{welch['effect_size']['hedges_g']:.2f}; Mann-Whitney {_mann_whitney(mw)}; "
            f"n = {welch['n_groups'][0]:,} permissive, "
            f"{welch['n_groups'][1]:,} restricted).")
    for key, unit in (("efficiency_size", "per billion parameters"), ("efficiency_co2", "per kg of evaluation CO₂")):
        eff = results[key]
        top = ", ".join(t["model_id"] for t in eff["top"][:3]) or "none"
        if eff.get("note"):
            out.append(f"Score {unit}, among models scoring at least {eff['floor']:g} points: {eff['note']}.")
            continue
        out.append(f"Score {unit}, among models scoring at least {eff['floor']:g} points: median "
                   f"{num(eff['statistic'])} ({iqr_text(eff['effect_size']['q1'], eff['effect_size']['q3'])}, "
                   f"n = {eff['n']:,}); the most efficient are {top}; {len(eff['pareto'])} models sit on the "
                   "Pareto frontier.")
    types = results["by_type"]
    scored = [g for g in types["groups"] if g["mean_average"] is not None and math.isfinite(g["mean_average"])]
    large = [g for g in scored if claimable(g)]  # no "type X scores highest" on a handful of models
    if types.get("statistic") is not None and scored:
        best = max(large, key=lambda g: g["mean_average"]) if large else None
        small = [g for g in scored if not claimable(g) and (best is None or g["mean_average"] > best["mean_average"])]
        out.append(f"Model types differ (Kruskal-Wallis H = {types['statistic']:.1f}, p {_p(types['p_value'])}, "
                   f"ε² = {types['effect_size']['epsilon_squared']:.3f})"
                   + (f"; among types of at least {MIN_CLAIM_N} models, {best['type']} models score highest on "
                      f"average ({best['mean_average']:.1f}, n = {best['n']:,})" if best else
                      f"; no type has {MIN_CLAIM_N} models, so none is called the highest")
                   + (" (higher means on fewer models, too few for a claim: "
                      + ", ".join(f"{g['type']} n = {g['n']}" for g in small) + ")" if small else "") + ".")
    else:
        out.append(f"Model types compared (Kruskal-Wallis): {types.get('note') or NOT_ENOUGH}.")
    return out


def _value(prefix: str, stat: dict[str, Any]) -> str:
    """A statistic's value in words, or why there is none."""
    return stat["note"] if stat.get("note") else f"{prefix}{stat['statistic']:.2f}"


def _mann_whitney(mw: dict[str, Any]) -> str:
    if mw.get("note"):
        return mw["note"]
    return f"p {_p(mw['p_value'])}, rank-biserial r = {mw['effect_size']['rank_biserial']:.2f}"


def _p(p: float | None) -> str:
    """'= 0.928' or '< 1e-4' (a p-value after its letter)."""
    text = p_text(p)
    return text if text.startswith("<") else f"= {text}"


def _numbered(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Frontier rows with the numbers the efficiency figures label their points with."""
    return [{"number": i, **row} for i, row in enumerate(rows, start=1)]


def stats_rows(statistics: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    rows = []
    for key, s in statistics.items():
        effect = s.get("note") or ", ".join(f"{k} {num(v, 3)}" for k, v in (s.get("effect_size") or {}).items())
        ci = s.get("ci95")
        rows.append({"id": key, "name": s["name"], "n": s.get("n"), "value": s.get("statistic"),
                     "p": Shown(p_text(s.get("p_value")), s.get("p_value")), "effect": effect,
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


def _synthetic_cards(document: dict[str, Any]) -> bool:
    """The card results came from a replica that marks `model-index` as made up (results.json provenance)."""
    fields = ((document.get("provenance") or {}).get("replica") or {}).get("synthetic_fields") or {}
    return "model-index" in fields.get("models", [])


def write_html(path: Path, figures_dir: Path, document: dict[str, Any], links: Links) -> None:
    results = document["statistics"]
    eff_size, eff_co2 = results["efficiency_size"], results["efficiency_co2"]
    floor = eff_size["floor"]
    parts = [
        "<h1>llmbench report</h1>",
        banner(document["provenance"]),
        f'<p class="meta">Generated {html.escape(document["generated_at"])}; main population '
        f'<b>{html.escape(document["population"])}</b>, {document["n_models"]:,} models; data '
        f'{html.escape(str(document["data_dir"]))}, snapshots {html.escape(json.dumps(document["snapshots"]))}; '
        f"sizes from {html.escape(json.dumps(document['size_sources']))}. Efficiency floor: {floor:g} points. "
        "Every number is also in results.json.</p>",
        provenance_header(document),
        section("findings", "Findings", "Each sentence is computed from the statistics below; n is the number of "
                "models behind it; each range says what it is (95% CI: confidence interval; IQR: interquartile "
                "range, the middle half of the models). Definitions: Methods and limitations, at the end.",
                "<ul>" + "".join(f"<li>{html.escape(f)}</li>" for f in findings(results)) + "</ul>"),
        populations_section(document["populations"]),
        quality_section(document["quality"], links),
        *audit_sections.before_statistics(document, links),
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
                + "<h3>Pareto frontier: score against size</h3><p>Numbered as in the figure.</p>"
                + table(_numbered(eff_size["pareto"]), [("number", "#"), ("model_id", "model"),
                                                        ("params_b", "parameters (B)"), ("average", "average")], links)
                + "<h3>Pareto frontier: score against evaluation CO₂</h3><p>Numbered as in the figure.</p>"
                + table(_numbered(eff_co2["pareto"]), [("number", "#"), ("model_id", "model"), ("co2_kg", "CO₂ (kg)"),
                                                       ("average", "average")], links)),
        audit_sections.published_section(document["published_findings"], links),
        groups_section(document["groups"]),
        density_section(document["density"]),
        audit_sections.density_frontier_section(document["density"]),
        audit_sections.open_weight_section(document["open_vs_restricted"]) if "open_vs_restricted" in document
        else "",
        evals_section(document["community_evals"]),
        claims_section(document.get("claims_vs_measurements"), document.get("scores"), links,
                       synthetic_cards=_synthetic_cards(document)),
        section("types", "By model type", "The board's own model types; the box plot above shows their spread.",
                table(results["by_type"]["groups"], [("type", "type"), ("n", "n"), ("mean_average", "mean average"),
                                                     ("median_params_b", "median size (B)"),
                                                     ("median_score_per_b", "median points per B")])),
        comparison_section(document.get("comparison"), links),
        methods_section(document),
        section("table", "The tidy table", "models.parquet holds one row per model of the main population with "
                "these columns; docs/analysis.md documents them and results.json's schema.",
                table([{"column": Raw(f"<code>{html.escape(c)}</code>"), "meaning": m}
                       for c, m in document["columns"].items()], [("column", "column"), ("meaning", "meaning")])),
    ]
    path.write_text(page("llmbench report", "".join(parts)), encoding="utf-8")
