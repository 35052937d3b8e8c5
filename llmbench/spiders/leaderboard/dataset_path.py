"""The dataset path: the board from its own source, `open-llm-leaderboard/contents`, without a browser.

The file is discovered as public clients do (docs/leaderboard.md §12): the dataset's index
`/api/datasets/{repo}` lists its `siblings`, the parquet ones are fetched through the resolver.
Anything unreadable on the way (an index that is not a JSON object, an HTTP error after retries, a
corrupt parquet) fails the crawl with the URL in one line.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.parquet as pq
import scrapy
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError

from llmbench.download_bounds import LARGE_ANSWER, already_reported
from llmbench.failures import fail_crawl
from llmbench.hub_endpoint import HubUrls
from llmbench.parsing.leaderboard import LeaderboardShapeError, item_from_raw

if TYPE_CHECKING:
    from llmbench.spiders.leaderboard.spider import LeaderboardSpider

CONTENTS_REPO = "open-llm-leaderboard/contents"
# The Hub API and its resolvers are interfaces for programs, governed by rate-limit headers, not robots.txt.
API_META = {"dont_obey_robotstxt": True}


class DatasetPath:
    """The dataset's index, its parquet files, and their failures."""

    def __init__(self, spider: LeaderboardSpider) -> None:
        self.spider = spider
        self.settings = spider.settings
        self.crawler = spider.crawler
        self.logger = spider.logger  # the spider's: log lines keep its name

    def dataset_index_request(self, purpose: str) -> scrapy.Request:
        """`purpose`: "board" (the rows to write) or "verify" (compared with the browser's rows)."""
        endpoint = self.settings.get("HUB_ENDPOINT").rstrip("/")
        return scrapy.Request(f"{endpoint}/api/datasets/{CONTENTS_REPO}", callback=self.spider.parse_dataset_index,
                              errback=self.spider.dataset_failed, cb_kwargs={"purpose": purpose}, dont_filter=True,
                              meta=API_META)

    def parse_dataset_index(self, response: Response, purpose: str):
        problem, files = self.parquet_files(response.body)
        if problem:
            fail_crawl(self.crawler, "leaderboard/dataset_unreadable",
                       f"leaderboard dataset index at {response.url} {problem}")
            return
        if purpose == "board":  # the revision read (run record → the report's provenance)
            self.record_revision(response.body)
        urls = HubUrls(self.settings.get("HUB_ENDPOINT"))
        for name in files:  # names from the Hub's answer: every path segment encoded (no `..` climbs out)
            yield scrapy.Request(urls.resolve(CONTENTS_REPO, name, repo_type="dataset"),
                                 callback=self.spider.parse_dataset_file, errback=self.spider.dataset_failed,
                                 cb_kwargs={"purpose": purpose}, meta={**API_META, **LARGE_ANSWER})

    def record_revision(self, body: bytes) -> None:
        """Stats `leaderboard/contents_sha` and `leaderboard/contents_last_modified`: the `contents`
        commit and its date as the dataset index gives them (absent when it gives none)."""
        index = json.loads(body)
        for key, stat in (("sha", "leaderboard/contents_sha"), ("lastModified", "leaderboard/contents_last_modified")):
            if isinstance(index.get(key), str) and index[key]:
                self.crawler.stats.set_value(stat, index[key][:64])

    @staticmethod
    def parquet_files(body: bytes) -> tuple[str | None, list[str]]:
        """(what is wrong with the index, the parquet files it lists)."""
        try:
            index = json.loads(body)
        except ValueError:
            return "is not JSON", []
        if not isinstance(index, dict):
            return f"is a JSON {type(index).__name__}, not an object with `siblings`", []
        siblings = index.get("siblings")
        if not isinstance(siblings, list):
            return "has no `siblings` list", []
        files = [s["rfilename"] for s in siblings
                 if isinstance(s, dict) and str(s.get("rfilename", "")).endswith(".parquet")]
        return (None, files) if files else ("lists no parquet file", [])

    def parse_dataset_file(self, response: Response, purpose: str):
        try:
            table = pq.read_table(pa.py_buffer(response.body))
        except Exception as exc:  # noqa: BLE001 - pyarrow raises several kinds
            fail_crawl(self.crawler, "leaderboard/corrupt_parquet", f"unreadable parquet at {response.url}: {exc}")
            return
        crawled_at, items = datetime.now(UTC), []
        for row in table.to_pylist():
            try:
                items.append(item_from_raw(row, url=response.url, crawled_at=crawled_at))
            except LeaderboardShapeError as exc:
                self.crawler.stats.inc_value("leaderboard/bad_rows")
                self.logger.debug("%s", exc)
        del table
        if purpose == "verify":
            self.spider.verify_against(items, response.url)
            return
        self.crawler.stats.set_value("leaderboard/path", "dataset")
        if not items:
            fail_crawl(self.crawler, "leaderboard/no_rows", f"no usable row in {response.url}")
        yield from self.spider.select(items, response)

    def dataset_failed(self, failure: Any) -> None:
        url = failure.request.url
        if already_reported(failure):  # too large, or redirected off the Hub and its storage: said already
            return
        if failure.check(HttpError):
            why = f"HTTP {failure.value.response.status}"
        else:
            why = repr(failure.value)
        fail_crawl(self.crawler, "leaderboard/dataset_unreadable",
                   f"could not read the leaderboard dataset at {url}: {why}")
