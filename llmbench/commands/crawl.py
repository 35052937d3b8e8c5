"""`scrapy crawl` that exits non-zero when a crawl failed loudly (see llmbench.failures)."""

from __future__ import annotations

import argparse

from scrapy.commands.crawl import Command as ScrapyCrawl
from scrapy.exceptions import UsageError

from llmbench.failures import crawl_failed


class Command(ScrapyCrawl):
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise UsageError("give exactly one spider name")
        assert self.crawler_process
        crawler = self._create_crawler(args[0])
        self.crawler_process.crawl(crawler, **opts.spargs)
        self.crawler_process.start()
        if self.crawler_process.bootstrap_failed:
            self.exitcode = 1
            return
        reason = crawl_failed(crawler)
        if reason:
            self.exitcode = 1
            print(f"llmbench: crawl {args[0]!r} failed: {reason}", flush=True)
