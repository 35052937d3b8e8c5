"""Exact resume for spiders that follow one chain of requests per model (model_pages).

After Ctrl-C, Scrapy keeps the pending requests in JOBDIR's queue and `spider.state` beside it. A
spider that re-yields every unfinished model at start would fetch again what that queue already
holds; this mixin remembers which models have a request outstanding (in `spider.state`, saved with
the queue) and skips them at start. Should the queue not bring one back (a request lost at shutdown),
that model starts again once the crawl falls idle, so nothing is ever dropped.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import scrapy
from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Response

QUEUED = "queued_models"  # spider.state key


class ChainResume:
    """Mixin for a scrapy.Spider with `begin(model_id)` yielding the first request or item of a model's chain."""

    queued: set[str]
    awaiting: set[str]

    def setup_resume(self, crawler: Any) -> None:
        self.queued = set()  # models with a request outstanding in this run
        self.awaiting = set()  # resumed: models the saved queue should bring back
        crawler.signals.connect(self._on_idle, signal=signals.spider_idle)

    def skip_queued(self, targets: Iterable[str]) -> list[str]:
        """With a resumed queue, the models whose requests it holds; remember ours for a later resume."""
        state = getattr(self, "state", None)
        if state is None:  # no JOBDIR
            return list(targets)
        scheduler = self.crawler.engine.scheduler
        if scheduler is not None and scheduler.has_pending_requests():
            self.awaiting = set(state.get(QUEUED, ()))
        state[QUEUED] = self.queued
        return [t for t in targets if t not in self.awaiting]

    def track(self, model_id: str, request: scrapy.Request) -> scrapy.Request:
        self.queued.add(model_id)
        return request

    def settle(self, model_id: str) -> None:
        """The model's chain ended (written, or left for a later run)."""
        self.queued.discard(model_id)
        self.awaiting.discard(model_id)

    def _on_idle(self) -> None:
        lost, self.awaiting = sorted(self.awaiting - self.queued), set()
        if lost:
            self.logger.warning("%d models were not in the saved queue after all: starting them again", len(lost))
            self.crawler.engine.crawl(scrapy.Request("data:,", callback=self._restart, cb_kwargs={"models": lost},
                                                     dont_filter=True))
            raise DontCloseSpider

    def _restart(self, response: Response, models: list[str]) -> Iterator[Any]:
        for model_id in models:
            yield from self.begin(model_id)
