"""The data layout: DATA_DIR/<dataset>/crawl_date=YYYY-MM-DD/part-*.parquet, and how to read it back.

Each crawl adds files to the partition of its start date, so repeated crawls keep dated snapshots side
by side; readers take the latest partition unless told otherwise. Files are written under a temporary
name and renamed into place, so a reader never sees half a file.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from llmbench.items import ITEM_CLASSES

PARTITION = re.compile(r"^crawl_date=(\d{4}-\d{2}-\d{2})$")
KEYS = {item_class.dataset: item_class.key_fields for item_class in ITEM_CLASSES}


class DatasetError(RuntimeError):
    """A dataset that is missing, empty or unreadable; the message names the path."""


def crawl_date(configured: str | None = None) -> date:
    """The partition a crawl writes to: CRAWL_DATE when set (backfills, tests), else today in UTC."""
    if configured:
        return date.fromisoformat(configured)
    return datetime.now(UTC).date()


def partition_dir(data_dir: str | os.PathLike, dataset: str, crawl_date: date) -> Path:
    return Path(data_dir) / dataset / f"crawl_date={crawl_date.isoformat()}"


def snapshots(data_dir: str | os.PathLike, dataset: str) -> list[str]:
    """Crawl dates with at least one finished file, oldest first."""
    root = Path(data_dir) / dataset
    if not root.is_dir():
        return []
    out = []
    for child in root.iterdir():
        match = PARTITION.match(child.name)
        if match and child.is_dir() and any(child.glob("*.parquet")):
            out.append(match.group(1))
    return sorted(out)


def snapshot_files(data_dir: str | os.PathLike, dataset: str, crawl_date: str | None = None) -> list[Path]:
    """The finished parquet files of one snapshot (the latest by default)."""
    dates = snapshots(data_dir, dataset)
    if not dates:
        raise DatasetError(f"no `{dataset}` snapshot under {Path(data_dir) / dataset}: run `scrapy crawl` first")
    chosen = crawl_date or dates[-1]
    if chosen not in dates:
        raise DatasetError(f"no `{dataset}` snapshot for {chosen} under {Path(data_dir) / dataset}; have {dates}")
    return sorted(partition_dir(data_dir, dataset, date.fromisoformat(chosen)).glob("*.parquet"))


def read_snapshot(data_dir: str | os.PathLike, dataset: str, crawl_date: str | None = None) -> pa.Table:
    """All rows of one snapshot as one table; a corrupt file raises DatasetError naming it.

    A snapshot can hold several runs of the same day (a re-crawl, or a crawl resumed after a crash):
    rows with the same key (items.py `key_fields`) are kept once, the most recently crawled.
    """
    tables = []
    for path in snapshot_files(data_dir, dataset, crawl_date):
        try:
            tables.append(pq.read_table(path))
        except (pa.ArrowException, OSError) as exc:
            raise DatasetError(f"corrupt parquet file {path}: {exc}") from exc
    table = pa.concat_tables(tables, promote_options="default") if len(tables) > 1 else tables[0]
    if table.num_rows == 0:
        raise DatasetError(f"`{dataset}` snapshot under {Path(data_dir) / dataset} has no rows")
    return latest_per_key(table, KEYS.get(dataset, ()))


def latest_per_key(table: pa.Table, keys: tuple[str, ...]) -> pa.Table:
    """One row per key, the one with the newest `crawled_at` (file order breaks ties)."""
    if not keys or not set(keys) <= set(table.column_names) or "crawled_at" not in table.column_names:
        return table
    frame = table.select([*keys, "crawled_at"]).to_pandas()
    frame["_row"] = range(len(frame))
    newest = frame.sort_values(["crawled_at", "_row"], ascending=False, kind="stable").drop_duplicates(list(keys))
    if len(newest) == table.num_rows:
        return table
    return table.take(pa.array(sorted(newest["_row"].tolist())))


def partition_keys(data_dir: str | os.PathLike, dataset: str, day: date) -> set[tuple]:
    """Keys of the rows already written to one partition (a crawl resumed after a crash)."""
    keys = KEYS[dataset]
    found: set[tuple] = set()
    for path in sorted(partition_dir(data_dir, dataset, day).glob("*.parquet")):
        table = pq.read_table(path, columns=list(keys))
        found.update(zip(*(table.column(k).to_pylist() for k in keys), strict=True))
    return found


def data_dir_problem(data_dir: str | os.PathLike) -> str | None:
    """Why datasets cannot be written under `data_dir` (one line), or None when they can."""
    path = Path(data_dir)
    if path.exists() and not path.is_dir():
        return f"DATA_DIR {path} is a file, not a directory"
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path, prefix=".llmbench-write-test-"):
            pass
    except OSError as exc:
        return f"DATA_DIR {path} cannot be written: {exc.strerror or exc}"
    return None


# Only llmbench's own temporary parts: `.part-<HHMMSS>-<8 hex>-<5 digits>.parquet.<pid>.tmp`.
STRAY_PART = re.compile(r"^\.part-\d{6}-[0-9a-f]{8}-\d{5}\.parquet\.(\d+)\.tmp$")


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stray_parts(data_dir: str | os.PathLike) -> list[Path]:
    """Delete the temporary parts a killed crawl left behind, and nothing else.

    Only files named like write_atomically's temporaries, inside a dataset partition, whose writing
    process no longer runs; a live crawl's temporary and every file llmbench did not write stay.
    """
    removed = []
    for path in Path(data_dir).glob("*/crawl_date=*/.part-*.tmp"):
        match = STRAY_PART.match(path.name)
        if match and path.is_file() and not process_alive(int(match.group(1))):
            path.unlink()
            removed.append(path)
    return removed


def write_atomically(table: pa.Table, path: Path) -> None:
    """Write `path` via a temporary name and rename: readers see the whole file or none.

    A failed write (a full disk, EFBIG) removes its temporary, freeing the space, and raises OSError.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")  # the pid tells a stray from a live write
    try:
        pq.write_table(table, tmp, compression="zstd")
        with open(tmp, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):  # our own half-written temporary (a full disk): never left to be read
            tmp.unlink(missing_ok=True)
        raise
