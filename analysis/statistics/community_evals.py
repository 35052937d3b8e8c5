"""Community Evals (issue #14): per benchmark and task, who filed what, and how score relates to size.

Rows: `eval_results` (results filed on model repos) and `benchmark_leaderboards` (each benchmark's
board), merged; one result per model and task (verified first, then the main branch over a pull
request, then the highest value). Leaderboard rows without a task id are counted, not guessed.

Scales are never mixed silently. A task whose id names a time, latency, error rate, loss or
perplexity is lower-is-better and kept out of every score analysis. Otherwise a task is on the
percent scale when its median value is above 1, else on the fraction scale (converted ×100, and
said so); a value on the other scale than its task's is ambiguous and left out (counted).
Per score task: models, verified and community (pull request) shares, Spearman of size against
score with CI and the OLS slope per tenfold size (when ≥ 10 sized models), open against restricted
licenses, the Pareto frontier of size against score. For GPQA and MMLU-Pro, the frozen board's raw
score (×100) against the live one for the models on both.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from analysis.data.licenses import license_class
from analysis.data.quality import MAX_PARAMS_B, MIN_PARAMS_B
from analysis.data.read import read_columns
from analysis.data.tidy import hub_key, one_row_per_model
from analysis.data.vocabulary import task_scale
from analysis.statistics import estimates

ON_BOTH = {"Idavidrein/gpqa": "gpqa_raw", "TIGER-Lab/MMLU-Pro": "mmlu_pro_raw"}
MIN_SIZED = 10


def read_results(data: Path, snapshot: str | None) -> tuple[pd.DataFrame | None, int]:
    """The merged results, all of them (None when neither dataset was crawled), and the leaderboard rows
    without a task id."""
    cols = ["task_id", "value", "verified", "pull_request"]
    filed = read_columns(data, "eval_results", cols, snapshot, required=False, optional=("verified", "pull_request"))
    board = read_columns(data, "benchmark_leaderboards", cols, snapshot, required=False,
                         optional=("task_id", "value", "verified", "pull_request"))
    frames = [t.select(["model_id", "dataset_id", *cols]).to_pandas() for t in (filed, board) if t is not None]
    if not frames:
        return None, 0
    rows = pd.concat(frames, ignore_index=True)
    untasked = int(rows["task_id"].isna().sum())
    rows = rows.dropna(subset=["task_id", "value"])
    rows = rows[np.isfinite(rows["value"].to_numpy(dtype=float))]  # NaN/±inf filed values are not results
    rows = rows.assign(key=rows["model_id"].str.lower(), verified=rows["verified"].fillna(False).astype(bool),
                       community=rows["pull_request"].notna())
    return rows.reset_index(drop=True), untasked


def one_per_model(task: pd.DataFrame) -> pd.DataFrame:
    """One result per model: verified first, then the main branch over a pull request, then the highest."""
    ranked = task.sort_values(["verified", "community", "score"], ascending=[False, True, False], kind="stable")
    return ranked.drop_duplicates("key")


def sizes(data: Path, snapshot: str | None) -> pd.DataFrame:
    """Size (billions) and license class per lower-cased Hub id, from the hub crawl then model_pages."""
    hub = read_columns(data, "hub_models", ["params", "license"], snapshot, required=False, optional=("license",))
    pages = read_columns(data, "model_sizes", ["canonical_id", "params"], snapshot, required=False,
                         optional=("canonical_id",))
    frames = []
    for table in (hub, pages):
        if table is not None:
            frame = table.to_pandas()
            frames.append(frame.assign(key=hub_key(frame),
                                       license=frame.get("license", pd.Series(index=frame.index, dtype=object))))
    if not frames:
        return pd.DataFrame(columns=["params_b", "license_class"])
    both = pd.concat(frames, ignore_index=True).dropna(subset=["params"])
    plausible = both["params"].between(MIN_PARAMS_B * 1e9, MAX_PARAMS_B * 1e9)  # analysis/data/quality.py's bounds
    both = both[plausible].drop_duplicates("key")  # the hub crawl first; implausible sizes out
    licenses = frames[0].drop_duplicates("key").set_index("key")["license"] if hub is not None else None
    out = pd.DataFrame({"params_b": both["params"].to_numpy(dtype=float) / 1e9}, index=both["key"])
    out["license_class"] = [license_class(licenses.get(k)) if licenses is not None else "unknown" for k in out.index]
    return out


def scale(task: pd.DataFrame, name: str) -> tuple[str, pd.Series, int]:
    """(`lower is better` | `percent` | `fraction ×100`, the scores in percent, values left out as ambiguous):
    analysis/data/vocabulary.py's rule, which the score table shares."""
    return task_scale(task["value"], name)


def analyse(data: Path, snapshot: str | None, board_raw: pd.DataFrame | None | Callable[[], pd.DataFrame | None]
            ) -> tuple[dict[str, Any], pd.DataFrame | None]:
    """results.json `community_evals`, and the scored, sized points per task (for the figure).
    `board_raw` may be a function: called only when there are results to compare (it reads the board)."""
    rows, untasked = read_results(data, snapshot)
    if rows is None or rows.empty:
        return {"available": False, "note": "no eval_results or benchmark_leaderboards dataset: run `scrapy crawl "
                "benchmarks` (and `scrapy crawl hub`, which collects evalResults)"}, None
    size = sizes(data, snapshot)
    tasks: dict[str, Any] = {}
    points, scored = [], []
    for (dataset_id, task_id), task in rows.groupby(["dataset_id", "task_id"], sort=True):
        kind, score, ambiguous = scale(task, f"{dataset_id} {task_id}")
        task = one_per_model(task.assign(score=score).dropna(subset=["score"]))
        if kind != "lower is better":
            scored.append(task)
        entry: dict[str, Any] = {
            "dataset_id": dataset_id, "task_id": task_id, "scale": kind, "n_models": int(len(task)),
            "verified_share": float(task["verified"].mean()), "community_share": float(task["community"].mean()),
            "ambiguous_values": ambiguous}
        if kind != "lower is better":
            joined = task.join(size, on="key")
            entry |= _score_stats(joined)
            points.append(joined.dropna(subset=["params_b"]).assign(task=f"{dataset_id}:{task_id}")[
                ["task", "model_id", "params_b", "score"]])
        tasks[f"{dataset_id}:{task_id}"] = entry
    return ({"available": True, "n_results": int(len(rows)), "n_models": int(rows["key"].nunique()),
             "untasked_leaderboard_rows": untasked, "tasks": tasks, "board_vs_live": _board_vs_live(
                 scored, board_raw() if callable(board_raw) else board_raw)},
            pd.concat(points, ignore_index=True) if points else None)


def _score_stats(joined: pd.DataFrame) -> dict[str, Any]:
    sized = joined.dropna(subset=["params_b"])
    out: dict[str, Any] = {"n_scored": int(len(joined)), "n_sized": int(len(sized)),
                           "median_score": float(joined["score"].median())}
    if len(sized) >= MIN_SIZED:
        log_size = np.log10(sized["params_b"])
        out["spearman_size"] = estimates.spearman(sized["params_b"], sized["score"], "size_b vs score")
        out["ols_log_size"] = estimates.ols(log_size, sized["score"], "score ~ log10 size_b")
        front = estimates.pareto_front(sized["params_b"].to_numpy(dtype=float), sized["score"].to_numpy(dtype=float))
        out["pareto"] = [{"model_id": m, "params_b": float(p), "score": float(s)} for m, p, s in
                         zip(sized["model_id"].to_numpy()[front], sized["params_b"].to_numpy()[front],
                             sized["score"].to_numpy()[front], strict=True)]
    groups = {c: sized.loc[sized["license_class"] == c, "score"].to_numpy(dtype=float) for c in ("open", "restricted")}
    out["licenses"] = {c: {"n": int(len(v)), "median": float(np.median(v)) if len(v) else None}
                       for c, v in groups.items()}
    if all(len(v) >= 2 for v in groups.values()):
        out["licenses"]["mann_whitney"] = estimates.mann_whitney(groups["open"], groups["restricted"],
                                                                 "open vs restricted")
    return out


def _board_vs_live(scored: list[pd.DataFrame], board_raw: pd.DataFrame | None) -> dict[str, Any]:
    """For the datasets the frozen board also ran: its raw score ×100 against the live score (one result
    per model and task as above; a model's tasks of one dataset by their median)."""
    out: dict[str, Any] = {}
    if board_raw is None or not scored:
        return out
    rows = pd.concat(scored, ignore_index=True)
    for dataset_id, column in ON_BOTH.items():
        live = rows[rows["dataset_id"] == dataset_id].groupby("key")["score"].median()
        if live.empty:
            continue
        both = pd.DataFrame({"live": live}).join(board_raw[column].rename("board") * 100, how="inner").dropna()
        entry: dict[str, Any] = {"n": int(len(both))}
        if len(both) >= 4:
            entry["pearson"] = estimates.pearson(both["board"], both["live"], f"board vs live {dataset_id}")
            entry["mean_difference_live_minus_board"] = float((both["live"] - both["board"]).mean())
        out[dataset_id] = entry
    return out


def board_raw_scores(data: Path, snapshot: str | None) -> pd.DataFrame | None:
    """The board's raw GPQA and MMLU-Pro (0-1) per lower-cased Hub id, from the row the one-row rule keeps."""
    columns = [*ON_BOTH.values(), "submission_date", "canonical_id"]
    board = read_columns(data, "leaderboard", columns, snapshot, required=False, optional=tuple(columns))
    if board is None:
        return None
    kept = one_row_per_model(board).to_pandas()
    return kept.assign(key=hub_key(kept)).set_index("key")[list(ON_BOTH.values())]


SETUP_NOTES = {
    "Idavidrein/gpqa": "the board's GPQA (its own harness, prompt and subsets) is paired with the live GPQA "
                       "`diamond` task, whose setup may differ: agreement or disagreement says little about either",
    "TIGER-Lab/MMLU-Pro": "the board's MMLU-Pro is paired with the live `mmlu_pro` task; shots and prompts may differ",
}


def mark_board_copies(evals: dict[str, Any], board_scores: list[str]) -> None:
    """Say, on each frozen-board-vs-live comparison, whether the "live" scores are the board's own
    (`board_scores`: datasets the replica marks so, analysis/data/provenance.py) — then r ≈ 1 is by
    construction, not a validation — and how the two setups may differ."""
    for dataset_id, entry in (evals.get("board_vs_live") or {}).items():
        copied = dataset_id in board_scores
        entry["live_is_board_copy"] = copied
        entry["setup_note"] = SETUP_NOTES.get(dataset_id)
        if copied:
            entry["note"] = ("not a validation: the replica files the board's own raw scores as the live results "
                             "of this dataset, so they agree by construction")
