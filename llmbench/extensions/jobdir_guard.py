"""Make `-s JOBDIR=...` safe after a crash or `kill -9`, not only after Ctrl-C (docs/resume.md).

Scrapy's JOBDIR state is consistent only after a clean stop: the disk queues' indexes, the
seen-requests file and `spider.state` are written on close. After a hard kill the next run could replay
stale requests (duplicates), lose new ones pushed over them (gaps) and read an old `spider.state`. This
guard leaves a marker in JOBDIR while a crawl runs and removes it on any orderly close (finished, Ctrl-C,
error). If the marker is still there at start-up, the previous run died: its request queue, seen-requests
file and spider state are moved aside into JOBDIR/stale-<time>/, and the spiders start over from what is
on disk (rows already written are skipped: the dedup pipeline, model_pages' sized models).

A live JOBDIR is locked (`fcntl.flock` on JOBDIR/llmbench.lock, released by the kernel even after
`kill -9`): a second crawl on it stops with one line instead of taking the live crawl for a dead one.
Nothing in JOBDIR is deleted: stale state is moved aside, never over an earlier stale-* directory.
"""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path
from typing import IO, Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.utils.job import job_dir

from llmbench.dir_locks import lock_holder, release_lock, take_lock

logger = logging.getLogger(__name__)

MARKER = "llmbench.running"
LOCK = "llmbench.lock"
SCRAPY_STATE = ("requests.queue", "requests.seen", "spider.state")


class JobdirInUse(RuntimeError):
    """Another live crawl holds this JOBDIR."""


def lock_jobdir(jobdir: Path) -> IO[str] | None:
    """Take JOBDIR's lock for this process (held until released or the process ends); None if taken."""
    jobdir.mkdir(parents=True, exist_ok=True)
    return take_lock(jobdir / LOCK)


def release_jobdir(jobdir: Path) -> None:
    release_lock(jobdir / LOCK)


def jobdir_in_use(jobdir: str | os.PathLike) -> str | None:
    """A one-line message if a live crawl holds `jobdir`, else None (checks without keeping the lock)."""
    path = Path(jobdir)
    holder = lock_holder(path / LOCK)
    if holder is None:
        return None
    return f"JOBDIR {path} is in use by a running crawl ({holder}); wait for it to end or use another JOBDIR"


class JobdirGuard:
    def __init__(self, crawler: Crawler, jobdir: Path) -> None:
        self.crawler = crawler
        self.jobdir = jobdir
        if lock_jobdir(jobdir) is None:
            raise JobdirInUse(jobdir_in_use(jobdir) or f"JOBDIR {jobdir} is in use by a running crawl")
        self.marker = jobdir / MARKER
        self.set_aside: Path | None = None
        if self.marker.exists():
            self.set_aside = self.discard_stale_state(jobdir)
        jobdir.mkdir(parents=True, exist_ok=True)
        self.marker.write_text(f"pid {os.getpid()} since {time.strftime('%Y-%m-%dT%H:%M:%S')}\n")
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> JobdirGuard:
        jobdir = job_dir(crawler.settings)
        if not jobdir:
            raise NotConfigured
        return cls(crawler, Path(jobdir))

    @staticmethod
    def discard_stale_state(jobdir: Path) -> Path:
        stamp = time.strftime('%Y%m%d-%H%M%S')
        target, n = jobdir / f"stale-{stamp}", 1
        while target.exists():  # never move onto an earlier stale state
            n += 1
            target = jobdir / f"stale-{stamp}-{n}"
        target.mkdir(parents=True)
        for name in SCRAPY_STATE:
            if (jobdir / name).exists():
                (jobdir / name).rename(target / name)
        logger.warning("JOBDIR %s: the previous run did not stop cleanly; its request queue is unreliable and was "
                       "moved to %s; starting over, skipping the data already on disk", jobdir, target)
        return target

    def spider_opened(self, spider: Any) -> None:
        if self.set_aside is not None:
            self.crawler.stats.set_value("jobdir/unclean_previous_run", 1)

    def spider_closed(self, spider: Any, reason: str) -> None:
        self.marker.unlink(missing_ok=True)
        release_jobdir(self.jobdir)  # the next stage of `scrapy crawlall` may take it
