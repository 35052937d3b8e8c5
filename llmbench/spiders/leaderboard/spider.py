"""The `leaderboard` spider: arguments, which path runs, and the restriction to requested models.

The paths are objects the spider holds, each owning its own state: `runtime` (SpaceRuntime), `browser`
(BrowserPath), `data` (DataDownload), `dataset` (DatasetPath), `canonical_rows` (CanonicalRows), and for
`-a board=v1` `v1` (V1SpacePath, the archived v1 board: no runtime question, no browser). They call
each other through the spider (`spider.browser.board_request()`), and the spider's selection through
`board_rows`, `select`, `keep`. Request callbacks stay spider methods that delegate to a path: a JOBDIR
stores a request by the name of its spider method.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.settings import SETTINGS_PRIORITIES, BaseSettings
from twisted.python.failure import Failure

from llmbench.browser import CHROMIUM_ARGS, ChromiumNotFound, find_chromium
from llmbench.failures import fail_crawl
from llmbench.leaderboard_compare import compare_rows, summary, write_report
from llmbench.model_lists import argument_error
from llmbench.repo_ids import id_lines, normalize_repo_id
from llmbench.settings import PLAYWRIGHT_SETTINGS
from llmbench.spiders.base import BaseSpider, choice
from llmbench.spiders.leaderboard.browser_path import BrowserPath
from llmbench.spiders.leaderboard.canonical_rows import CanonicalRows
from llmbench.spiders.leaderboard.data_download import DataDownload
from llmbench.spiders.leaderboard.dataset_path import CONTENTS_REPO, DatasetPath
from llmbench.spiders.leaderboard.space_runtime import SpaceRuntime
from llmbench.spiders.leaderboard.v1_space_path import V1SpacePath
from llmbench.tls_trust import browser_trust_args

SOURCES = ("browser", "dataset")
BOARDS = ("v2", "v1")  # v2: the final board (default); v1: the archived 2023-04 → 2024-06 board
PLAYWRIGHT_HANDLER = "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler"


class LeaderboardSpider(BaseSpider):
    name = "leaderboard"
    custom_settings = {"CONCURRENT_REQUESTS": 1}
    arguments = ("models", "source", "verify", "board")

    board: str = "v2"
    source: str = "browser"
    verify: bool = False

    @classmethod
    def parse_arguments(cls, settings: BaseSettings, arguments: Mapping[str, Any]) -> dict[str, Any]:
        parsed = super().parse_arguments(settings, arguments)
        parsed["board"] = choice(arguments, "board", BOARDS, "v2")
        if parsed["board"] == "v1":
            given = [name for name in ("source", "verify") if name in arguments]
            if given:
                raise argument_error(given[0], "applies to -a board=v2 only; the v1 board is read from its "
                                     "Space page's embedded table (LEADERBOARD_V1_URL)")
        parsed["source"] = choice(arguments, "source", SOURCES, "browser")
        verify = choice(arguments, "verify", ("dataset", ""), "")
        parsed["verify"] = bool(verify) and parsed["source"] == "browser"  # alias of `scrapy verify`
        return parsed

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> LeaderboardSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.wanted = None if spider.requested is None else {normalize_repo_id(m): m for m in spider.requested}
        spider.found, spider.rows_on_board, spider.crawled_rows = set(), 0, []
        spider.chromium_problem = None
        spider.runtime = SpaceRuntime(spider)
        spider.browser = BrowserPath(spider)
        spider.data = DataDownload(spider)
        spider.dataset = DatasetPath(spider)
        spider.canonical_rows = CanonicalRows(spider)
        spider.v1 = V1SpacePath(spider)
        if spider.board == "v2" and spider.source == "browser":
            spider.use_browser(crawler.settings)
        return spider

    def use_browser(self, settings: Any) -> None:
        """Playwright for the board's scheme only (one driver), with a Chromium found once.

        Settings are still open here (Scrapy applies them after creating the spider). The dataset
        source never gets here: plain Scrapy download handlers, no driver, no browser.
        """
        for name, value in PLAYWRIGHT_SETTINGS.items():
            settings.set(name, value, priority="spider")
        scheme = urlsplit(settings.get("LEADERBOARD_URL")).scheme or "https"
        # merged into the project's handlers: the schemes it turns off (file, s3, ftp) stay off
        handlers = {**settings.getdict("DOWNLOAD_HANDLERS"), scheme: PLAYWRIGHT_HANDLER}
        settings.set("DOWNLOAD_HANDLERS", handlers, priority="spider")
        options = dict(settings.getdict("PLAYWRIGHT_LAUNCH_OPTIONS"))
        if "executable_path" not in options:
            try:
                options["executable_path"] = find_chromium(settings.get("CHROMIUM_EXECUTABLE") or None)
            except ChromiumNotFound as exc:
                self.chromium_problem = str(exc)  # said when the browser is needed, not before
        options.setdefault("headless", True)
        # Chromium keeps its own certificate checks (never ignore_https_errors); a private CA the user
        # named in SSL_CERT_FILE (the replica's certificate, say) is trusted by its keys (tls_trust.py).
        # Added to the user's own switches too: their -s PLAYWRIGHT_LAUNCH_OPTIONS keeps the CA they trust.
        args = list(options.get("args", CHROMIUM_ARGS))
        options["args"] = args + [arg for arg in browser_trust_args() if arg not in args]
        options.setdefault("timeout", 30_000)
        # the user's own options merged in: set at their priority when theirs is higher (-s on the command line)
        priority = max(settings.getpriority("PLAYWRIGHT_LAUNCH_OPTIONS") or 0, SETTINGS_PRIORITIES["spider"])
        settings.set("PLAYWRIGHT_LAUNCH_OPTIONS", options, priority=priority)

    async def start(self):
        if self.board == "v1":
            yield self.v1.page_request()  # the whole table is in the page: no runtime question, no browser
            return
        if self.source == "dataset":
            yield self.dataset.dataset_index_request(purpose="board")
            return
        yield self.runtime.runtime_request()  # before the browser starts: is the Space running?

    def browser_requests(self):
        if self.chromium_problem:
            fail_crawl(self.crawler, "leaderboard/no_chromium", self.chromium_problem)
            return
        yield self.browser.board_request()

    def board_unavailable(self, reason: str) -> list[scrapy.Request]:
        """The Space cannot show the board: say so in one line, then read its dataset unless told not to."""
        if not self.settings.getbool("LEADERBOARD_DATASET_FALLBACK"):
            fail_crawl(self.crawler, "leaderboard/space_unavailable",
                       f"{reason}; not reading the dataset instead (LEADERBOARD_DATASET_FALLBACK=False)")
            return []
        self.logger.warning("%s: reading the board from the %s dataset instead", reason, CONTENTS_REPO)
        self.crawler.stats.set_value("leaderboard/fallback", reason)
        self.verify = False  # the dataset against itself would prove nothing
        return [self.dataset.dataset_index_request(purpose="board")]

    def wanted_names(self) -> list[str] | None:
        return None if self.wanted is None else list(self.wanted.values())

    # -- restriction to requested models ------------------------------------------------------
    def select(self, items: list[Any], response: Response):
        """The requested rows (all when no list was given). Legacy ids wait for their canonical id."""
        self.rows_on_board += len(items)
        self.crawler.stats.set_value("leaderboard/rows_on_board", self.rows_on_board)
        kept = [item for item in items if not self.canonical_rows.needs_canonical(item) and self.keep(item)]
        # rows needing a canonical id are yielded by CanonicalRows once the Hub has answered
        yield from kept
        yield from self.canonical_rows.canonical_requests()

    def board_rows(self, items: list[Any], response: Response):
        """The board read in the browser (its data or its table): the requested rows, then, with
        `-a verify=dataset`, the dataset to compare them with."""
        yield from self.select(items, response)
        if self.verify:
            yield self.dataset.dataset_index_request(purpose="verify")

    def keep(self, item: Any) -> bool:
        """Whether a requested model (by its id or its canonical id); remembers it as found."""
        if self.wanted is not None:
            keys = {normalize_repo_id(item.model_id)} | ({normalize_repo_id(item.canonical_id)}
                                                          if item.canonical_id else set())
            matched = keys & set(self.wanted)
            if not matched:
                return False
            self.found |= matched
        if self.verify:
            self.crawled_rows.append(vars(item))
        return True

    def closed(self, reason: str) -> None:
        if self.wanted is None or not self.rows_on_board:
            return
        missing = self.report_not_found(self.wanted[k] for k in self.found)
        self.crawler.stats.set_value("leaderboard/requested", len(self.wanted))
        self.crawler.stats.set_value("leaderboard/requested_not_on_board", len(missing))
        if missing:
            path = Path(self.settings.get("DATA_DIR")) / "leaderboard_missing.txt"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(id_lines(sorted(missing)))

    # -- `-a verify=dataset` (alias of `scrapy verify`) ---------------------------------------
    def verify_against(self, dataset_items: list[Any], url: str) -> None:
        report = compare_rows(self.crawled_rows, [vars(item) for item in dataset_items])
        report["missing_in_dataset"] = report["missing_in_reference"]
        stats = self.crawler.stats
        stats.set_value("leaderboard/verify/rows_compared", report["rows_compared"])
        stats.set_value("leaderboard/verify/missing_in_dataset", len(report["missing_in_reference"]))
        stats.set_value("leaderboard/verify/differences", len(report["differences"]))
        for field_name, count in report["fields"].items():
            stats.set_value(f"leaderboard/verify/fields/{field_name}", count)
        path = Path(self.settings.get("DATA_DIR")) / "leaderboard_verify.json"
        write_report(report, path)
        self.logger.info("verify=dataset against %s: %s; details in %s", url, summary(report), path)

    # -- request callbacks: spider methods (how a JOBDIR names them), each handing over to its path -----
    def parse_runtime(self, response: Response, first_asked: float) -> AsyncIterator[Any]:
        return self.runtime.parse_runtime(response, first_asked)

    def runtime_failed(self, failure: Failure) -> list[scrapy.Request]:
        return self.runtime.runtime_failed(failure)

    def parse_board(self, response: Response) -> AsyncIterator[Any]:
        return self.browser.parse_board(response)

    def board_failed(self, failure: Failure) -> AsyncIterator[Any]:
        return self.browser.board_failed(failure)

    def parse_data(self, response: Response) -> Iterator[Any]:
        return self.data.parse_data(response)

    def data_failed(self, failure: Failure) -> Iterator[Any]:
        return self.data.data_failed(failure)

    def parse_dataset_index(self, response: Response, purpose: str) -> Iterator[Any]:
        return self.dataset.parse_dataset_index(response, purpose)

    def parse_dataset_file(self, response: Response, purpose: str) -> Iterator[Any]:
        return self.dataset.parse_dataset_file(response, purpose)

    def dataset_failed(self, failure: Failure) -> None:
        return self.dataset.dataset_failed(failure)

    def parse_v1_page(self, response: Response) -> Iterator[Any]:
        return self.v1.parse_v1_page(response)

    def v1_page_failed(self, failure: Failure) -> None:
        return self.v1.v1_page_failed(failure)

    def parse_canonical(self, response: Response, model_id: str) -> Iterator[Any]:
        return self.canonical_rows.parse_canonical(response, model_id)

    def canonical_failed(self, failure: Failure) -> Iterator[Any]:
        return self.canonical_rows.canonical_failed(failure)
