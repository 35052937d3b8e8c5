"""The HF token goes to the Hub endpoint's origin only, for the length of one download, and never to disk.

Runs last before the download handler (order 950) and adds `Authorization` there; `process_response`
and `process_exception` take it off the request again before any other middleware sees the result.
So a request that retry, 429 handling or a redirect copies, that JOBDIR pickles into its disk queue,
that a log line or `scrapy shell` shows, never carries the token. The browser gets no token at all
(`browser_headers`, the PLAYWRIGHT_PROCESS_REQUEST_HEADERS of the leaderboard spider): Chromium copies
Scrapy's headers onto every navigation, including the Space's cross-origin iframe and any redirect.
The token is refused over plain http to a non-loopback host, and whenever certificate verification is
off (`DOWNLOAD_VERIFY_CERTIFICATES=False`): with it on, the TLS handshake has checked the server before
the request carrying the token leaves. It is read from huggingface_hub (HF_TOKEN /
token file), never from settings, and never logged or counted by value.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import Response

from llmbench.hub_endpoint import auth_header, hub_token, same_origin, token_transport_is_safe

logger = logging.getLogger(__name__)

AUTHORIZATION = b"Authorization"


async def browser_headers(*, browser_type_name: str, playwright_request: Any,
                          scrapy_request_data: dict) -> dict[str, str]:
    """scrapy-playwright's default header processing, minus any Authorization: the browser never gets it."""
    from scrapy_playwright.headers import use_scrapy_headers  # imports Playwright: only where a browser runs

    headers = await use_scrapy_headers(browser_type_name=browser_type_name, playwright_request=playwright_request,
                                       scrapy_request_data=scrapy_request_data)
    return {name: value for name, value in headers.items() if name.lower() != "authorization"}


class HubAuthMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.endpoint = crawler.settings.get("HUB_ENDPOINT")
        self._authorization = auth_header(hub_token())
        if self._authorization and not token_transport_is_safe(self.endpoint):
            logger.warning("HF token NOT sent: HUB_ENDPOINT %s is plain http to a host that is not this machine",
                           self.endpoint)
            crawler.stats.set_value("hub_auth/refused_plain_http", 1)
            self._authorization = None
        elif self._authorization and not crawler.settings.getbool("DOWNLOAD_VERIFY_CERTIFICATES"):
            logger.warning("HF token NOT sent: DOWNLOAD_VERIFY_CERTIFICATES is off, so the server's identity "
                           "is never checked")
            crawler.stats.set_value("hub_auth/refused_unverified_tls", 1)
            self._authorization = None
        elif self._authorization:
            logger.info("using an HF token for %s (higher rate limits)", self.endpoint)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> HubAuthMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        if not same_origin(request.url, self.endpoint):
            if AUTHORIZATION in request.headers:
                del request.headers[AUTHORIZATION]
                self.crawler.stats.inc_value("hub_auth/stripped_foreign_authorization")
            return
        if self._authorization and not request.meta.get("playwright"):
            request.headers[AUTHORIZATION] = self._authorization

    def process_response(self, request: Request, response: Response) -> Response:
        self._forget(request)
        return response

    def process_exception(self, request: Request, exception: BaseException) -> None:
        self._forget(request)

    def _forget(self, request: Request) -> None:
        """Take our token off the request: whatever copies or stores it next must not find it."""
        if self._authorization and request.headers.get(AUTHORIZATION) == self._authorization.encode():
            del request.headers[AUTHORIZATION]
