"""The analysis end to end: read, apply the data-quality rules, compute every section, publish."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from analysis import density, evals, quality, results
from analysis.captions import describe
from analysis.compare import compare_snapshots
from analysis.evals_report import evals_figure_text
from analysis.groups import compare_groups
from analysis.html import Links
from analysis.load import AnalysisInputError, build_table, read_inputs
from analysis.output import check_output, publish
from analysis.populations import side_by_side, top_ids
from analysis.published import check_all
from analysis.report import write_html
from analysis.stats import Rankings, efficiencies, run_all
from analysis.worker import Worker, numeric
from llmbench.credentials import without_userinfo
from llmbench.storage import snapshots

DATASETS = ("hub_models", "leaderboard", "model_sizes")
# llmbench.settings imports Scrapy (over a second of start-up); the analysis reads the two defaults it shares
# with the crawl from the same environment variables (tests/e2e/test_analysis_join.py checks they agree)
HUB_ENDPOINT = without_userinfo(os.environ.get("HF_ENDPOINT", "https://huggingface.co").rstrip("/"))
DATA_DIR = os.environ.get("LLMBENCH_DATA_DIR", "data")
TABLE_FIGURES = ["params_b", "log10_params_b", "average", "co2_kg", "type"]  # what the figure worker reads
BOARD_FIGURES = ["upload_date", "log10_params_b", "average"]


@dataclass
class Options:
    population: str = "join"
    snapshot: str | None = None
    compare: str | None = None
    svg: bool = False
    top: int = 100
    floor: float = 10.0
    density_score: float = 30.0
    hub_url: str = HUB_ENDPOINT

    def __post_init__(self) -> None:
        # recorded in results.json and in every report link: never with a user or password in it
        self.hub_url = without_userinfo(self.hub_url)


def write_report(data: Path, out: Path, options: Options, timings: dict[str, float] | None = None) -> dict:
    timings = {} if timings is None else timings
    clock = time.perf_counter()
    target = check_output(out, data)
    worker = Worker(_prepare)  # forked before any data is read; imports matplotlib meanwhile
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
    quality_report["runs"] = quality.run_records(data)
    # however few models have a score and a size, every section says what it can (or "not enough data")
    table = board if options.population == "leaderboard" or on_hub.all() else board[on_hub].reset_index(drop=True)
    comparison = _comparison(data, options)
    timings["read and join"] = time.perf_counter() - clock
    document: dict[str, Any] = {}

    def build(staging: Path) -> None:
        clock = time.perf_counter()
        same = table is board  # then one frame serves both (a pickled column less to send)
        worker.draw(_draw_tables, staging / "figures", options.svg,  # the figures of the table alone, at once
                    numeric(table, TABLE_FIGURES + same * ["upload_date"]),
                    None if same else numeric(board, BOARD_FIGURES))
        try:
            done = efficiencies(table, options.floor)  # the Pareto fronts: computed once, also drawn
            trend = density.fit(board, options.density_score)
            community, points = evals.analyse(data, options.snapshot,
                                              lambda: evals.board_raw_scores(data, options.snapshot))
            worker.draw(_draw_results, done, trend, _plain_points(points), community)
            doc = _document(data, options, board, table, top, done, trend, community, quality_report, comparison)
            if (text := evals_figure_text(points, community)) is not None:
                doc["figures"]["community_evals"] = text
            timings["statistics"] = time.perf_counter() - clock
            clock = time.perf_counter()
            pq.write_table(pa.Table.from_pandas(table, preserve_index=False), staging / "models.parquet",
                           use_dictionary=_repetitive(table))
            results.write(staging / "results.json", doc)
            waited = time.perf_counter()
            timings["figures"] = worker.wait()  # drawn meanwhile, by the worker
            timings["waiting for figures"] = time.perf_counter() - waited
            write_html(staging / "report.html", staging / "figures", doc, Links(options.hub_url))
            timings["write files"] = time.perf_counter() - clock - timings["waiting for figures"]
        finally:
            worker.stop()  # before publish removes a failed staging directory the worker writes into
        document.update(doc)

    publish(target, build)
    return document


def _prepare() -> None:
    import analysis.figures  # noqa: F401 (matplotlib: imported by the figure worker only)


_HELD: dict[str, Any] = {}  # in the figure worker: the first job's frames, for the second


def _draw_tables(directory: Path, svg: bool, table: pd.DataFrame, board: pd.DataFrame | None) -> None:
    from analysis.figures import Figures, draw_tables

    _HELD.update(figures=Figures(directory, svg=svg), table=table, board=table if board is None else board)
    draw_tables(_HELD["table"], _HELD["figures"])


def _draw_results(done: dict, trend: dict, points: pd.DataFrame | None, community: dict) -> None:
    from analysis.figures import draw_results

    draw_results(_HELD["table"], _HELD["board"], done, trend, points, community, _HELD["figures"])


def _plain_points(points: pd.DataFrame | None) -> pd.DataFrame | None:
    return None if points is None else pd.DataFrame(
        {c: points[c].to_numpy(dtype=object if c == "task" else float) for c in ("task", "params_b", "score")})


def _document(data: Path, options: Options, board: pd.DataFrame, table: pd.DataFrame, top: set[str], done: dict,
              trend: dict, community: dict, quality_report: dict, comparison: dict | None) -> dict[str, Any]:
    """results.json: every statistic of every section."""
    on_hub = board["on_hub_crawl"].to_numpy(dtype=bool)
    rankings = Rankings(board)  # the board's columns sorted once, for every rank test on it
    statistics = run_all(table, options.floor, rankings if table is board else None, done)
    known = {"join" if options.population == "join" else "board": statistics}
    if on_hub.all():  # every board model is in the hub crawl: the join is the board
        known = {"join": statistics, "board": statistics}
    sections: dict[str, Any] = {
        "settings": {"top": options.top, "floor": options.floor, "density_score": options.density_score,
                     "hub_url": options.hub_url, "svg": options.svg},
        "statistics": statistics, "populations": side_by_side(board, top, options.top, options.population,
                                                              known=known),
        "quality": quality_report, "published_findings": check_all(board, rankings),
        "groups": compare_groups(board, rankings=rankings), "density": trend, "community_evals": community,
        "figures": describe(statistics, trend),
    }
    if comparison is not None:
        sections["comparison"] = comparison
    meta = {"population": options.population, "data_dir": str(data),
            "snapshots": {d: options.snapshot or (snapshots(data, d) or [None])[-1] for d in DATASETS},
            "snapshots_available": {d: snapshots(data, d) for d in DATASETS}}
    return results.document(table, meta, sections)


def _repetitive(table: pd.DataFrame) -> list[str]:
    """Columns worth dictionary-encoding in models.parquet: trying it on a million distinct ids and
    floats (parquet's default) costs a third of the write and saves nothing."""
    return [c for c in table.columns if isinstance(table[c].dtype, pd.CategoricalDtype) or c == "size_excluded"]


def _comparison(data: Path, options: Options) -> dict[str, Any] | None:
    if not options.compare:
        return None
    newer = options.snapshot or (snapshots(data, "hub_models") or [None])[-1]
    if newer is None:
        raise AnalysisInputError(f"--compare needs `hub_models` snapshots under {data}")
    return compare_snapshots(data, options.compare, newer)
