"""How the report states numbers and where they come from: p-values, labelled ranges, the n below which
no group claim is written, the provenance header and replica banner, and the one methods-and-limitations
section (definitions and the source of every published figure the report quotes)."""

from __future__ import annotations

import html
import math
from typing import Any

from analysis.report.html import num
from analysis.statistics.estimates import MIN_GROUP_N

P_FLOOR = 1e-4  # below it a p-value is printed "< 1e-4" (results.json keeps the exact value)
MIN_CLAIM_N = MIN_GROUP_N  # no "group X scores highest" for a group of fewer models (e.g. 8 multimodal models)
CO2_KW = 5.6  # the board's evaluation node, 8×H100 (docs/leaderboard.md §8)
CO2_KG_PER_KWH = 0.2698
# Published figures the report quotes, each with its source (docs/analysis.md "Sources").
ORIGINAL_STUDY = ("the original study this project re-runs, as its brief (llmbench issue #6) describes it: "
                  "Pearson r ≈ 0.75 between size and average score on its sample of top-downloaded "
                  "text-generation models; no published source of that figure could be established")
DENSING_LAW = ("Xiao et al., 'Densing Law of LLMs', arXiv:2412.04315 (2024): capability density doubles "
               "≈ every 3.3 months")


def p_text(p: float | None) -> str:
    """A p-value for people: '< 1e-4' below 1e-4, never '0.000'; three decimals above 0.001."""
    if p is None or not isinstance(p, (int, float)) or not math.isfinite(p):
        return "–"
    if p < P_FLOOR:
        return "< 1e-4"
    return f"{p:.4f}" if p < 0.001 else f"{p:.3f}"


def ci_text(low: float | None, high: float | None, digits: int = 2) -> str:
    """A confidence interval, labelled as one ('–' for an unbounded end)."""
    return f"95% CI {num(low, digits)} to {num(high, digits)}"


def iqr_text(q1: float | None, q3: float | None, digits: int = 2) -> str:
    """An interquartile range (the middle half of the models), labelled as one: not a confidence interval."""
    return f"IQR {num(q1, digits)} to {num(q3, digits)}"


def claimable(group: dict[str, Any]) -> bool:
    """A group large enough for a sentence about it (its n is always shown in the tables anyway)."""
    return isinstance(group.get("n"), int) and group["n"] >= MIN_CLAIM_N


def kg_in_node_hours() -> float:
    """Hours of the board's evaluation node one kg of its CO₂ figure stands for."""
    return 1 / (CO2_KW * CO2_KG_PER_KWH)


def _links(endpoints: list[str]) -> str:
    return ", ".join(f"<code>{html.escape(e)}</code>" for e in endpoints) or "not recorded"


def banner(provenance: dict[str, Any]) -> str:
    """The warning at the top of report.html when the data did not come from the real Hub."""
    replica = provenance["replica"]
    if not (replica["used"] or replica["loopback"]):
        return ""
    where = [e for d in provenance["datasets"].values() for e in d["endpoints"]]
    what = ("llmbench's offline <b>replica</b> of huggingface.co" if replica["used"] else
            "a server on this machine (localhost/loopback), not huggingface.co")
    text = (f"<p><b>Data from {what}</b>, served at {_links(sorted(set(where)))}. Model links point there and "
            "work only while it runs.</p>")
    made_up = {answer: fields for answer, fields in replica["synthetic_fields"].items() if fields}
    if made_up:
        meaning = replica.get("model_fields_meaning") or {}
        lists = "; ".join(f"in its {html.escape(answer)} answers: " + ", ".join(
            f"<code>{html.escape(f)}</code>" + (f" ({html.escape(meaning[f])})" if answer == "models" and
                                                 meaning.get(f, f) != f else "") for f in fields)
            for answer, fields in made_up.items())
        text += (f"<p><b>Synthetic fields</b> (made up by the replica, deterministic from its seed; the replica "
                 f"marks them in its answers): {lists}. Any statistic on these (downloads, the top-N downloaded "
                 "population, Community Evals other than the board's datasets) describes the replica, not the "
                 "Hub. The leaderboard's scores, sizes, licences and dates are the real final board's.</p>")
    if replica["board_scores"]:
        text += ("<p><b>Copied scores</b>: the replica files the Open LLM Leaderboard's own raw scores as the "
                 "“live” Community Evals results of " + ", ".join(f"<code>{html.escape(d)}</code>"
                                                              for d in replica["board_scores"])
                 + "; comparing them with the board is not a validation.</p>")
    return f'<div class="banner" role="alert">{text}</div>'


def provenance_header(document: dict[str, Any]) -> str:
    """Where every dataset came from, its snapshot, the board's revision, the software and the command."""
    p = document["provenance"]
    rows = []
    for name, d in p["datasets"].items():
        extra = ""
        if name == "leaderboard":
            extra = (f"; read by the {html.escape(str(d.get('path') or 'unknown'))} path; <code>contents</code> "
                     f"revision {html.escape(str(d.get('contents_sha') or 'not recorded'))} of "
                     f"{html.escape(str(d.get('contents_last_modified') or 'unknown date'))}")
        marks = " (replica)" if d["replica"] else " (loopback)" if d["loopback"] else ""
        rows.append(f"<li><b>{html.escape(name)}</b>: snapshot {html.escape(d['snapshot'])}, from "
                    f"{_links(d['endpoints'])}{marks} (per {html.escape(str(d['endpoints_from'] or 'nothing'))})"
                    f"{extra}</li>")
    commit = p.get("git_commit") or "not a git checkout"
    command = " ".join(p.get("command") or []) or "called from Python"
    return (f'<details class="meta" open><summary>Provenance</summary><ul>{"".join(rows)}</ul>'
            f"<p>llmbench {html.escape(p['llmbench_version'])}, commit <code>{html.escape(commit)}</code>; "
            f"command <code>{html.escape(command)}</code>; model links to "
            f"<code>{html.escape(p['links']['base'])}</code> ({html.escape(p['links']['from'])}).</p></details>")


def methods_section(document: dict[str, Any]) -> str:
    """Definitions and limitations, in one place; every published figure with its source."""
    floor = document["statistics"]["efficiency_size"]["floor"]
    published = document.get("published_findings") or {}
    hours = kg_in_node_hours()
    items = [
        "<b>Scores</b> are the board's normalized scores, 0–100 with the random baseline removed: "
        "max(0, (raw − b) / (1 − b)) × 100 with b = 0.25 for GPQA, 0.1 for MMLU-Pro, 0 for IFEval and MATH; "
        "BBH and MUSR are normalized per sub-task. The average is the mean of the six. 0 means chance, not "
        "zero knowledge; figures label their axes so.",
        f"<b>CO₂</b> is the board's figure for the <i>evaluation run</i>: evaluation time × the power of its "
        f"node ({CO2_KW} kW, 8×H100) × a grid factor of {CO2_KG_PER_KWH * 1000:.1f} g/kWh. One kg is therefore "
        f"{hours:.2f} hours of that node ({8 * hours:.1f} GPU-hours): “points per kg” is points per "
        "GPU-hour of that setup, not a model's training or serving footprint.",
        "<b>Ranges</b> say what they are: “95% CI” is a 95% confidence interval (the method column of the "
        "statistics table says how it was computed); “IQR” is the interquartile range, the middle half of the "
        "models (a spread, not an uncertainty).",
        "<b>p-values</b> are two-sided; “(Holm)” marks Holm-corrected ones. Below 1e-4 they are printed "
        "“&lt; 1e-4”; results.json holds the exact values.",
        f"<b>Group claims</b> (“type X scores highest”) are written only for groups of at least {MIN_CLAIM_N} "
        "models; smaller groups appear in the tables with their n.",
        f"<b>Efficiency</b> (points per B, per kg) only among models averaging at least {floor:g} points.",
        "<b>Fit lines</b> are drawn only over the central 98% of the models' sizes (1st to 99th percentile) and "
        "only where the fit stays within the observed scores; the statistics use every model.",
        "<b>Sources of published figures.</b> "
        f"“r ≈ 0.75”: {html.escape(ORIGINAL_STUDY)}. "
        f"CO₂ findings: {html.escape(str(published.get('source') or 'not checked'))}. "
        f"Densing law: {html.escape(DENSING_LAW)}.",
    ]
    prov = document["provenance"]
    if prov["replica"]["used"] or prov["replica"]["loopback"]:
        items.append("<b>Limitation: replica data.</b> See the banner at the top: synthetic fields describe the "
                     "replica, not the Hub.")
    evals = document.get("community_evals") or {}
    dropped = {k: t["ambiguous_values"] for k, t in (evals.get("tasks") or {}).items() if t.get("ambiguous_values")}
    if dropped:
        items.append("<b>Left out for their scale.</b> " + "; ".join(
            f"{n:,} values of <code>{html.escape(k)}</code> filed on the other scale than the task's "
            "(e.g. fractions among percentages)" for k, n in dropped.items())
                     + ": ambiguous, so dropped, not converted.")
    return ('<section id="methods"><h2>Methods and limitations</h2><ul>'
            + "".join(f"<li>{i}</li>" for i in items) + "</ul></section>")
