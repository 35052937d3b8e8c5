"""Community Evals benchmarks: `eval.yaml` → `BenchmarkItem`, leaderboard rows → `BenchmarkLeaderboardItem`.

Leaderboard rows carry no task id (docs/community-evals.md §6): it is known when the benchmark has one task, or
when the model's own filed result (eval_results) matches the row's value and file. Optional keys
(`source`, `pullRequest`, `notes`) may be missing and unknown keys are ignored; only a row without
a model id or a numeric value is unusable.

`eval.yaml` is text from a dataset repo anyone can write: it is parsed bounded. At most MAX_YAML_CHARS, with a
loader that refuses anchors and aliases (a few hundred bytes of nested aliases, "billion laughs", expand to
gigabytes as soon as anything walks the value), and every text field is a scalar of bounded length before use.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

import yaml

from llmbench.items import BenchmarkItem, BenchmarkLeaderboardItem, EvalResultItem
from llmbench.parsing.eval_results import number

MAX_YAML_CHARS = 256 * 1024  # real eval.yaml files are a few hundred bytes
MAX_TEXT = 500  # characters of a name, a framework, a task id
MAX_TASKS = 1000


class SourceError(ValueError):
    """A source llmbench cannot read (invalid YAML, a body of the wrong shape)."""


class NoAliasSafeLoader(yaml.SafeLoader):
    """PyYAML's SafeLoader that refuses anchors and aliases: what it builds is as large as the text."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise SourceError(f"YAML anchors and aliases are not accepted (line {event.start_mark.line + 1})")
        return super().compose_node(parent, index)


def bounded_text(value: Any, field: str) -> str | None:
    """A scalar field as text of at most MAX_TEXT characters; SourceError for a list, a mapping, a long text."""
    if value is None:
        return None
    if isinstance(value, (list, dict, set, tuple)):
        raise SourceError(f"`{field}` is a {type(value).__name__}, not text")
    text = value if isinstance(value, str) else str(value)  # numbers, booleans, dates: short by nature
    if len(text) > MAX_TEXT:
        raise SourceError(f"`{field}` is {len(text)} characters long (at most {MAX_TEXT})")
    return text


def load_yaml(text: str) -> Any:
    """One YAML document, bounded in size and free of aliases; SourceError otherwise."""
    if len(text) > MAX_YAML_CHARS:
        raise SourceError(f"eval.yaml is {len(text)} characters long (at most {MAX_YAML_CHARS})")
    try:
        return yaml.load(text, Loader=NoAliasSafeLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise SourceError(f"invalid YAML: {' '.join(str(exc).split())[:300]}") from exc
    except RecursionError as exc:  # the pure-Python composer recurses once per nesting level
        raise SourceError("invalid YAML: nested too deeply") from exc


def benchmark_from_yaml(dataset_id: str, text: str, *, crawled_at: datetime) -> BenchmarkItem:
    """Name, framework and task ids of one `eval.yaml`; raises SourceError when it is unreadable."""
    document = load_yaml(text)
    if not isinstance(document, dict):
        raise SourceError(f"eval.yaml is a {type(document).__name__}, not a mapping")
    tasks = document.get("tasks") or []
    if not isinstance(tasks, list):
        raise SourceError("`tasks` is not a list")
    if len(tasks) > MAX_TASKS:
        raise SourceError(f"`tasks` lists {len(tasks)} tasks (at most {MAX_TASKS})")
    task_ids = [bounded_text(t["id"], "tasks[].id") for t in tasks if isinstance(t, dict) and t.get("id") is not None]
    return BenchmarkItem(dataset_id=dataset_id, name=bounded_text(document.get("name"), "name"),
                         framework=bounded_text(document.get("evaluation_framework"), "evaluation_framework"),
                         tasks=task_ids, crawled_at=crawled_at)


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
