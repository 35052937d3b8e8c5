"""`scrapy crawl benchmarks`: the Hub's official benchmarks (Community Evals), their leaderboards, their models.

    scrapy crawl benchmarks                                   # every dataset tagged benchmark:official
    scrapy crawl benchmarks -a benchmarks=Idavidrein/gpqa,cais/hle

Per benchmark: its `eval.yaml` (→ `benchmarks`) then its leaderboard with `base_model=false`, so
fine-tunes and quantizations are included (→ `benchmark_leaderboards`). A dataset without a
leaderboard answers an HTTP error: counted, not a failure. Every model on a board that the latest
`hub_models` snapshot lacks gets its model info (one API request, the hub spider's `expand`, 307s
followed) written to `hub_models` and `eval_results`, so `model_pages` sizes it next; a model the Hub
no longer serves (401/404) is counted and listed in DATA_DIR/benchmark_models_gone.txt.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import scrapy
from scrapy.http import Response
from scrapy.settings import BaseSettings

from llmbench.download_bounds import EVAL_YAML, LARGE_ANSWER, already_reported
from llmbench.failures import fail_crawl
from llmbench.pagination import LinkPagination, PaginationError
from llmbench.parsing.benchmarks import SourceError, TaskIndex, benchmark_from_yaml, board_row
from llmbench.parsing.eval_results import InvalidResultsReporter, parse_eval_results
from llmbench.parsing.hub_models import API_EXPAND, HubShapeError, item_from_api
from llmbench.repo_ids import InvalidIds, id_lines, repo_id_problem
from llmbench.spiders.base import BaseSpider, argument_error, positive_int
from llmbench.storage import DatasetError, crawl_date, read_snapshot, snapshots

OFFICIAL = "benchmark:official"
GONE_FILE = "benchmark_models_gone.txt"
NO_LEADERBOARD = (400, 404)  # what a dataset without a leaderboard answers
GONE = (401, 404)  # a model repo the Hub does not serve (anonymously 401, docs/hub-api.md §7)


class BenchmarksSpider(BaseSpider):
    name = "benchmarks"
    # The REST API and resolver downloads are interfaces for programs, paced by their RateLimit headers.
    custom_settings = {"ROBOTSTXT_OBEY": False}
    handle_httpstatus_list = [400, 401, 404]
    arguments = ("benchmarks", "page_size")

    @classmethod
    def parse_arguments(cls, settings: BaseSettings, arguments: dict[str, Any]) -> dict[str, Any]:
        """`-a benchmarks=` (dataset ids, each checked by the Hub's rule) and `-a page_size=` (1-1000)."""
        wanted = None
        if arguments.get("benchmarks"):
            wanted = {b.strip() for b in str(arguments["benchmarks"]).split(",") if b.strip()}
            for dataset_id in sorted(wanted):
                if problem := repo_id_problem(dataset_id):
                    raise argument_error("benchmarks", f"invalid dataset id {dataset_id!r} ({problem})")
        return {"wanted": wanted, "page_size": min(1000, positive_int(arguments, "page_size", 100))}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.wanted: set[str] | None = None  # set by parse_arguments (BaseSpider.from_crawler)
        self.listed: set[str] = set()
        self.known_models: set[str] = set()
        self.requested_models: set[str] = set()
        self.gone: list[str] = []
        self.tasks = TaskIndex()
        self.deferred: dict[str, list[Any]] = {}  # board rows waiting for their model's filed results
        self.invalid_results: InvalidResultsReporter | None = None

    @classmethod
    def from_crawler(cls, crawler, *args: Any, **kwargs: Any) -> BenchmarksSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.invalid_results = InvalidResultsReporter(crawler, spider.logger, "benchmarks/eval_results/invalid")
        spider.invalid_ids = InvalidIds(crawler, spider.logger, "benchmarks/invalid_ids")
        spider.pagination = LinkPagination(crawler.settings.get("HUB_ENDPOINT"))
        return spider

    @property
    def endpoint(self) -> str:
        return self.settings.get("HUB_ENDPOINT").rstrip("/")

    def load_known(self) -> None:
        """Models the hub crawl already described, and the task ids their filed results name."""
        data_dir = self.settings.get("DATA_DIR")
        try:
            self.known_models = set(read_snapshot(data_dir, "hub_models").column("model_id").to_pylist())
            today = crawl_date(self.settings.get("CRAWL_DATE")).isoformat()
            if snapshots(data_dir, "hub_models")[-1] != today:
                self.logger.warning("the latest hub_models snapshot is not today's (%s): board models are added "
                                    "to the %s snapshot; run `scrapy crawl hub` first for a complete one", today, today)
            self.tasks.add_rows(read_snapshot(data_dir, "eval_results").select(
                ["model_id", "dataset_id", "filename", "value", "task_id"]).to_pylist())
        except DatasetError as exc:
            self.logger.info("%s: every board model gets its model info", exc)

    async def start(self):
        self.load_known()
        query = urlencode([("filter", OFFICIAL), ("limit", str(self.page_size))])
        url = f"{self.endpoint}/api/datasets?{query}"
        self.pagination.visit(url)
        yield scrapy.Request(url, callback=self.parse_list, errback=self.failed, dont_filter=True, meta=LARGE_ANSWER)

    # -- the list of benchmarks ---------------------------------------------------------------
    def parse_list(self, response: Response):
        entries = self.json_list(response, "benchmarks/unreadable_list")
        if entries is None:
            return
        self.crawler.stats.inc_value("benchmarks/list_pages")
        for entry in entries:
            dataset_id = entry.get("id") if isinstance(entry, dict) else None
            if not isinstance(dataset_id, str):
                fail_crawl(self.crawler, "benchmarks/unreadable_list", f"dataset entry without an id on {response.url}")
                continue
            if not self.invalid_ids.valid(dataset_id, response.url, kind="dataset id"):
                continue
            self.listed.add(dataset_id)
            if self.wanted is None or dataset_id in self.wanted:
                yield scrapy.Request(self.urls.resolve(dataset_id, "eval.yaml", repo_type="dataset"),
                                     callback=self.parse_eval_yaml, errback=self.failed,
                                     cb_kwargs={"dataset_id": dataset_id}, meta=EVAL_YAML)
        try:
            url = self.pagination.next_page(response)
        except PaginationError as exc:
            fail_crawl(self.crawler, "benchmarks/pagination_refused", f"{exc}; the listing stops here")
            url = None
        if url:
            yield scrapy.Request(url, callback=self.parse_list, errback=self.failed, dont_filter=True,
                                 meta=LARGE_ANSWER)
            return
        self.crawler.stats.set_value("benchmarks/official", len(self.listed))
        unknown = sorted((self.wanted or set()) - self.listed)
        if unknown:
            self.crawler.stats.set_value("benchmarks/not_official", len(unknown))
            self.logger.warning("not official benchmarks on this Hub (skipped): %s", ", ".join(unknown))

    def parse_eval_yaml(self, response: Response, dataset_id: str):
        if response.status != 200:
            fail_crawl(self.crawler, "benchmarks/unreadable_eval_yaml",
                       f"eval.yaml of {dataset_id} answered HTTP {response.status}: {response.url}")
            return
        try:
            benchmark = benchmark_from_yaml(dataset_id, response.text, crawled_at=datetime.now(UTC))
        except SourceError as exc:
            fail_crawl(self.crawler, "benchmarks/unreadable_eval_yaml", f"{exc} in {response.url}")
            return
        yield benchmark
        url = self.urls.repo_api(dataset_id, "leaderboard", repo_type="dataset", params=[("base_model", "false")])
        yield scrapy.Request(url, callback=self.parse_leaderboard, errback=self.failed,
                             cb_kwargs={"dataset_id": dataset_id, "tasks": benchmark.tasks})

    # -- one leaderboard ----------------------------------------------------------------------
    def parse_leaderboard(self, response: Response, dataset_id: str, tasks: list[str]):
        stats = self.crawler.stats
        if response.status in NO_LEADERBOARD:
            stats.inc_value("benchmarks/no_leaderboard")
            self.logger.info("%s has no leaderboard (HTTP %d)", dataset_id, response.status)
            return
        rows = self.json_list(response, "benchmarks/unreadable_leaderboard")
        if rows is None:
            return
        stats.inc_value("benchmarks/leaderboards")
        crawled_at = datetime.now(UTC)
        for raw in rows:
            item = board_row(dataset_id, raw, crawled_at=crawled_at)
            if item is None:
                stats.inc_value("benchmarks/bad_rows")
                self.logger.warning("unusable leaderboard row in %s: %s", response.url, str(raw)[:200])
                continue
            stats.inc_value("benchmarks/rows")
            item.task_id = tasks[0] if len(tasks) == 1 else self.tasks.task_of(
                item.model_id, dataset_id, item.filename, item.value)
            model_id = item.model_id
            if not self.invalid_ids.valid(model_id, response.url, kind="model id"):
                continue  # never requested, never written
            if model_id not in self.known_models and model_id not in self.requested_models:
                self.requested_models.add(model_id)
                yield self.model_request(model_id)
            if item.task_id is None and model_id in self.deferred:
                self.deferred[model_id].append(item)  # its filed results arrive with the model info
                continue
            yield item

    # -- models the hub crawl did not list ----------------------------------------------------
    def model_request(self, model_id: str) -> scrapy.Request:
        self.deferred[model_id] = []
        self.crawler.stats.inc_value("benchmarks/model_info_requests")
        return scrapy.Request(self.urls.repo_info(model_id, expand=API_EXPAND), callback=self.parse_model,
                              errback=self.model_failed, cb_kwargs={"model_id": model_id})

    def parse_model(self, response: Response, model_id: str):
        if response.status in GONE:
            self.crawler.stats.inc_value("benchmarks/models_gone")
            self.gone.append(model_id)
            self.logger.info("%s is on a board but the Hub does not serve it (HTTP %d)", model_id, response.status)
            yield from self.deferred.pop(model_id, [])
            return
        entry = self.json_of(response, "benchmarks/unreadable_model_info")
        if not isinstance(entry, dict):
            yield from self.deferred.pop(model_id, [])
            return
        results = entry.pop("evalResults", None)
        crawled_at = datetime.now(UTC)
        try:
            model = item_from_api(entry, endpoint=self.settings.get("HUB_ENDPOINT"), crawled_at=crawled_at)
        except HubShapeError as exc:
            fail_crawl(self.crawler, "benchmarks/unreadable_model_info", f"{exc} ({response.url})")
            yield from self.deferred.pop(model_id, [])
            return
        self.crawler.stats.inc_value("benchmarks/models_added")
        yield model
        parsed = parse_eval_results(model.model_id, results or [], crawled_at=crawled_at)
        self.invalid_results.report(model.model_id, parsed.invalid)
        for result in parsed.items:
            self.tasks.add(result)
            yield result
        for row in self.deferred.pop(model_id, []):
            row.task_id = self.tasks.task_of(model.model_id, row.dataset_id, row.filename, row.value)
            yield row

    def model_failed(self, failure):
        model_id = failure.request.cb_kwargs["model_id"]
        if not already_reported(failure):  # too large or redirected off the Hub: said where it was refused
            fail_crawl(self.crawler, "benchmarks/failed_requests",
                       f"model info failed for good: {failure.request.url}: {failure.value!r}")
        yield from self.deferred.pop(model_id, [])

    # -- shared -------------------------------------------------------------------------------
    def json_of(self, response: Response, stat: str) -> Any:
        try:
            return json.loads(response.text)
        except ValueError as exc:
            fail_crawl(self.crawler, stat, f"malformed JSON from {response.url}: {exc}")
            return None

    def json_list(self, response: Response, stat: str) -> list[Any] | None:
        body = self.json_of(response, stat)
        if body is not None and not isinstance(body, list):
            fail_crawl(self.crawler, stat, f"expected a JSON list from {response.url} (HTTP {response.status}), "
                       f"got {type(body).__name__}")
        return body if isinstance(body, list) else None

    def failed(self, failure):
        if already_reported(failure):  # too large or redirected off the Hub: said where it was refused
            return
        fail_crawl(self.crawler, "benchmarks/failed_requests",
                   f"request failed for good: {failure.request.url}: {failure.value!r}")

    def closed(self, reason: str) -> None:
        if self.gone:
            path = Path(self.settings.get("DATA_DIR")) / GONE_FILE
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(id_lines(sorted(self.gone)))  # validated ids: one per line
            self.logger.warning("%d board models are not served by the Hub (listed in %s): %s", len(self.gone),
                                path, ", ".join(sorted(self.gone)[:10]) + (" ..." if len(self.gone) > 10 else ""))
