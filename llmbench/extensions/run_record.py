"""A machine-readable record of every crawl: DATA_DIR/_runs/<spider>-<start>.json.

Written when the spider opens (`"status": "running"`) and rewritten when the engine stops, with the
final stats, the spider arguments, the outcome (`finished`, `failed`, `interrupted`), the reason and
the exit status the `crawl` command gives. A record still saying "running" belongs to a crawl that was
killed or force-stopped. Never holds the HF token: stats and arguments have no reason to carry it,
and any occurrence of its value is redacted before writing, to be sure.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler

from llmbench.credentials import without_userinfo
from llmbench.failures import EXIT_INTERRUPTED, crawl_failed, exit_code
from llmbench.hub_endpoint import hub_token

logger = logging.getLogger(__name__)

RUNS_DIR = "_runs"
REDACTED = "<redacted>"


def run_record_path(data_dir: str | os.PathLike, spider: str, started: datetime) -> Path:
    return Path(data_dir) / RUNS_DIR / f"{spider}-{started:%Y%m%dT%H%M%S%fZ}.json"


def outcome(crawler: Crawler) -> tuple[str, str | None, int]:
    reason = crawl_failed(crawler)
    code = exit_code(crawler)
    if reason is None:
        return "finished", None, code
    return ("interrupted" if code == EXIT_INTERRUPTED else "failed"), reason, code


class RunRecord:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.started = datetime.now(UTC)
        self.path: Path | None = None
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.engine_stopped, signal=signals.engine_stopped)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RunRecord:
        return cls(crawler)

    def record(self, status: str, reason: str | None, code: int | None) -> dict[str, Any]:
        settings = self.crawler.settings
        return {
            "spider": self.crawler.spider.name if self.crawler.spider else None,
            "arguments": getattr(self.crawler, "spider_arguments", {}),
            "started": self.started.isoformat(),
            "finished": datetime.now(UTC).isoformat() if code is not None else None,
            "status": status,
            "reason": reason,
            "exit_status": code,
            "crawl_date": settings.get("CRAWL_DATE") or None,
            # where the crawl asked (never with a user or password); the analysis reports it as provenance
            "hub_endpoint": without_userinfo(settings.get("HUB_ENDPOINT") or "") or None,
            "jobdir": settings.get("JOBDIR") or None,
            "stats": self.crawler.stats.get_stats(),
        }

    def spider_opened(self, spider: Any) -> None:
        self.path = run_record_path(self.crawler.settings.get("DATA_DIR"), spider.name, self.started)
        self.write(self.record("running", None, None))

    def engine_stopped(self) -> None:
        if self.path is not None:
            self.write(self.record(*outcome(self.crawler)))

    def write(self, record: dict[str, Any]) -> None:
        assert self.path is not None
        text = json.dumps(record, indent=1, sort_keys=True, default=str)
        token = hub_token()
        if token:
            text = text.replace(token, REDACTED)
        tmp = self.path.with_name(f".{self.path.name}.tmp")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_text(text + "\n")
            os.replace(tmp, self.path)
            return
        except OSError as exc:
            with contextlib.suppress(OSError):
                tmp.unlink(missing_ok=True)
            error = exc
        if record["status"] != "running" and self.path.is_file():
            # A full disk has no room for a second copy: the final record, without the stats, over the
            # "running" one (whose blocks it reuses), so the run never stays "running".
            brief = json.dumps({**record, "stats": None, "stats_omitted": f"could not write them: {error}"},
                               default=str)
            if token:
                brief = brief.replace(token, REDACTED)
            try:
                with open(self.path, "r+") as handle:
                    handle.truncate(0)
                    handle.write(brief + "\n")
                return
            except OSError:
                pass
        logger.warning("could not write the run record %s: %s", self.path, error.strerror or error)
