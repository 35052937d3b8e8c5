"""The board's data, downloaded by Scrapy from the URL the app asked for (browser_path.py found it):
one plain request, with the crawl's User-Agent, politeness and token rules, its body read into rows."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import scrapy
from scrapy.http import Response

from llmbench.download_bounds import LARGE_ANSWER
from llmbench.failures import fail_crawl
from llmbench.parsing.leaderboard import LeaderboardShapeError, item_from_formatted

if TYPE_CHECKING:
    from llmbench.spiders.leaderboard.spider import LeaderboardSpider

DATA_SUFFIX = "/api/leaderboard/formatted"


class DataDownload:
    """The data request, its callbacks, and rows from a data response's body."""

    def __init__(self, spider: LeaderboardSpider) -> None:
        self.spider = spider
        self.settings = spider.settings
        self.crawler = spider.crawler
        self.logger = spider.logger  # the spider's: log lines keep its name

    def data_request(self, url: str) -> scrapy.Request:
        """A resource of a page robots.txt let us load, asked for as the page asks for it: like the
        browser, Scrapy does not consult the app origin's robots.txt for it."""
        return scrapy.Request(url, callback=self.spider.parse_data, errback=self.spider.data_failed, dont_filter=True,
                              headers={"Accept": "application/json"},
                              meta={"dont_obey_robotstxt": True, **LARGE_ANSWER})  # ~6 MB of JSON today

    def parse_data(self, response: Response):
        items = self.rows_from_body(response.body, response.url)
        if not items:  # counted and said by rows_from_body; the rendered table may still hold the board
            yield self.spider.browser.board_request(route_data=False)
            return
        self.crawler.stats.set_value("leaderboard/path", "json")
        self.logger.info("leaderboard path: json (%s)", response.url)
        yield from self.spider.board_rows(items, response)

    def data_failed(self, failure: Any):
        url = failure.request.url
        self.crawler.stats.inc_value("leaderboard/data_request_failed")
        self.logger.warning("the board's data request %s failed (%s); reading the rendered table instead",
                            url, failure.getErrorMessage())
        yield self.spider.browser.board_request(route_data=False)

    def rows_from_body(self, body: bytes, url: str) -> list[Any]:
        """Items from a data response's body; the parsed payload lives only inside this call."""
        try:
            payload = json.loads(body)
        except Exception as exc:  # noqa: BLE001 - a failed read or bad JSON: counted, the DOM path follows
            self.crawler.stats.inc_value("leaderboard/bad_data_response")
            self.logger.warning("data response at %s unreadable: %r", url, exc)
            return []
        if not isinstance(payload, list):
            fail_crawl(self.crawler, "leaderboard/unexpected_shape", f"data response at {url} is not a list")
            return []
        crawled_at, items = datetime.now(UTC), []
        for row in payload:
            try:
                items.append(item_from_formatted(row, source="json", url=url, crawled_at=crawled_at))
            except LeaderboardShapeError as exc:
                self.crawler.stats.inc_value("leaderboard/bad_rows")
                self.logger.debug("%s", exc)
        return items
