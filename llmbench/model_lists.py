"""The `-a models=` argument: a comma list, a file, or the latest `hub` snapshot; every id validated locally.

Nothing here touches the network: a missing or empty file, or an id huggingface_hub would reject
(`../../etc/passwd`), stops the crawl with a one-line `UsageError` before the first request.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
from scrapy.exceptions import UsageError

from llmbench.repo_ids import repo_id_problem
from llmbench.storage import DatasetError, read_snapshot

LIST_SUFFIXES = (".txt", ".csv", ".parquet")
HEADER_WORDS = ("model_id", "model")


def argument_error(name: str, message: str) -> UsageError:
    """A one-line usage error naming the `-a` argument; `scrapy crawl` prints it without a traceback."""
    return UsageError(f"-a {name}: {message}", print_help=False)


def _read_file(path: Path) -> list[str]:
    if path.suffix == ".parquet":
        table = pq.read_table(path)
        column = "model_id" if "model_id" in table.column_names else table.column_names[0]
        return [str(v).strip() for v in table.column(column).to_pylist() if v not in (None, "")]
    lines = [line.split(",")[0].strip() for line in path.read_text(errors="replace").splitlines()]
    return [line for line in lines if line and line not in HEADER_WORDS]


def _read(spec: str, data_dir: str) -> tuple[list[str], str]:
    """The raw ids and where they came from (for messages)."""
    if spec == "hub":
        try:
            return read_snapshot(data_dir, "hub_models").column("model_id").to_pylist(), "the hub snapshot"
        except DatasetError as exc:
            raise argument_error("models", str(exc)) from None
    path = Path(spec)
    if spec and path.is_file():
        try:
            return _read_file(path), f"file {spec}"
        except (OSError, ValueError) as exc:
            raise argument_error("models", f"cannot read {spec}: {exc}") from None
    if path.suffix in LIST_SUFFIXES or (spec and path.is_dir()):
        raise argument_error("models", f"no such file: {spec}")
    return [part.strip() for part in spec.split(",") if part.strip()], "the list"


def load_models(spec: str | None, data_dir: str) -> list[str] | None:
    """`-a models=` → the ids in order, duplicates removed; None when the argument was not given.

    Raises UsageError naming the argument for a missing or empty file, an empty list, or invalid ids.
    """
    if spec is None:
        return None
    ids, origin = _read(spec.strip(), data_dir)
    if not ids:
        raise argument_error("models", f"{origin} names no model id")
    bad = [(i, problem) for i in ids if (problem := repo_id_problem(i))]
    if bad:
        shown = ", ".join(f"{i!r} ({problem})" for i, problem in bad[:3])
        more = f" and {len(bad) - 3} more" if len(bad) > 3 else ""
        raise argument_error("models", f"invalid repo id in {origin}: {shown}{more}")
    return list(dict.fromkeys(ids))
