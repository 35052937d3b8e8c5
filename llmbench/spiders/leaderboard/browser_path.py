"""The browser path: load the board in Chromium, find the app's own data request, and download it.

The page's route for `/api/leaderboard/formatted` (docs/leaderboard.md §4) resolves a future with the
URL the app asked for; the callback awaits that future or the first rendered row, whichever comes
first, so nothing polls. With the URL known, Chromium closes and Scrapy downloads the data itself: the
6 MB body never passes through Chromium or the Playwright driver, and the browser is gone before Python
holds the rows (peak memory of the crawl's processes). A data request that fails or answers something
unreadable: the board is loaded again with the app's request left alone, and its rendered table read
(the DOM reader). No data request but rendered rows: the DOM reader. No app at all (a Space page
without its iframe, or an app origin that answers an error): the spider is told, and may read the
board from its dataset instead.
"""

from __future__ import annotations

import asyncio
import re
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response

from llmbench.failures import fail_crawl
from llmbench.hub_endpoint import same_origin
from llmbench.spiders.leaderboard.data_download import DATA_SUFFIX
from llmbench.spiders.leaderboard.dom_reader import HUB_LINK, DomReader

if TYPE_CHECKING:
    from llmbench.spiders.leaderboard.spider import LeaderboardSpider

# Playwright's default size: the data path needs no more drawn (the DOM path makes the page taller).
VIEWPORT = {"width": 1280, "height": 720}


class DataCapture:
    """What the page showed: the URL of the app's data request, and the app document's status."""

    def __init__(self, routed: bool) -> None:
        self.routed = routed  # the data request is stopped and left to Scrapy (else the browser sends it)
        self.data_url: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        self.app_status: int | None = None
        self.app_url: str | None = None


class BrowserPath:
    """The board request, its page set-up and response handler, and its callbacks."""

    def __init__(self, spider: LeaderboardSpider) -> None:
        self.spider = spider
        self.settings = spider.settings
        self.crawler = spider.crawler
        self.logger = spider.logger  # the spider's: log lines keep its name
        self.capture: DataCapture | None = None  # set while a board page is open

    def board_request(self, route_data: bool = True) -> scrapy.Request:
        """The board in Chromium; `route_data=False` leaves the app's data request to the browser and
        reads the rendered table (the second load, after the data could not be downloaded or read)."""
        meta = {"playwright": True, "playwright_include_page": True,
                "playwright_context_kwargs": {"viewport": VIEWPORT},
                "playwright_page_init_callback": self.route_data_request if route_data else self.leave_data_request,
                "playwright_page_event_handlers": {"response": self.capture_response}}
        return scrapy.Request(self.settings.get("LEADERBOARD_URL"), callback=self.spider.parse_board,
                              errback=self.spider.board_failed, dont_filter=True, meta=meta)

    async def route_data_request(self, page: Any, request: scrapy.Request) -> None:
        """Page set-up: the app's own data request is stopped, its URL handed to the callback. It never
        reaches the network from the browser: Chromium closes as soon as the URL is known, and Scrapy
        downloads it."""
        self.capture = capture = DataCapture(routed=True)

        async def data_route(route: Any) -> None:
            if not capture.data_url.done():
                capture.data_url.set_result(route.request.url)
            await route.abort()  # handled here: scrapy-playwright's own route would let it go out

        await page.route(lambda url: url.split("?", 1)[0].endswith(DATA_SUFFIX), data_route)

    async def leave_data_request(self, page: Any, request: scrapy.Request) -> None:
        self.capture = DataCapture(routed=False)

    async def capture_response(self, response: Any) -> None:
        """Page `response` handler: the app document's status (every response of the page passes here)."""
        if self.capture is not None and response.request.resource_type == "document" \
                and response.frame.parent_frame is not None:
            self.capture.app_status, self.capture.app_url = response.status, response.url

    async def parse_board(self, response: Response):
        page = response.meta["playwright_page"]
        items, data_url = [], None
        try:
            frame, no_app = await self.app_frame(page)
            if not no_app:
                data_url, items = await self.board_data(frame)
        finally:
            self.capture = None
            if not page.is_closed():
                await page.close()
        if no_app:
            for request in self.spider.board_unavailable(no_app):
                yield request
            return
        if data_url:
            yield self.spider.data.data_request(data_url)
            return
        if not items:
            fail_crawl(self.crawler, "leaderboard/no_rows",
                       f"neither the data response nor the table yielded rows at {response.url}: layout changed?")
            return
        for output in self.spider.board_rows(items, response):
            yield output

    async def app_frame(self, page: Any) -> tuple[Any, str | None]:
        """The frame the app runs in, or why there is none."""
        iframes = page.locator("iframe")
        if await iframes.count():
            frame = await (await iframes.first.element_handle()).content_frame()
            status = self.capture.app_status
            if frame is None or (status is not None and status >= 400):
                return None, f"the Space's app at {self.capture.app_url or page.url} answered HTTP {status}"
            return frame, None
        if same_origin(page.url, self.settings.get("HUB_ENDPOINT")):
            text = re.sub(r"\s+", " ", await page.locator("body").inner_text()).strip()
            return None, f"the Space page {page.url} shows no app: {text[:160]!r}"
        return page.main_frame, None  # LEADERBOARD_URL is the app itself

    async def board_data(self, frame: Any) -> tuple[str | None, list[Any]]:
        """The URL of the app's data request (Chromium then closed), else the rendered table's rows."""
        timeout = self.settings.getfloat("LEADERBOARD_TIMEOUT")
        capture = self.capture
        rendered = asyncio.ensure_future(frame.wait_for_selector(HUB_LINK, timeout=timeout * 1000))
        try:
            await asyncio.wait({capture.data_url, rendered}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        finally:
            rendered.cancel()
        if capture.data_url.done():
            await self.close_browser(frame.page)
            return capture.data_url.result(), []
        if rendered.done() and not rendered.cancelled() and rendered.exception():
            self.logger.warning("no leaderboard rows rendered at %s within %.0f s", frame.url, timeout)
        if capture.routed:
            self.logger.warning("the app at %s made no %s request; reading the rendered table", frame.url, DATA_SUFFIX)
        items = await DomReader(self.settings, self.crawler.stats).read(frame, self.spider.wanted_names())
        if items:
            self.crawler.stats.set_value("leaderboard/path", "dom")
            self.logger.info("leaderboard path: dom (%d rows read from the rendered table)", len(items))
        return None, items

    async def close_browser(self, page: Any) -> None:
        """The app's data request is known: Chromium goes now, before the body is downloaded and parsed,
        not at the crawl's end (nothing after this needs a page; a later browser request starts a new
        one, PLAYWRIGHT_RESTART_DISCONNECTED_BROWSER)."""
        try:
            browser = page.context.browser
            await page.close()
            if browser is not None:
                await browser.close()
                self.logger.info("Chromium closed: the app's data request is known, Scrapy downloads it")
        except Exception as exc:  # noqa: BLE001 - Playwright raises several kinds; the handler closes it at the end
            self.logger.debug("closing Chromium early failed: %r", exc)

    async def board_failed(self, failure):
        page = failure.request.meta.get("playwright_page")
        self.capture = None
        if page is not None:
            await page.close()
        self.logger.debug("page failure", exc_info=failure.value)
        if "BrowserType.launch" in str(failure.value):  # our Chromium, not the Space: no fallback hides it
            first_line = str(failure.value).strip().splitlines()[0]
            fail_crawl(self.crawler, "leaderboard/browser_failed", f"Chromium did not start: {first_line}")
            return
        certificate = re.search(r"net::(ERR_CERT_\w+|ERR_SSL_\w+)", str(failure.value))
        if certificate:  # Chromium refused the server's certificate: no fallback hides a failed TLS check
            self.crawler.stats.inc_value("tls/verification_failed")
            fail_crawl(self.crawler, "tls/hosts_refused",
                       f"TLS: Chromium did not accept the certificate of {urlsplit(failure.request.url).netloc} "
                       f"({certificate.group(1)}); to trust a private CA, name its PEM file in SSL_CERT_FILE")
            return
        for request in self.spider.board_unavailable(f"could not load {failure.request.url}: {failure.value!r}"):
            yield request
