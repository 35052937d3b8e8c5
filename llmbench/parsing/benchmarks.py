"""Community Evals benchmarks: `eval.yaml` → `BenchmarkItem`, leaderboard rows → `BenchmarkLeaderboardItem`.

Leaderboard rows carry no task id (docs/community-evals.md §6): it is known when the benchmark has one task, or
when the model's own filed result (eval_results) matches the row's value and file. Optional keys
(`source`, `pullRequest`, `notes`) may be missing and unknown keys are ignored; only a row without
a model id or a numeric value is unusable.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

import yaml

from llmbench.items import BenchmarkItem, BenchmarkLeaderboardItem, EvalResultItem
from llmbench.parsing.eval_results import number


class SourceError(ValueError):
    """A source llmbench cannot read (invalid YAML, a body of the wrong shape)."""


def benchmark_from_yaml(dataset_id: str, text: str, *, crawled_at: datetime) -> BenchmarkItem:
    """Name, framework and task ids of one `eval.yaml`; raises SourceError when it is unreadable."""
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise SourceError(f"invalid YAML: {' '.join(str(exc).split())}") from exc
    if not isinstance(document, dict):
        raise SourceError(f"eval.yaml is a {type(document).__name__}, not a mapping")
    tasks = document.get("tasks") or []
    if not isinstance(tasks, list):
        raise SourceError("`tasks` is not a list")
    task_ids = [str(t["id"]) for t in tasks if isinstance(t, dict) and t.get("id") is not None]
    name, framework = document.get("name"), document.get("evaluation_framework")
    return BenchmarkItem(dataset_id=dataset_id, name=str(name) if name is not None else None,
                         framework=str(framework) if framework is not None else None, tasks=task_ids,
                         crawled_at=crawled_at)


class TaskIndex:
    """(model, dataset, file, value) → task ids, from the results models filed (eval_results)."""

    def __init__(self) -> None:
        self._tasks: dict[tuple[str, str, str, float], set[str]] = defaultdict(set)

    def add(self, result: EvalResultItem) -> None:
        self._tasks[(result.model_id, result.dataset_id, result.filename, result.value)].add(result.task_id)

    def add_rows(self, rows: list[dict[str, Any]]) -> None:
        for row in rows:
            key = (row["model_id"], row["dataset_id"], row["filename"], row["value"])
            self._tasks[key].add(row["task_id"])

    def task_of(self, model_id: str, dataset_id: str, filename: str | None, value: float) -> str | None:
        tasks = self._tasks.get((model_id, dataset_id, filename or "", value), set())
        return next(iter(tasks)) if len(tasks) == 1 else None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def board_row(dataset_id: str, row: Any, *, crawled_at: datetime) -> BenchmarkLeaderboardItem | None:
    """One leaderboard row (task id not yet set), or None when the row is unusable."""
    if not isinstance(row, dict) or not _text(row.get("modelId")):
        return None
    value = number(row.get("value"))
    if value is None:
        return None
    source = row.get("source") if isinstance(row.get("source"), dict) else {}
    author = row.get("author") if isinstance(row.get("author"), dict) else {}
    rank, pull = row.get("rank"), row.get("pullRequest")
    external = source.get("isExternal")
    return BenchmarkLeaderboardItem(
        dataset_id=dataset_id,
        task_id=None,
        rank=rank if isinstance(rank, int) and not isinstance(rank, bool) else None,
        model_id=row["modelId"],
        value=value,
        verified=row["verified"] if isinstance(row.get("verified"), bool) else None,
        source_url=_text(source.get("url")),
        source_name=_text(source.get("name")),
        source_is_external=external if isinstance(external, bool) else None,
        author=_text(author.get("name")) or row["modelId"].split("/", 1)[0],
        author_type=_text(author.get("type")),
        pull_request=pull if isinstance(pull, int) and not isinstance(pull, bool) else None,
        notes=_text(row.get("notes")),
        filename=_text(row.get("filename")),
        crawled_at=crawled_at,
    )
