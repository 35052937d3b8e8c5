"""`scrapy crawl` that exits non-zero when a crawl failed or was interrupted (see llmbench.failures).

Exit status: 0 success, 1 failed (the reason on one line; also when another crawl holds DATA_DIR or
JOBDIR, before any request), 130 interrupted (Ctrl-C, or a forced shutdown with a second Ctrl-C); with
a JOBDIR the message says how to resume.
"""

from __future__ import annotations

import argparse

from scrapy.commands.crawl import Command as ScrapyCrawl
from scrapy.crawler import Crawler
from scrapy.exceptions import UsageError
from scrapy.utils.job import job_dir

from llmbench.commands import keep_startup_objects_out_of_gc, trust_ca_bundle
from llmbench.extensions.data_dir_lock import data_dir_in_use
from llmbench.extensions.jobdir_guard import jobdir_in_use
from llmbench.failures import EXIT_INTERRUPTED, crawl_failed, exit_code


def outcome_line(name: str, crawler: Crawler) -> str | None:
    """The one line to print after a crawl that did not succeed, or None."""
    reason = crawl_failed(crawler)
    if reason is None:
        return None
    if exit_code(crawler) == EXIT_INTERRUPTED:
        jobdir = crawler.settings.get("JOBDIR")
        resume = f"resume with -s JOBDIR={jobdir}" if jobdir else "no JOBDIR was set, so a new run starts over"
        return f"llmbench: crawl {name!r} {reason}; {resume}"
    return f"llmbench: crawl {name!r} failed: {reason}"


class Command(ScrapyCrawl):
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise UsageError("give exactly one spider name")
        trust_ca_bundle()
        assert self.crawler_process
        # imported here: Scrapy imports every command module on each start, and this one imports huggingface_hub
        from llmbench.startup import check_settings

        check_settings(self.settings)  # credentials in an endpoint, a bad CRAWL_DATE: one line, exit 2
        crawler = self.crawler_process.create_crawler(args[0])
        jobdir = job_dir(crawler.settings)
        busy = (jobdir_in_use(jobdir) if jobdir else None) or data_dir_in_use(crawler.settings.get("DATA_DIR"))
        if busy:  # DataDirLock and JobdirGuard enforce this too; here it is one line instead of a traceback
            print(f"llmbench: {busy}", flush=True)
            self.exitcode = 1
            return
        crawler.spider_arguments = dict(opts.spargs)  # for the run record (extensions/run_record.py)
        check_arguments = getattr(crawler.spidercls, "check_arguments", None)
        if check_arguments is not None:  # a bad -a argument: one line, exit 2, before any request
            check_arguments(crawler.settings, opts.spargs)
        keep_startup_objects_out_of_gc()
        self.crawler_process.crawl(crawler, **opts.spargs)
        self.crawler_process.start()
        if self.crawler_process.bootstrap_failed:
            self.exitcode = 1
            return
        line = outcome_line(args[0], crawler)
        if line:
            self.exitcode = exit_code(crawler)
            print(line, flush=True)
