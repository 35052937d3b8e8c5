"""report.html sections for the audit of issue 24: the size audit, the efficiency floor, the published
checks as stated, the density frontier beside the mean trend, open-weight licences. Each renders a
results.json section of the same name (docs/analysis.md)."""

from __future__ import annotations

import html
from typing import Any

from analysis.report.html import Links, Raw, num, section, table

_SKIP = ("claim", "rule", "verdict", "found", "leaders", "test", "population", "models")


def size_audit_section(audit: dict[str, Any], links: Links) -> str:
    rows = [{"class": c["class"], "count": c["count"], "action": c["action"], "rule": c["rule"]}
            for c in audit["classes"] if c["count"]]
    details = "".join(
        f"<details><summary>{html.escape(c['class'])}: examples ({len(c['examples'])} of {c['count']:,})</summary>"
        + table(c["examples"], [("model_id", "model"), ("size_before_b", "size before (B)"),
                                ("size_after_b", "size after (B)"), ("base_model_b", "base model (B)"),
                                ("name_label_b", "name label (B)")], links, digits=3) + "</details>"
        for c in audit["classes"] if c["examples"] and c["class"] not in ("checked", "unchecked"))
    return section("size-audit", "Size audit, before any per-parameter claim",
                   f"{audit['method']} Of {audit['n_models']:,} board models, {audit['n_corrected']:,} sizes were "
                   f"corrected and {audit['n_withheld']:,} withheld; {audit['n_moe']:,} are mixtures of experts "
                   f"(active parameters known for {audit['n_moe_active_known']:,}; efficiency uses totals). Every "
                   "per-parameter statistic, Pareto front and published check uses the audited size.",
                   table(rows, [("class", "class"), ("count", "models"), ("action", "action"), ("rule", "rule")])
                   + details)


def floor_section(floor: dict[str, Any]) -> str:
    chance = floor["chance_level"]
    text = (f"{chance['rule']}: n = {chance['n']:,}, median average {num(chance.get('median_average'))}, 95th "
            f"percentile {num(chance.get('p95_average'))}, 99th {num(chance.get('p99_average'))}. "
            f"{floor['justification']}.")
    rows = [{**r, "top_per_b": "; ".join(r["top_per_b"])} for r in floor["sensitivity"]]
    return section("efficiency-floor", f"Why the efficiency floor is {floor['floor']:g} points",
                   floor["method"],
                   f"<p>{html.escape(text)}</p>"
                   + table(rows, [("floor", "floor (points)"), ("n_size", "n sized"),
                                  ("median_score_per_b", "median points per B"), ("pareto_size", "Pareto front (size)"),
                                  ("n_co2", "n with CO₂"), ("median_score_per_kg", "median points per kg"),
                                  ("pareto_co2", "Pareto front (CO₂)"), ("top_per_b", "top 3 per B")]))


def published_section(published: dict[str, Any], links: Links) -> str:
    rows = []
    for key, f in published["findings"].items():
        numbers = {k: v for k, v in f.items() if k not in _SKIP}
        if "found" in f:
            numbers |= {name: (f"rank {hit['rank']} ({hit['model_id']})" if hit else "not on the board")
                        for name, hit in f["found"].items()}
        text = "; ".join(f"{k.replace('_', ' ')} {num(v)}" for k, v in numbers.items())
        verdict = f["verdict"]
        badge = f'<span class="verdict-{verdict.replace(" ", "-")}">{html.escape(verdict)}</span>'
        rows.append({"id": key, "claim": f"“{f['claim']}”", "population": f.get("population", ""),
                     "rule": f["rule"], "board": text, "verdict": Raw(badge)})
    return section("published", "Published findings, checked as stated",
                   f"Source: {published['source']}. Population: {published['population']} "
                   f"({published['n_window']:,} models; the post counted {published['n_post']:,}; the final board "
                   f"has {published['n_board']:,}). Named models are matched by exact id. For each claim: the "
                   "population it was tested on, the verdict rule (fixed before the number), what this board says, "
                   "and the verdict.",
                   table(rows, [("id", "id"), ("claim", "claim (quoted)"), ("population", "population"),
                                ("rule", "verdict rule"), ("board", "this board"), ("verdict", "verdict")]))


def density_frontier_section(density: dict[str, Any]) -> str:
    if "frontier" not in density:
        return ""
    levels = [{"level": k, "n_models": v["n_models"], "quarters": v.get("n_bins"),
               "months": v.get("doubling_months"), "ci": v.get("doubling_months_ci95"), "note": v.get("note", "")}
              for k, v in density["frontier"]["levels"].items()]
    for row in levels:
        ci = row.pop("ci") or [None, None]
        row["ci95"] = f"[{num(ci[0], 1)}, {num(ci[1], 1)}]"
    anchor = density.get("reference_anchor")
    anchor_text = (f"The densing-law reference line is anchored at the frontier's first quarter at "
                   f"{density['score_level']:g} points: {anchor['date']}, {anchor['params_b']:.1f} B."
                   if anchor else "No anchor: the frontier has too few quarters at the drawn level.")
    sources = "".join(f"<li>{html.escape(c)}</li>" for c in density["citations"])
    return section("density-frontier", "Capability density: the frontier, comparable to the densing law",
                   f"The frontier population: {density['frontier']['population']}. Per score level, the smallest "
                   "model reaching it in each quarter; the months are how often the size needed halves (– means "
                   "the fit does not fall or the CI is unbounded). The mean trend above is a different quantity "
                   "(the average model). " + anchor_text,
                   table(levels, [("level", "score level"), ("n_models", "models at or above"),
                                  ("quarters", "quarters"), ("months", "halving (months)"), ("ci95", "95% CI"),
                                  ("note", "note")], digits=1)
                   + "<h3>Population sensitivity</h3>"
                   + table([{**r, "mean_trend_ci95": f"[{num((r['mean_trend_ci95'] or [None])[0], 1)}, "
                                                     f"{num((r['mean_trend_ci95'] or [None, None])[1], 1)}]",
                             "frontier_ci95": f"[{num((r['frontier_ci95'] or [None])[0], 1)}, "
                                              f"{num((r['frontier_ci95'] or [None, None])[1], 1)}]"}
                            for r in density["population_sensitivity"]],
                           [("population", "population"), ("description", "definition"), ("n", "n"),
                            ("mean_trend_months", "mean trend (months)"), ("mean_trend_ci95", "95% CI"),
                            ("frontier_months", "frontier (months)"), ("frontier_ci95", "95% CI")], digits=1)
                   + f"<h3>Sources</h3><ul>{sources}</ul>")


def open_weight_section(comparison: dict[str, Any]) -> str:
    counts = comparison["counts"]
    groups = [{"group": k, "definition": d, "models": counts[k]} for k, d in comparison["groups"].items()]
    adjusted = comparison.get("adjusted")
    if adjusted is None:
        body = f"<p>No group claim: {html.escape(comparison.get('note', ''))}.</p>"
    else:
        ci = adjusted["ci95"]
        body = (f"<p>Among {adjusted['n']:,} sized models, permissive open-weight models average "
                f"{num(comparison['raw_difference_sized'])} points more than restricted ones before adjustment; at "
                f"equal size ({html.escape(adjusted['model'])}) the difference is "
                f"<b>{num(adjusted['open_coefficient'])} points</b> (95% CI {num(ci[0])} to {num(ci[1])}, SE "
                f"{num(adjusted['stderr'])}).</p>")
    return section("open-weight", "Open-weight licences: permissive vs restricted",
                   f"{comparison['method']} Unknown licences: {counts['unknown']:,} models "
                   f"({100 * (comparison['unknown_share'] or 0):.1f} %), left out. No group claim under "
                   f"{comparison['min_group_n']} models.",
                   table(groups, [("group", "group"), ("definition", "definition"), ("models", "models")]) + body)


def before_statistics(document: dict[str, Any], links: Links) -> list[str]:
    """The size audit and the floor, placed before the statistics that rest on them (absent from an
    older results document: nothing)."""
    parts = []
    if "size_audit" in document:
        parts.append(size_audit_section(document["size_audit"], links))
    if "efficiency_floor" in document:
        parts.append(floor_section(document["efficiency_floor"]))
    return parts
