"""report.html's "Claims vs measurements" section and scores.parquet (issue #25): renders
results.json's `claims_vs_measurements` and `scores`; the rules come from the document itself
(analysis/data/scores.py states them), so the page and results.json cannot disagree."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq

from analysis.data.scores import to_arrow
from analysis.report.html import Links, Raw, num, section, table

TITLE = "Claims vs measurements"


def write_scores(path: Path, scores: pd.DataFrame) -> None:
    """scores.parquet: every score with its provenance (docs/analysis.md lists the columns)."""
    pq.write_table(to_arrow(scores), path)


def _link(url: Any, text: str) -> Raw:
    if not isinstance(url, str) or not url.startswith(("https://", "http://")):
        return Raw(html.escape(text))
    return Raw(f'<a href="{html.escape(url)}">{html.escape(text)}</a>')


def _card(links: Links, model_id: Any, url: Any) -> Raw:
    """The claim's own source link when it names one, else the card (the model's Hub page)."""
    if isinstance(url, str) and url.startswith(("https://", "http://")):
        return _link(url, "source")
    return Raw(links.model(model_id).replace(f">{html.escape(str(model_id))}<", ">card<"))


def _difference(stat: dict[str, Any]) -> str:
    if stat.get("note"):
        return f"{stat['note']}" + (f" (mean {num(stat['statistic'])})" if stat.get("statistic") is not None else "")
    low, high = stat["ci95"]
    return f"{num(stat['statistic'])} [{num(low)}, {num(high)}]"


def _unstated(block: dict[str, Any] | None, links: Links) -> str:
    """The "setup unstated" comparisons, apart from the comparable pairs, with their rule."""
    if not block:
        return ""
    rows = [{"benchmark": e["benchmark"], "setup": e["setup"], "measured_by": e["measured_by"], "n": e["n_pairs"],
             "difference": _difference(e["mean_difference"]), "above": e["share_above_tolerance"]}
            for e in block["benchmarks"].values()]
    largest = [{**p, "card": _card(links, p["model_id"], p.get("claim_url")),
                "measured": _link(p.get("measurement_url"), p["measured_by"])} for p in block["largest_discrepancies"]]
    body = (f"<h3>Setup unstated (not comparable pairs)</h3><p>{html.escape(block['rule'])} "
            f"{num(block['n_pairs'])} such comparisons; statements need at least {block['min_pairs']}.</p>")
    if not rows:
        return body + "<p>No claim without a stated setup meets a board row.</p>"
    body += table(rows, [("benchmark", "benchmark"), ("setup", "setup"), ("measured_by", "measured by"),
                         ("n", "comparisons"), ("difference", "claim − board [95% CI]"),
                         ("above", "share above by > tolerance")])
    return body + "<details><summary>Largest differences</summary>" + table(largest, [
        ("model_id", "model"), ("benchmark", "benchmark"), ("metric", "claim's metric"), ("claim", "claim"),
        ("card", "claimed in"), ("measurement", "board"), ("measured", "board"), ("difference", "difference")],
        links) + "</details>"


def claims_section(claims: dict[str, Any] | None, summary: dict[str, Any] | None, links: Links,
                   synthetic_cards: bool = False) -> str:
    """The section; `synthetic_cards`: the cards came from a replica that places recorded authors' cards on
    other repos (its `model-index` marked synthetic), so a pair there checks the method, not a model."""
    if not claims:
        return ""
    how = (f"A model card's number is either a copy of a leaderboard (written by its bot) or the authors' claim. "
           f"Rules: {' '.join(claims['rules'])} Each difference is claim − measurement in points on 0–100; "
           f"[95% CI] from the t distribution; a claim is 'above' when it exceeds the measurement by more than "
           f"{claims['tolerance_points']:g} point. Statements need at least {claims['min_pairs']} pairs; below "
           "that the cell says so. Author kind: 'official' when the namespace is an official provider on the v2 "
           "board, else 'community' ('unknown' without the v2 board).")
    missing = "".join(f"<li>{html.escape(note)}</li>" for note in (claims.get("missing") or {}).values())
    body = f"<ul>{missing}</ul>" if missing else ""
    if synthetic_cards:
        body = ("<p class=\"warning\"><b>Not findings:</b> these cards came from the replica, which places real "
                "authors' cards on other repos, so a claim here meets another model's board row. The pairs "
                "show the method at work; run the crawl against huggingface.co for real pairs.</p>") + body
    if summary:
        kinds = ", ".join(f"{k} {num(v)}" for k, v in summary["by_source_kind"].items())
        body += (f"<p>scores.parquet: {num(summary['n_rows'])} scores of {num(summary['n_models'])} models "
                 f"({html.escape(kinds)}).</p>")
    if not claims.get("available"):
        return section("claims", TITLE, how, body + f"<p>{html.escape(claims.get('note', ''))}</p>")
    rows = []
    for entry in claims["benchmarks"].values():
        kinds = entry["by_author_kind"]
        rows.append({"benchmark": entry["benchmark"], "setup": entry["setup"], "measured_by": entry["measured_by"],
                     "n": entry["n_pairs"], "difference": _difference(entry["mean_difference"]),
                     "above": entry["share_above_tolerance"],
                     **{k: (f"{_difference(kinds[k]['mean_difference'])}, n = {kinds[k]['n_pairs']}"
                            if k in kinds else "–") for k in ("official", "community")}})
    body += (f"<p>{num(claims['n_claims'])} authors' claims on cards; {num(claims['n_pairs'])} comparable pairs. "
             f"Claims by status: {html.escape(', '.join(f'{k} {v:,}' for k, v in claims['claims_by_status'].items()))}"
             ".</p>"
             + table(rows, [("benchmark", "benchmark"), ("setup", "setup"), ("measured_by", "measured by"),
                            ("n", "pairs"), ("difference", "claim − measurement [95% CI]"),
                            ("above", f"share above by > {claims['tolerance_points']:g}"),
                            ("official", "official orgs"), ("community", "community")]))
    largest = [{**p, "model_id": p["model_id"], "card": _card(links, p["model_id"], p.get("claim_url")),
                "measured": _link(p.get("measurement_url"), p["measured_by"])}
               for p in claims["largest_discrepancies"]]
    body += "<h3>Largest discrepancies</h3>" + (table(largest, [
        ("model_id", "model"), ("benchmark", "benchmark"), ("setup", "setup"), ("claim", "claim"),
        ("card", "claimed in"), ("measurement", "measurement"), ("measured", "measured by"),
        ("difference", "difference"), ("author_kind", "author")], links) if largest else "<p>No comparable pair.</p>")
    body += _unstated(claims.get("setup_unstated"), links)
    health = [{"board": v, "copies": c["n_copies"], "compared": c["n_compared"], "equal": c["n_equal"],
               "stale": c["n_stale_or_altered"], "absent": c["n_not_on_board"], "share": c["share_equal"]}
              for v, c in claims["copies"].items()]
    body += "<h3>The cards' leaderboard copies</h3>" + (table(health, [
        ("board", "board"), ("copies", "copies"), ("compared", "with a board row"), ("equal", "equal to the board"),
        ("stale", "stale or altered"), ("absent", "not on the crawled board"), ("share", "share equal")])
        if health else "<p>No card copies a leaderboard.</p>")
    stale = [{**s, "card": _card(links, s["model_id"], None), "board_link": _link(s.get("board_url"), "board")}
             for c in claims["copies"].values() for s in c["stale_or_altered"]]
    if stale:
        body += (f"<details><summary>Stale or altered copies ({len(stale):,} listed)</summary>"
                 + table(stale, [("model_id", "card of"), ("board_model_id", "copied from"), ("benchmark", "benchmark"),
                                 ("card_value", "card"), ("board_value", "board"), ("difference", "card − board"),
                                 ("card", "card"), ("board_link", "board")], links) + "</details>")
    return section("claims", TITLE, how, body)
