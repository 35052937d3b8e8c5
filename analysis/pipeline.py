"""The analysis end to end, one layer after the other: data (analysis/data/: read, join, tidy, quality
rules), then statistics (analysis/statistics/: every section's numbers), then the report
(analysis/report/: figures in a worker process, results.json, models.parquet, report.html), published
into --out only when complete."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from analysis.data import provenance, quality, size_audit
from analysis.data import scores as score_table
from analysis.data.read import AnalysisInputError, read_inputs
from analysis.data.tidy import build_table
from analysis.report import results
from analysis.report.captions import describe, evals_figure_text
from analysis.report.claims_section import write_scores
from analysis.report.figure_worker import Worker, draw_result_figures, draw_table_figures, start_figures
from analysis.report.html import Links
from analysis.report.output import check_output, publish
from analysis.report.sections import write_html
from analysis.statistics import claims, community_evals, density, floors, open_weight
from analysis.statistics.estimates import efficiencies, run_all
from analysis.statistics.formulas import Rankings
from analysis.statistics.groups import compare_groups
from analysis.statistics.populations import side_by_side, top_ids
from analysis.statistics.published import check_all
from analysis.statistics.snapshot_change import compare_with
from llmbench.credentials import without_userinfo
from llmbench.storage import snapshots

DATASETS = ("hub_models", "leaderboard", "model_sizes")
# llmbench.settings imports Scrapy (over a second of start-up); the analysis reads the two defaults it shares
# with the crawl from the same environment variables (tests/e2e/test_analysis_join.py checks they agree)
HUB_ENDPOINT = without_userinfo(os.environ.get("HF_ENDPOINT", "https://huggingface.co").rstrip("/"))
DATA_DIR = os.environ.get("LLMBENCH_DATA_DIR", "data")


@dataclass
class Options:
    population: str = "join"
    snapshot: str | None = None
    compare: str | None = None
    svg: bool = False
    top: int = 100
    floor: float = 10.0
    density_score: float = 30.0
    hub_url: str | None = None  # None: the endpoint the hub_models rows came from, else HUB_ENDPOINT
    command: list[str] = field(default_factory=list)  # how the analysis was run (results.json provenance)

    def __post_init__(self) -> None:
        # recorded in results.json and in every report link: never with a user or password in it
        self.hub_url = without_userinfo(self.hub_url) if self.hub_url else None


def write_report(data: Path, out: Path, options: Options, timings: dict[str, float] | None = None) -> dict:
    timings = {} if timings is None else timings
    clock = time.perf_counter()
    target = check_output(out, data)
    worker = start_figures()  # forked before any data is read; imports matplotlib meanwhile
    try:
        return _write_report(data, target, options, timings, worker, clock)
    finally:
        worker.stop()


def _write_report(data: Path, target: Path, options: Options, timings: dict[str, float], worker: Worker,
                  clock: float) -> dict:
    inputs = read_inputs(data, options.snapshot, hub_required=options.population == "join")
    top = top_ids(inputs["hub_models"], options.top)
    board = build_table(data, "leaderboard", options.snapshot, inputs=inputs)
    del inputs
    on_hub = board["on_hub_crawl"].to_numpy(dtype=bool)
    if options.population == "join" and not on_hub.any():
        raise AnalysisInputError(f"no model is in both `leaderboard` ({len(board):,} models) and `hub_models` under "
                                 f"{data}: crawl the hub with a larger -a limit, or use --population leaderboard")
    board, quality_report = quality.apply(board)
    board = size_audit.audit(board)  # before any per-parameter statistic (analysis/data/size_audit.py)
    quality_report["runs"] = quality.run_records(data)
    # however few models have a score and a size, every section says what it can (or "not enough data")
    table = board if options.population == "leaderboard" or on_hub.all() else board[on_hub].reset_index(drop=True)
    comparison = compare_with(data, options.compare, options.snapshot)
    sources = provenance.collect(data, options.snapshot, options.command)
    link_base = options.hub_url or provenance.link_base(sources) or HUB_ENDPOINT
    sources["links"] = {"base": link_base, "from": "--hub-url" if options.hub_url else
                       "hub_models rows" if provenance.link_base(sources) else "default (HF_ENDPOINT)"}
    timings["read and join"] = time.perf_counter() - clock
    document: dict[str, Any] = {}

    def build(staging: Path) -> None:
        clock = time.perf_counter()
        draw_table_figures(worker, staging / "figures", options.svg, table, board)  # the table's alone, at once
        try:
            done = efficiencies(table, options.floor)  # the Pareto fronts: computed once, also drawn
            trend = density.fit(board, options.density_score)
            trend |= density.compared(board, options.density_score)  # frontier, populations, citations
            community, points = community_evals.analyse(
                data, options.snapshot, lambda: community_evals.board_raw_scores(data, options.snapshot))
            draw_result_figures(worker, done, trend, points, community)
            community_evals.mark_board_copies(community, sources["replica"]["board_scores"])
            doc = _document(data, options, board, table, top, done, trend, community, quality_report, comparison,
                            sources)
            scores = score_table.build(data, options.snapshot)  # issue #25: every score, reconciled
            doc |= {"scores": claims.summary(scores), "claims_vs_measurements": claims.claims_vs_measurements(scores)}
            if (text := evals_figure_text(points, community)) is not None:
                doc["figures"]["community_evals"] = text
            timings["statistics"] = time.perf_counter() - clock
            clock = time.perf_counter()
            results.write_models(staging / "models.parquet", table)
            write_scores(staging / "scores.parquet", scores.table)
            results.write(staging / "results.json", doc)
            waited = time.perf_counter()
            timings["figures"] = worker.wait()  # drawn meanwhile, by the worker
            timings["waiting for figures"] = time.perf_counter() - waited
            write_html(staging / "report.html", staging / "figures", doc, Links(link_base))
            timings["write files"] = time.perf_counter() - clock - timings["waiting for figures"]
        finally:
            worker.stop()  # before publish removes a failed staging directory the worker writes into
        document.update(doc)

    publish(target, build)
    return document


def _document(data: Path, options: Options, board: pd.DataFrame, table: pd.DataFrame, top: set[str], done: dict,
              trend: dict, community: dict, quality_report: dict, comparison: dict | None,
              sources: dict[str, Any]) -> dict[str, Any]:
    """results.json: every statistic of every section."""
    on_hub = board["on_hub_crawl"].to_numpy(dtype=bool)
    rankings = Rankings(board)  # the board's columns sorted once, for every rank test on it
    statistics = run_all(table, options.floor, rankings if table is board else None, done)
    known = {"join" if options.population == "join" else "board": statistics}
    if on_hub.all():  # every board model is in the hub crawl: the join is the board
        known = {"join": statistics, "board": statistics}
    sections: dict[str, Any] = {
        "settings": {"top": options.top, "floor": options.floor, "density_score": options.density_score,
                     "hub_url": sources["links"]["base"], "svg": options.svg},
        "statistics": statistics, "populations": side_by_side(board, top, options.top, options.population,
                                                              known=known),
        "quality": quality_report, "size_audit": size_audit.summary(board),
        "efficiency_floor": floors.floor_report(table, options.floor),
        "open_vs_restricted": open_weight.compare(table),
        "published_findings": check_all(board, rankings, options.floor),
        "groups": compare_groups(board, rankings=rankings), "density": trend, "community_evals": community,
        "figures": describe(statistics, trend),
    }
    if comparison is not None:
        sections["comparison"] = comparison
    meta = {"population": options.population, "data_dir": str(data), "provenance": sources,
            "snapshots": {d: options.snapshot or (snapshots(data, d) or [None])[-1] for d in DATASETS},
            "snapshots_available": {d: snapshots(data, d) for d in DATASETS}}
    return results.document(table, meta, sections)
