"""`scrapy crawlall` (alias `scrapy pipeline`): hub → benchmarks → leaderboard → model_pages in one process, in order.

Each stage starts when the previous one finished: `benchmarks` adds to `hub_models` the board models
the `hub` stage did not list, and `model_pages` sizes every model of that snapshot left unsized.
A stage that fails loudly (see llmbench.failures) or fails to start stops the pipeline with a message
naming it, and the command exits 1; an interrupted stage (Ctrl-C, twice for a forced shutdown) stops
it too, exit 130. "all stages finished" is printed only when every stage was.

    scrapy crawlall                      # hub top 100, the whole leaderboard, sizes for the unsized
    scrapy crawlall --limit all -s JOBDIR=...   # (JOBDIR is per crawl: prefer separate runs for resume)
"""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError
from scrapy.utils.job import job_dir
from twisted.internet.defer import Deferred

from llmbench.commands import keep_startup_objects_out_of_gc, trust_ca_bundle
from llmbench.extensions.data_dir_lock import data_dir_in_use
from llmbench.extensions.jobdir_guard import jobdir_in_use
from llmbench.failures import EXIT_FAILED, EXIT_INTERRUPTED, crawl_failed, exit_code

STAGES = ("hub", "benchmarks", "leaderboard", "model_pages")


class Command(ScrapyCommand):
    requires_project = True
    name = "crawlall"  # printed in every line, so the alias reports under its own name

    def syntax(self) -> str:
        return "[options]"

    def short_desc(self) -> str:
        return "Run hub → benchmarks → leaderboard → model_pages in one process, in order"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--limit", default="100", help="hub spider: number of models or 'all' (default 100)")
        parser.add_argument("--leaderboard-source", default="browser", choices=("browser", "dataset"),
                            help="leaderboard spider: the rendered board (default) or the contents dataset")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if args:
            raise UsageError(f"scrapy {self.name} takes no spider names")
        stages: list[tuple[str, dict[str, Any]]] = [
            ("hub", {"limit": opts.limit}),
            ("benchmarks", {}),
            ("leaderboard", {"source": opts.leaderboard_source}),
            ("model_pages", {}),
        ]
        trust_ca_bundle()
        assert self.crawler_process
        # imported here: Scrapy imports every command module on each start, and this one imports huggingface_hub
        from llmbench.startup import check_settings

        check_settings(self.settings)  # before any stage: one line, exit 2 (llmbench/startup.py)
        jobdir = job_dir(self.settings)
        busy = (jobdir_in_use(jobdir) if jobdir else None) or data_dir_in_use(self.settings.get("DATA_DIR"))
        if busy:
            print(f"llmbench {self.name}: {busy}", flush=True)
            self.exitcode = EXIT_FAILED
            return
        self.completed = False
        keep_startup_objects_out_of_gc()  # before any stage: each stage's crawler stays collectable
        asyncio.get_event_loop().create_task(self.run_stages(stages))
        self.crawler_process.start(stop_after_crawl=False)
        if not self.completed and self.exitcode == 0:  # the reactor stopped under a running stage
            self.exitcode = EXIT_INTERRUPTED
            print(f"llmbench {self.name}: interrupted (forced shutdown); later stages were not run", flush=True)

    async def run_stages(self, stages: list[tuple[str, dict[str, Any]]]) -> None:
        try:
            for number, (name, kwargs) in enumerate(stages, 1):
                print(f"llmbench {self.name}: stage {number}/{len(stages)}: {name}", flush=True)
                crawler = self.crawler_process.create_crawler(name)
                crawler.spider_arguments = dict(kwargs)  # for the run record (extensions/run_record.py)
                running = self.crawler_process.crawl(crawler, **kwargs)
                try:
                    if isinstance(running, Deferred):
                        await running.asFuture(asyncio.get_event_loop())
                    else:
                        await running
                except Exception as exc:  # noqa: BLE001 - any start-up failure stops the pipeline
                    self.stop_with(name, f"could not run: {exc!r}", EXIT_FAILED)
                    return
                reason = crawl_failed(crawler)
                if reason:
                    self.stop_with(name, reason, exit_code(crawler))
                    return
            self.completed = True
            print(f"llmbench {self.name}: all stages finished", flush=True)
        finally:
            from twisted.internet import reactor

            if reactor.running:
                reactor.callLater(0, reactor.stop)

    def stop_with(self, stage: str, reason: str, code: int) -> None:
        self.exitcode = code
        print(f"llmbench {self.name}: stage {stage!r} failed ({reason}); later stages were not run", flush=True)
