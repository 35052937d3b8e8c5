"""The v1 path (`-a board=v1`): the archived v1 board from its Gradio app's page, one plain request.

The page at LEADERBOARD_V1_URL embeds the whole table in `window.gradio_config`
(llmbench/parsing/leaderboard_v1.py), so no browser is started. A page that cannot be read, or whose
config has no v1 table (no `Hub ❤️` table, or one without the board's columns), fails the crawl with
the URL in one line; a row that does not fit costs that row alone (`leaderboard/v1_bad_rows`).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import scrapy
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError

from llmbench.download_bounds import LARGE_ANSWER, already_reported
from llmbench.failures import fail_crawl
from llmbench.parsing.leaderboard_v1 import V1RowError, V1ShapeError, items_from_page

if TYPE_CHECKING:
    from llmbench.spiders.leaderboard.spider import LeaderboardSpider

SHOWN_BAD_ROWS = 10  # bad rows logged one by one; the rest are counted only


class V1SpacePath:
    """The v1 app's page, its table, and their failures."""

    def __init__(self, spider: LeaderboardSpider) -> None:
        self.spider = spider
        self.settings = spider.settings
        self.crawler = spider.crawler
        self.logger = spider.logger  # the spider's: log lines keep its name

    def page_request(self) -> scrapy.Request:
        # the page carries the whole board (about 9 MB): the large-answer bound, as for the v2 data
        return scrapy.Request(self.settings.get("LEADERBOARD_V1_URL"), callback=self.spider.parse_v1_page,
                              errback=self.spider.v1_page_failed, dont_filter=True, meta=dict(LARGE_ANSWER))

    def parse_v1_page(self, response: Response):
        if not isinstance(response, TextResponse):
            fail_crawl(self.crawler, "leaderboard/v1_unreadable",
                       f"the v1 board's page at {response.url} is not text ({response.headers.get('Content-Type')})")
            return
        crawled_at, items, bad = datetime.now(UTC), [], 0
        try:
            for entry in items_from_page(response.text, url=response.url, crawled_at=crawled_at):
                if isinstance(entry, V1RowError):
                    bad += 1
                    if bad <= SHOWN_BAD_ROWS:
                        self.logger.warning("v1 board row skipped (%s): %s", response.url, entry)
                else:
                    items.append(entry)
        except V1ShapeError as exc:
            fail_crawl(self.crawler, "leaderboard/v1_page_changed", f"the v1 board's page at {response.url} {exc}")
            return
        if bad:
            self.crawler.stats.set_value("leaderboard/v1_bad_rows", bad)
        self.crawler.stats.set_value("leaderboard/path", "v1_space")
        self.logger.info("leaderboard path: v1_space (%d rows embedded in %s)", len(items), response.url)
        if not items:
            fail_crawl(self.crawler, "leaderboard/no_rows", f"no usable row in the v1 board's page at {response.url}")
            return
        yield from self.spider.select(items, response)

    def v1_page_failed(self, failure: Any) -> None:
        if already_reported(failure):  # too large: said already
            return
        why = f"HTTP {failure.value.response.status}" if failure.check(HttpError) else repr(failure.value)
        fail_crawl(self.crawler, "leaderboard/v1_unreadable",
                   f"could not read the v1 board's page at {failure.request.url}: {why}")
