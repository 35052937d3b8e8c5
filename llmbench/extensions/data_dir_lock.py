"""One crawl at a time per DATA_DIR: a second one refuses to start instead of doubling every request.

Two crawls on one DATA_DIR fetch the same pages twice and write the same rows twice (the dedup pipeline
only sees its own crawl). The crawl holds `fcntl.flock` on DATA_DIR/.llmbench.lock from start to end;
`scrapy crawl` and `scrapy crawlall` check it first and refuse with one line naming the lock file and the
pid holding it, exit 1. The kernel releases the lock when its process ends, even after `kill -9`, so a
lock file left behind never blocks. The lock is per crawl and per process: `crawlall`'s stages take it
in turn. A DATA_DIR that cannot hold the lock file (a file, not writable) is left to the parquet
pipeline, which stops the crawl with its own message.
"""

from __future__ import annotations

import os
from pathlib import Path

from scrapy import signals
from scrapy.crawler import Crawler

from llmbench.dir_locks import lock_holder, release_lock, take_lock

LOCK = ".llmbench.lock"


class DataDirInUse(RuntimeError):
    """Another live crawl holds this DATA_DIR."""


def data_dir_lock_file(data_dir: str | os.PathLike) -> Path:
    return Path(data_dir) / LOCK


def data_dir_in_use(data_dir: str | os.PathLike) -> str | None:
    """A one-line message if another live crawl holds `data_dir`, else None."""
    lock_file = data_dir_lock_file(data_dir)
    holder = lock_holder(lock_file)
    if holder is None:
        return None
    return (f"DATA_DIR {data_dir} is in use by a running crawl ({holder} holds {lock_file}); "
            "wait for it to end or use another DATA_DIR")


class DataDirLock:
    def __init__(self, crawler: Crawler, data_dir: str) -> None:
        self.lock_file: Path | None = data_dir_lock_file(data_dir)
        try:
            Path(data_dir).mkdir(parents=True, exist_ok=True)
            handle = take_lock(self.lock_file)
        except OSError:  # no lock file possible: the parquet pipeline stops the crawl, naming DATA_DIR
            self.lock_file = None
        else:
            if handle is None:
                raise DataDirInUse(data_dir_in_use(data_dir) or f"DATA_DIR {data_dir} is in use by a running crawl")
        crawler.signals.connect(self.engine_stopped, signal=signals.engine_stopped)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DataDirLock:
        return cls(crawler, crawler.settings.get("DATA_DIR"))

    def engine_stopped(self) -> None:
        if self.lock_file is not None:
            release_lock(self.lock_file)
