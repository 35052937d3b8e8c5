"""`scrapy crawl hub`: model ids and metadata from the Hub API, one request per page of up to 500.

    scrapy crawl hub                          # top 100 text-generation models by downloads
    scrapy crawl hub -a limit=all             # every matching model (follows the Link header)
    scrapy crawl hub -a search=llama -a author=meta-llama -a sort=likes

Each list request asks with `expand` for every field the item needs (sizes included), so there is
never a request per model. Each list page is one item, a HubModelsPage holding its models and their
eval results: llmbench's pipelines and feed exporters work on its rows (`-O models.parquet` still has one
row per model), and Scrapy's item counts (`item_scraped_count`, CLOSESPIDER_ITEMCOUNT) count pages;
`-a limit=N` counts models, exactly. With `-s JOBDIR=...` a crawl stopped cleanly (Ctrl-C) continues from
Scrapy's saved queue, `spider.state` keeping the models counted and the next page; after a crash it
reads the listing again from the first page and the dedup pipeline skips the rows already written
(docs/resume.md).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import scrapy
from scrapy.exceptions import CloseSpider
from scrapy.http import Response
from scrapy.settings import BaseSettings

from llmbench.download_bounds import LARGE_ANSWER, already_reported
from llmbench.failures import fail_crawl
from llmbench.hub_endpoint import SORTS
from llmbench.items import HubModelsPage
from llmbench.pagination import LinkPagination, PaginationError
from llmbench.parsing.eval_results import InvalidResultsReporter, parse_eval_results
from llmbench.parsing.hub_models import API_EXPAND, HubShapeError, item_from_api
from llmbench.parsing.model_index import parse_model_index
from llmbench.spiders.base import BaseSpider, choice, positive_int

MAX_PAGE_SIZE = 1000
SHOWN_INVALID = 20  # invalid entries logged one by one; the rest are counted only
# spider.state keys (saved in JOBDIR by Scrapy's SpiderState on a clean stop; docs/resume.md)
NEXT_PAGE, MODELS_SEEN = "next_page", "models_seen"


class HubSpider(BaseSpider):
    name = "hub"
    # The REST API is a documented interface for programs; its RateLimit headers govern us, not robots.txt.
    custom_settings = {"ROBOTSTXT_OBEY": False}
    arguments = ("limit", "page_size", "pipeline_tag", "sort", "search", "author")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.models_seen = 0
        self.pages = 0
        self.invalid_entries = 0
        self.invalid_results: InvalidResultsReporter | None = None
        self.invalid_cards: InvalidResultsReporter | None = None
        self._parse_page, self._page_failed = self.parse_page, self.page_failed

    @classmethod
    def parse_arguments(cls, settings: BaseSettings, arguments: dict[str, Any]) -> dict[str, Any]:
        # huggingface.js asks for min(remaining, 500); larger pages have produced 5xx (docs/hub-api.md §3).
        page_size = min(MAX_PAGE_SIZE, positive_int(arguments, "page_size", 500))
        limit = positive_int(arguments, "limit", 100, allow_all=True)
        query = {"pipeline_tag": arguments.get("pipeline_tag", "text-generation") or None,
                 "sort": choice(arguments, "sort", SORTS, "downloads"),
                 "search": arguments.get("search"), "author": arguments.get("author")}
        # progress: models (stat hub/models_seen) against the limit, not items (pages)
        return {"page_size": page_size, "limit": limit, "query": query, "progress_total": limit,
                "progress_stat": "hub/models_seen"}

    @classmethod
    def from_crawler(cls, crawler, *args: Any, **kwargs: Any) -> HubSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.invalid_results = InvalidResultsReporter(crawler, spider.logger, "hub/eval_results/invalid")
        spider.invalid_cards = InvalidResultsReporter(crawler, spider.logger, "hub/card_results/invalid",
                                                      what="card result")
        spider.pagination = LinkPagination(crawler.settings.get("HUB_ENDPOINT"))
        return spider

    # -- requests -----------------------------------------------------------------------------
    def first_page_url(self) -> str:
        size = self.page_size if self.limit is None else min(self.limit, self.page_size)
        params = [(k, v) for k, v in self.query.items() if v]
        params.append(("limit", str(size)))
        params += [("expand", prop) for prop in API_EXPAND]
        return self.urls.model_list(params)

    def page_request(self, url: str) -> scrapy.Request:
        # dont_filter: a crash-stale dupefilter must not hide a page on resume (repeats: LinkPagination).
        # One bound method for every page: Scrapy caches its check of a callback's source by the callable,
        # and a fresh `self.parse_page` per request missed that cache (the source re-parsed per page).
        # LARGE_ANSWER: a page of up to 1000 models with `expand` is a few MB (llmbench/download_bounds.py).
        return scrapy.Request(url, callback=self._parse_page, errback=self._page_failed, dont_filter=True,
                              meta=LARGE_ANSWER)

    async def start(self):
        # spider.state exists with a JOBDIR; it holds our keys only after a clean stop (JobdirGuard sets a
        # crashed run's state aside, and a crash restarts from the first page: rows on disk are deduped).
        state = getattr(self, "state", None)
        if state is None or MODELS_SEEN not in state:
            self.pagination.visit(self.first_page_url())
            yield self.page_request(self.first_page_url())
            return
        self.models_seen = state[MODELS_SEEN]
        scheduler = self.crawler.engine.scheduler
        if scheduler is not None and scheduler.has_pending_requests():
            self.logger.info("resuming from JOBDIR: the saved request queue continues the crawl")
        elif state[NEXT_PAGE]:
            self.logger.info("resuming from JOBDIR after %d models at %s", self.models_seen, state[NEXT_PAGE])
            self.pagination.visit(state[NEXT_PAGE])
            yield self.page_request(state[NEXT_PAGE])
        else:
            self.logger.info("JOBDIR says this crawl already finished; nothing to do")

    # -- parsing ------------------------------------------------------------------------------
    def parse_page(self, response: Response):
        self.pages += 1
        self.crawler.stats.inc_value("hub/pages")
        try:
            entries = json.loads(response.text)
        except ValueError as exc:
            fail_crawl(self.crawler, "hub/malformed_pages", f"malformed JSON from {response.url}: {exc}")
            raise CloseSpider("malformed_page") from exc
        if not isinstance(entries, list):
            fail_crawl(self.crawler, "hub/unexpected_shape",
                       f"expected a JSON list from {response.url}, got {type(entries).__name__}")
            raise CloseSpider("unexpected_shape")
        crawled_at = datetime.now(UTC)
        endpoint = self.settings.get("HUB_ENDPOINT")
        bad, models, results_items, card_items = 0, [], [], []
        for entry in entries:
            if self.limit is not None and self.models_seen >= self.limit:
                break
            # Community Evals and the card's model-index come in the same entry (expand=evalResults,
            # expand=model-index); parsed here, not by ModelInfo.
            results = entry.pop("evalResults", None) if isinstance(entry, dict) else None
            card = entry.pop("model-index", None) if isinstance(entry, dict) else None
            try:
                item = item_from_api(entry, endpoint=endpoint, crawled_at=crawled_at)
            except HubShapeError as exc:
                bad += 1
                self.entry_invalid(exc, response.url)
                continue
            self.models_seen += 1
            models.append(item)
            if results is not None:
                parsed = parse_eval_results(item.model_id, results, crawled_at=crawled_at)
                self.invalid_results.report(item.model_id, parsed.invalid)
                results_items.extend(parsed.items)
            if card is not None:
                cards = parse_model_index(item.model_id, card, crawled_at=crawled_at)
                card_url = f"{endpoint.rstrip('/')}/{item.model_id}"
                self.invalid_cards.report(item.model_id, cards.invalid, card_url)
                card_items.extend(cards.items)
        if entries and bad == len(entries):
            fail_crawl(self.crawler, "hub/unexpected_shape", f"no usable model entry on {response.url}")
            raise CloseSpider("unexpected_shape")
        self.crawler.stats.set_value("hub/models_seen", self.models_seen)
        done = self.limit is not None and self.models_seen >= self.limit
        url = None if done else self.next_page(response)
        state = getattr(self, "state", None)
        if state is not None:  # this page's rows are through the pipelines before a clean stop saves this
            state.update({NEXT_PAGE: url, MODELS_SEEN: self.models_seen})
        if url is not None:  # first: the next page downloads while this page's rows go through the pipelines
            yield self.page_request(url)
        elif self.models_seen == 0:
            self.logger.warning("the Hub listed no model for %s", self.query)
        if models:  # the page is the item: its rows go through every pipeline and feed together
            yield HubModelsPage(response.url, models, results_items, card_items)

    def next_page(self, response: Response) -> str | None:
        """The Link header's next page; a page off the Hub or already read ends the listing and fails the crawl."""
        try:
            return self.pagination.next_page(response)
        except PaginationError as exc:
            fail_crawl(self.crawler, "hub/pagination_refused", f"{exc}; the listing stops here")
            return None

    def entry_invalid(self, exc: HubShapeError, url: str) -> None:
        """One entry of an unexpected shape: skipped alone, counted, logged, and the crawl exits non-zero."""
        self.invalid_entries += 1
        stat = "hub/entries/invalid"
        if self.invalid_entries <= SHOWN_INVALID:
            fail_crawl(self.crawler, stat, f"skipped an invalid list entry on {url}: {exc}")
        else:
            self.crawler.stats.inc_value(stat)
            if self.invalid_entries == SHOWN_INVALID + 1:
                self.logger.error("more invalid entries: only counted from now on (stat %s)", stat)

    def page_failed(self, failure):
        request = failure.request
        if already_reported(failure):  # too large, or redirected off the Hub: said where it was refused
            return
        fail_crawl(self.crawler, "hub/failed_pages", f"list page failed for good: {request.url}: {failure.value!r}")
