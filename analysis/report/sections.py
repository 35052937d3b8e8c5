"""The report's sections for populations, data quality, published findings, groups, density, change."""

from __future__ import annotations

import html
from typing import Any

from analysis.html import Links, Raw, num, section, table
from analysis.populations import HEADLINE, POPULATION_IDS

LABELS = {"pearson_size": "Pearson r, size", "pearson_log_size": "Pearson r, log10 size",
          "spearman_size": "Spearman ρ, size", "ols_log_size": "OLS points per tenfold size",
          "welch_license": "open − restricted, mean points (Welch)",
          "mann_whitney_license": "open vs restricted, rank-biserial r"}


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
                   "The original study measured r ≈ 0.75 between size and average score on the top 100 downloaded "
                   "text-generation models; compare that column with the full join and the whole board. Each cell: "
                   "value [95% CI], n. The main population of the other sections is "
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
    run_table = table(runs, [(c, c) for c in ("spider", "status", "reason", "items", "dropped", "responses",
                                              "http_429", "errors", "file")]) if runs else \
        "<p>No run records (DATA_DIR/_runs/*.json) were found for this data.</p>"
    return section("quality", "Data quality, before the statistics",
                   "Each rule says what it matched and what the analysis did: excluded sizes are left out of every "
                   "size statistic and figure, corrected ones use the better source. The crawls' own counts come "
                   "from their run records.",
                   table(rows, [("id", "id"), ("rule", "rule"), ("count", "models"), ("action", "action")])
                   + details + "<h3>The crawls' own counts</h3>" + run_table)


def published_section(published: dict[str, Any], links: Links) -> str:
    rows = []
    for key, f in published["findings"].items():
        numbers = {k: v for k, v in f.items() if k not in ("claim", "rule", "verdict", "found", "leaders", "test")}
        if "found" in f:
            numbers |= {name: (f"rank {hit['rank']} ({hit['model_id']})" if hit else "not on the board")
                        for name, hit in f["found"].items()}
        text = "; ".join(f"{k.replace('_', ' ')} {num(v)}" for k, v in numbers.items())
        verdict = f["verdict"]
        badge = f'<span class="verdict-{verdict.replace(" ", "-")}">{html.escape(verdict)}</span>'
        rows.append({"id": key, "claim": f["claim"], "board": text, "rule": f["rule"], "verdict": Raw(badge)})
    return section("published", "Published findings, checked",
                   f"Source: {published['source']}. Each claim beside what this board says, the rule used for the "
                   "verdict, and the verdict. The post used 2,796 models; the final board has more.",
                   table(rows, [("id", "id"), ("claim", "claim"), ("board", "this board"), ("rule", "rule"),
                                ("verdict", "verdict")]))


def groups_section(groups: dict[str, Any]) -> str:
    rows = []
    for key, c in groups["comparisons"].items():
        welch, mw = c.get("welch") or {}, c.get("mann_whitney") or {}
        rows.append({"id": key, "groups": " vs ".join(c["groups"]), "n": " / ".join(f"{n:,}" for n in c["n_groups"]),
                     "mean_a": c["means"][0], "mean_b": c["means"][1],
                     "difference": (welch.get("effect_size") or {}).get("mean_difference"),
                     "ci": f"{num((welch.get('ci95') or [None])[0])} to {num((welch.get('ci95') or [None, None])[1])}",
                     "g": (welch.get("effect_size") or {}).get("hedges_g"), "p_holm": welch.get("p_holm"),
                     "r": (mw.get("effect_size") or {}).get("rank_biserial"), "mw_p_holm": mw.get("p_holm")})
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
