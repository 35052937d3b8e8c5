"""Draw the figures in a worker process, beside the parent's reading and statistics.

For a million models the figures (matplotlib's import, then the drawing, a fixed cost of several
seconds) take as long as everything else together; they need only a few numeric columns, the Pareto
fronts and the density fit. The worker is forked before any data is read, while no Arrow thread
exists yet, and imports matplotlib while the parent reads and joins; it then receives its job (the
columns, pickled: tens of MB, well under a tenth of a second) and draws while the parent computes
the statistics and writes the other files. Where fork is missing the figures are drawn in-process.
"""

from __future__ import annotations

import multiprocessing
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd


def numeric(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """The columns the figures use, as plain numpy-backed columns (cheap to pickle)."""
    return pd.DataFrame({c: frame[c].array if isinstance(frame[c].dtype, pd.CategoricalDtype)
                         else frame[c].to_numpy() for c in columns}, copy=False)


def _serve(connection: Any, prepare: Callable[[], None]) -> None:
    prepare()  # the imports, while the parent reads
    seconds = 0.0
    while (job := connection.recv()) is not None:  # None: no more jobs
        start = time.perf_counter()
        try:
            job[0](*job[1:])
        except BaseException:  # noqa: B036 (reported to the parent, whatever it was)
            connection.send(("failed", traceback.format_exc()))
            return
        seconds += time.perf_counter() - start
    connection.send(("done", seconds))


class Worker:
    """`prepare()` in a forked child from now on; `draw(function, *args)` hands it a job (jobs run in
    order, one process: a later job may use what an earlier one kept); `wait()` returns the seconds
    the jobs took or raises their error; `stop()` ends the worker whatever its state."""

    def __init__(self, prepare: Callable[[], None]) -> None:
        self.jobs: list[tuple] = []
        self.process = self.connection = None
        if "fork" in multiprocessing.get_all_start_methods():
            context = multiprocessing.get_context("fork")
            self.connection, child = context.Pipe()
            self.process = context.Process(target=_serve, args=(child, prepare), name="llmbench figures",
                                           daemon=True)
            self.process.start()
            child.close()

    def draw(self, function: Callable[..., None], *args: Any) -> None:
        self.jobs.append((function, *args))
        if self.connection is not None:
            self.connection.send(self.jobs[-1])

    def wait(self) -> float:
        start = time.perf_counter()
        if self.connection is None:  # no fork: drawn here, now
            for job in self.jobs:
                job[0](*job[1:])
            return time.perf_counter() - start
        try:
            self.connection.send(None)
            status, value = self.connection.recv()
        except (EOFError, BrokenPipeError):
            status, value = "failed", f"the figure worker ended (exit code {self.process.exitcode})"
        self.stop(finished=True)
        if status != "done":
            raise RuntimeError(f"drawing the figures failed:\n{value}")
        return value

    def stop(self, finished: bool = False) -> None:
        if self.process is None:
            return
        if not self.jobs and self.process.is_alive():
            self.connection.send(None)  # nothing to draw: it leaves by itself
            finished = True
        if finished:
            self.process.join(timeout=5)
        if self.process.is_alive():  # drawing for a parent that failed: its files are never published
            self.process.kill()
            self.process.join()
        self.connection.close()
        self.process = self.connection = None


# The report's figures as the worker's two jobs: the table's figures at once, the results' figures
# when the Pareto fronts, the density fit and the Community Evals points are computed.
TABLE_FIGURES = ["params_b", "log10_params_b", "average", "co2_kg", "type"]  # what the figure worker reads
BOARD_FIGURES = ["upload_date", "log10_params_b", "average"]
_HELD: dict[str, Any] = {}  # in the figure worker: the first job's frames, for the second


def start_figures() -> Worker:
    """The figure worker, forked now (before any data is read); it imports matplotlib meanwhile."""
    return Worker(_prepare)


def draw_table_figures(worker: Worker, directory: Path, svg: bool, table: pd.DataFrame, board: pd.DataFrame) -> None:
    """Hand the worker the figures of the table alone (`board`: the whole board, for the density figure)."""
    same = table is board  # then one frame serves both (a pickled column less to send)
    worker.draw(_draw_tables, directory, svg, numeric(table, TABLE_FIGURES + same * ["upload_date"]),
                None if same else numeric(board, BOARD_FIGURES))


def draw_result_figures(worker: Worker, done: dict, trend: dict, points: pd.DataFrame | None,
                        community: dict) -> None:
    """Hand the worker the figures of computed results: Pareto fronts, density fit, Community Evals."""
    worker.draw(_draw_results, done, trend, _plain_points(points), community)


def _prepare() -> None:
    import analysis.report.figures  # noqa: F401 (matplotlib: imported by the figure worker only)


def _draw_tables(directory: Path, svg: bool, table: pd.DataFrame, board: pd.DataFrame | None) -> None:
    from analysis.report.figures import Figures, draw_tables

    _HELD.update(figures=Figures(directory, svg=svg), table=table, board=table if board is None else board)
    draw_tables(_HELD["table"], _HELD["figures"])


def _draw_results(done: dict, trend: dict, points: pd.DataFrame | None, community: dict) -> None:
    from analysis.report.figures import draw_results

    draw_results(_HELD["table"], _HELD["board"], done, trend, points, community, _HELD["figures"])


def _plain_points(points: pd.DataFrame | None) -> pd.DataFrame | None:
    return None if points is None else pd.DataFrame(
        {c: points[c].to_numpy(dtype=object if c == "task" else float) for c in ("task", "params_b", "score")})
