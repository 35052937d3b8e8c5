"""Rows under a legacy id (the board's two `gpt2` rows): written with the id the Hub redirects them to.

The board spells ids as they were when evaluated; `gpt2` now lives at `openai-community/gpt2` (the Hub
answers a 307). Such rows wait for one API question per id (llmbench/canonical.py, cached under
DATA_DIR), then carry `canonical_id`, by which `-a models=` also finds them. If the question fails the
rows are written without it: the row is still the board's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from scrapy.http import Response

from llmbench.canonical import CanonicalIds
from llmbench.repo_ids import has_namespace, normalize_repo_id
from llmbench.spiders.leaderboard.dataset_path import API_META

if TYPE_CHECKING:
    from llmbench.spiders.leaderboard.spider import LeaderboardSpider


class CanonicalRows:
    """Hold legacy-id rows until their canonical id is known, then release them to the spider's selection."""

    def __init__(self, spider: LeaderboardSpider) -> None:
        self.spider = spider
        self.settings = spider.settings
        self.crawler = spider.crawler
        self.logger = spider.logger  # the spider's: log lines keep its name
        self.canonical = CanonicalIds.from_crawler(spider.crawler)
        self.waiting: dict[str, list[Any]] = {}
        self.asked: set[str] = set()

    def needs_canonical(self, item: Any) -> bool:
        """True when the item must wait for the Hub's answer; else its `canonical_id` is set now."""
        if has_namespace(item.model_id) or not self.may_be_wanted(item.model_id):
            return False
        if not self.canonical.needs_lookup(item.model_id, getattr(item, "url", None)):  # cached, or invalid
            item.canonical_id = self.canonical.redirect_of(item.model_id)
            return False
        self.waiting.setdefault(item.model_id, []).append(item)
        return True

    def may_be_wanted(self, legacy_id: str) -> bool:
        """Without a list, every row is; with one, only when an id on it could be this one's canonical id
        (`gpt2` → `<namespace>/gpt2`): no question is asked for rows nobody requested."""
        wanted = self.spider.wanted
        if wanted is None:
            return True
        key = normalize_repo_id(legacy_id)
        return any(wanted == key or wanted.rsplit("/", 1)[-1] == key for wanted in wanted)

    def canonical_requests(self):
        for model_id in [m for m in self.waiting if m not in self.asked]:
            self.asked.add(model_id)
            yield self.canonical.request(model_id, callback=self.spider.parse_canonical,
                                         errback=self.spider.canonical_failed,
                                         cb_kwargs={"model_id": model_id}, meta=dict(API_META))

    def parse_canonical(self, response: Response, model_id: str):
        if self.canonical.learn(model_id, response) is None:
            self.crawler.stats.inc_value("leaderboard/canonical_unresolved")
            self.logger.warning("the Hub knows no repo %r (%s, HTTP %d); its rows are written without canonical_id",
                                model_id, response.url, response.status)
        yield from self.release(model_id)

    def canonical_failed(self, failure: Any):
        model_id = failure.request.cb_kwargs["model_id"]
        self.crawler.stats.inc_value("leaderboard/canonical_unresolved")
        self.logger.warning("could not ask where %r lives (%s: %r); its rows are written without canonical_id",
                            model_id, failure.request.url, failure.value)
        yield from self.release(model_id)

    def release(self, model_id: str):
        for item in self.waiting.pop(model_id, []):
            item.canonical_id = self.canonical.redirect_of(model_id)
            if self.spider.keep(item):
                yield item
