"""One crawl date per crawl, pinned in JOBDIR: a resume after UTC midnight writes the same partition.

The date is decided once, before any pipeline or spider reads it, and written back into the
`CRAWL_DATE` setting, so the writer, the dedup pipeline and the spiders agree even when a crawl runs
across midnight. With a JOBDIR, the first run pins it in JOBDIR/llmbench.crawl_date and every resume
uses that date, whatever today is (an explicit CRAWL_DATE that differs is overridden, with a warning).
"""

from __future__ import annotations

import logging
from pathlib import Path

from scrapy.crawler import Crawler
from scrapy.settings import SETTINGS_PRIORITIES
from scrapy.utils.job import job_dir

from llmbench.storage import crawl_date

logger = logging.getLogger(__name__)

PIN = "llmbench.crawl_date"


def pinned_date(jobdir: Path, chosen: str, explicit: str | None) -> str:
    """The date pinned in `jobdir`, pinning `chosen` on the first run."""
    pin = jobdir / PIN
    if not pin.exists():
        jobdir.mkdir(parents=True, exist_ok=True)
        pin.write_text(chosen + "\n")
        return chosen
    pinned = crawl_date(pin.read_text().strip()).isoformat()
    if explicit and explicit != pinned:
        logger.warning("JOBDIR %s belongs to the crawl of %s: resuming into that snapshot, not CRAWL_DATE=%s "
                       "(use a new JOBDIR for a new snapshot)", jobdir, pinned, explicit)
    return pinned


class CrawlDatePin:
    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        explicit = settings.get("CRAWL_DATE") or None
        chosen = crawl_date(explicit).isoformat()
        jobdir = job_dir(settings)
        if jobdir:
            chosen = pinned_date(Path(jobdir), chosen, explicit)
        priority = max(settings.getpriority("CRAWL_DATE") or 0, SETTINGS_PRIORITIES["cmdline"])
        settings.set("CRAWL_DATE", chosen, priority=priority)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlDatePin:
        return cls(crawler)
