"""The browser path: load the board in Chromium and take the app's own data response.

The page's `response` handler resolves a future with the body of `/api/leaderboard/formatted`
(docs/leaderboard.md §4); the callback awaits that future or the first rendered row, whichever comes
first, so nothing polls. No data response but rendered rows: the DOM reader takes over. No app at
all (a Space page without its iframe, or an app origin that answers an error): the spider is told,
and may read the board from its dataset instead.
"""

from __future__ import annotations

import asyncio
import json
import re
from datetime import UTC, datetime
from typing import Any

import scrapy
from scrapy.http import Response
from scrapy.utils.misc import load_object

from llmbench.failures import fail_crawl
from llmbench.hub_endpoint import same_origin
from llmbench.parsing.leaderboard import LeaderboardShapeError, item_from_formatted
from llmbench.spiders.leaderboard.dom_reader import HUB_LINK, DomReader

DATA_SUFFIX = "/api/leaderboard/formatted"
# Playwright's default size: the data path needs no more drawn (the DOM path makes the page taller).
VIEWPORT = {"width": 1280, "height": 720}


class DataCapture:
    """What the page's response handler saw: the data response's body, and the app document's status."""

    def __init__(self) -> None:
        self.seen = False
        self.routed = False  # the body came through route_data_request
        self.body: asyncio.Future[bytes] = asyncio.get_running_loop().create_future()
        self.app_status: int | None = None
        self.app_url: str | None = None

    def resolve(self, body: bytes | None = None, error: BaseException | None = None) -> None:
        if not self.body.done():
            self.body.set_exception(error) if error is not None else self.body.set_result(body or b"")


class BrowserPath:
    """Spider mixin: the board request, its response handler and its callbacks."""

    capture: DataCapture | None = None
    browser_closing: asyncio.Future | None = None  # close_browser, running beside the pipelines

    def board_request(self) -> scrapy.Request:
        return scrapy.Request(
            self.settings.get("LEADERBOARD_URL"), callback=self.parse_board, errback=self.board_failed,
            dont_filter=True,
            meta={"playwright": True, "playwright_include_page": True,
                  "playwright_context_kwargs": {"viewport": VIEWPORT},
                  "playwright_page_init_callback": self.route_data_request,
                  "playwright_page_event_handlers": {"response": "capture_response"}})

    async def route_data_request(self, page: Any, request: scrapy.Request) -> None:
        """Page set-up: the app's own data request is fetched by Playwright on the page's behalf and the
        page answered with the same response, its body kept on the way. Python gets the bytes as they
        arrive, not through DevTools once the app has parsed them (the renderer's main thread, ~1.5 s
        for the whole board), and in parallel with the app's rendering. If that fetch fails, the
        request goes on in the browser and the response handler takes its body as before."""
        self.capture = DataCapture()
        process_headers = load_object(self.settings.get("PLAYWRIGHT_PROCESS_REQUEST_HEADERS"))
        scrapy_data = {"method": request.method, "url": request.url, "headers": request.headers,
                       "body": request.body, "encoding": request.encoding}
        timeout_ms = self.settings.getfloat("LEADERBOARD_TIMEOUT") * 1000

        async def data_route(route: Any) -> None:
            capture = self.capture
            try:  # the browser's headers for this request, as the handler's own route sets them (no token)
                headers = await process_headers(browser_type_name="chromium", playwright_request=route.request,
                                                scrapy_request_data=scrapy_data)
                fetched = await route.fetch(headers=headers, timeout=timeout_ms)
                body = await fetched.body()
            except Exception as exc:  # noqa: BLE001 - Playwright raises several kinds; the browser tries itself
                self.logger.debug("data request fetched for the page failed (%r); the browser asks itself", exc)
                await route.fallback()
                return
            if capture is not None:
                capture.seen, capture.routed = True, True
                capture.resolve(body)
            await route.fulfill(response=fetched)

        await page.route(lambda url: url.split("?", 1)[0].endswith(DATA_SUFFIX), data_route)

    async def capture_response(self, response: Any) -> None:
        """Page `response` handler: every response of the page and its frames passes here."""
        if self.capture is None:
            self.capture = DataCapture()
        capture = self.capture
        if response.url.split("?", 1)[0].endswith(DATA_SUFFIX):
            if capture.routed:
                return  # its body is already in Python (route_data_request)
            capture.seen = True
            try:
                capture.resolve(await response.body())
            except Exception as exc:  # noqa: BLE001 - Playwright raises several kinds; the DOM path follows
                capture.resolve(error=exc)
        elif response.request.resource_type == "document" and response.frame.parent_frame is not None:
            capture.app_status, capture.app_url = response.status, response.url

    async def parse_board(self, response: Response):
        page = response.meta["playwright_page"]
        try:
            if self.capture is None:
                self.capture = DataCapture()
            frame, no_app = await self.app_frame(page)
            items = [] if no_app else await self.board_items(frame)
        finally:
            self.capture = None  # the parsed payload and its body go with it
            if self.browser_closing is None and not page.is_closed():
                await page.close()
        if no_app:
            for request in self.board_unavailable(no_app):
                yield request
            return
        if not items:
            fail_crawl(self.crawler, "leaderboard/no_rows",
                       f"neither the data response nor the table yielded rows at {response.url}: layout changed?")
            return
        for output in self.select(items, response):
            yield output
        if self.verify:
            yield self.dataset_index_request(purpose="verify")

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

    async def board_items(self, frame: Any) -> list[Any]:
        """The data response's rows, else the rendered table's."""
        timeout = self.settings.getfloat("LEADERBOARD_TIMEOUT")
        body = self.capture.body
        rendered = asyncio.ensure_future(frame.wait_for_selector(HUB_LINK, timeout=timeout * 1000))
        try:
            await asyncio.wait({body, rendered}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
            if self.capture.seen and not body.done():
                await asyncio.wait({body}, timeout=timeout)  # the data came; its body is on the way
        finally:
            rendered.cancel()
        if rendered.done() and not rendered.cancelled() and rendered.exception():
            self.logger.error("no leaderboard rows rendered at %s within %.0f s", frame.url, timeout)
        items = self.rows_from_body(body, frame.url) if body.done() else []
        if items:
            self.crawler.stats.set_value("leaderboard/path", "json")
            self.logger.info("leaderboard path: json (captured %s)", DATA_SUFFIX)
            self.browser_closing = asyncio.ensure_future(self.close_browser(frame.page))
            return items
        self.logger.warning("leaderboard data response not seen at %s; falling back to the rendered table", frame.url)
        items = await DomReader(self.settings, self.crawler.stats).read(frame, self.wanted_names())
        if items:
            self.crawler.stats.set_value("leaderboard/path", "dom")
            self.logger.info("leaderboard path: dom (%d rows read from the rendered table)", len(items))
        return items

    async def close_browser(self, page: Any) -> None:
        """The board is in Python: Chromium goes now, not at the crawl's end, while the rows pass the
        pipelines (closing takes ~0.5 s; nothing after this needs a page; a later browser request would
        start a new one, PLAYWRIGHT_RESTART_DISCONNECTED_BROWSER). Awaited at spider_closed."""
        try:
            browser = page.context.browser
            await page.close()
            if browser is not None:
                await browser.close()
                self.logger.info("Chromium closed: the board's rows are in Python")
        except Exception as exc:  # noqa: BLE001 - Playwright raises several kinds; the handler closes it at the end
            self.logger.debug("closing Chromium early failed: %r", exc)

    async def browser_closed(self) -> None:
        """spider_closed: Chromium's early close is over before scrapy-playwright's handler closes."""
        if self.browser_closing is not None:
            await self.browser_closing

    def rows_from_body(self, body: asyncio.Future, url: str) -> list[Any]:
        """Items from the captured body; the parsed payload lives only inside this call."""
        try:
            payload = json.loads(body.result())
        except Exception as exc:  # noqa: BLE001 - a failed read or bad JSON: counted, the DOM path follows
            self.crawler.stats.inc_value("leaderboard/bad_data_response")
            self.logger.error("data response at %s unreadable: %r", url, exc)
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
        for request in self.board_unavailable(f"could not load {failure.request.url}: {failure.value!r}"):
            yield request
