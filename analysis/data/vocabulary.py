"""One benchmark vocabulary across the v1 board, the v2 board, model cards and Community Evals
(issue #25): `benchmarks.csv` beside this module, one row per (benchmark, who measures it under which
setup). docs/benchmarks-vocabulary.md is rendered from it (`markdown`; a test checks they agree).

A benchmark id names the items (ARC-Challenge, not ARC-Easy; MATH level 5, not all of MATH; GPQA's
diamond subset apart from the board's GPQA); the setup names the protocol (few-shot count, or a
Community Evals task whose eval.yaml sets it). Two values are compared only when benchmark, setup
and scale all match (analysis/data/scores.py states the rules).

Also here, because both the score table and the Community Evals section need it: the scale rule of a
Community Evals task (`task_scale`).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd

VOCABULARY_FILE = Path(__file__).with_name("benchmarks.csv")
LOWER_IS_BETTER = r"(?i)(time|latency|seconds|error|wer\b|cer\b|loss|perplexity|ppl\b)"
# the stated scales of `value_pct`; `normalized` and the raw ones (`percent`, `fraction ×100`) never meet
NORMALIZED, PERCENT, FRACTION = "normalized", "percent", "fraction ×100"
RAW_SCALES = (PERCENT, FRACTION)


@dataclass(frozen=True)
class Entry:
    """One row of benchmarks.csv."""

    benchmark: str
    name: str
    measured_by: str  # board_v1, board_v2 or community_evals
    board_column: str
    dataset_ids: tuple[str, ...]
    subset: str  # regex on the card's config and dataset name; empty: any
    num_few_shot: int | None  # None: the Community Evals task's eval.yaml sets the protocol
    metrics: tuple[str, ...]
    task: str
    bot_dataset_name: str
    source: str

    @property
    def setup(self) -> str:
        return f"{self.num_few_shot}-shot" if self.num_few_shot is not None else f"task {self.task}"


@cache
def entries() -> tuple[Entry, ...]:
    with VOCABULARY_FILE.open(encoding="utf-8", newline="") as handle:
        return tuple(Entry(benchmark=r["benchmark"], name=r["name"], measured_by=r["measured_by"],
                           board_column=r["board_column"], dataset_ids=tuple(r["dataset_ids"].split("|")),
                           subset=r["subset"], num_few_shot=int(r["num_few_shot"]) if r["num_few_shot"] else None,
                           metrics=tuple(r["metrics"].split("|")), task=r["task"],
                           bot_dataset_name=r["bot_dataset_name"], source=r["source"])
                     for r in csv.DictReader(handle))


def board_entries(version: str) -> tuple[Entry, ...]:
    """The benchmarks of `board_v1` or `board_v2`, with their board columns."""
    return tuple(e for e in entries() if e.measured_by == version)


def card_benchmark(dataset_type: str | None, config: str | None, dataset_name: str | None) -> str | None:
    """The benchmark a card row names: the first vocabulary row whose dataset ids hold its dataset type
    (any case) and whose subset pattern matches its config and dataset name; None when none does."""
    if not dataset_type:
        return None
    wanted = dataset_type.strip().lower()
    text = f"{config or ''} {dataset_name or ''}"
    for entry in entries():
        if wanted in (d.lower() for d in entry.dataset_ids) and (not entry.subset or re.search(entry.subset, text)):
            return entry.benchmark
    return None


def task_benchmark(dataset_id: str, task_id: str) -> str:
    """A Community Evals task's benchmark: the vocabulary's where it lists the task, else the task's own
    id `<dataset_id>:<task_id>` (as the Community Evals section names it)."""
    for entry in entries():
        if entry.measured_by == "community_evals" and entry.task == task_id and dataset_id in entry.dataset_ids:
            return entry.benchmark
    return f"{dataset_id}:{task_id}"


def same_setup(entry: Entry, benchmark: str | None, few_shot: float | None, metric: str | None) -> bool:
    """Whether a card claim was measured under `entry`'s setup: same benchmark and metric (any case), and
    the same few-shot count, stated; against a Community Evals task, whose eval.yaml sets the protocol,
    only a claim that states no few-shot count."""
    if benchmark != entry.benchmark or not metric or metric.strip().lower() not in (m.lower() for m in entry.metrics):
        return False
    stated = few_shot is not None and not pd.isna(few_shot)
    if entry.num_few_shot is None:
        return not stated
    return stated and int(few_shot) == entry.num_few_shot


def task_scale(values: pd.Series, name: str) -> tuple[str, pd.Series, int]:
    """A Community Evals task's scale: (`lower is better` | `percent` | `fraction ×100`, the values in
    percent, the values left out as ambiguous). A task whose id names a time, latency, error rate, loss
    or perplexity is lower-is-better; else percent when the median value is above 1, else fractions
    (×100); a value on the other scale than its task's is ambiguous."""
    if re.search(LOWER_IS_BETTER, name):
        return "lower is better", values, 0
    if values.median() > 1:
        keep = values > 1
        return PERCENT, values.where(keep), int((~keep).sum())
    keep = values <= 1
    return FRACTION, (values * 100).where(keep), int((~keep).sum())


def markdown() -> str:
    """docs/benchmarks-vocabulary.md's table, from benchmarks.csv."""
    head = ("| benchmark | name | measured by | setup | board column | dataset ids (cards, Community Evals) | "
            "subset rule | metrics | the bot's dataset name | source |\n|---|---|---|---|---|---|---|---|---|---|\n")
    rows = []
    for e in entries():
        cells = [f"`{e.benchmark}`", e.name, e.measured_by, e.setup, f"`{e.board_column}`" if e.board_column else "",
                 ", ".join(f"`{d}`" for d in e.dataset_ids), f"`{e.subset}`" if e.subset else "any",
                 ", ".join(f"`{m}`" for m in e.metrics), e.bot_dataset_name, e.source]
        rows.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return head + "\n".join(rows) + "\n"
