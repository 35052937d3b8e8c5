"""Send the HF token to the Hub endpoint's origin only, and strip any Authorization elsewhere.

Runs last before the download handler (order 950), so redirected and re-scheduled requests are checked
too. The token is read from huggingface_hub (HF_TOKEN / token file), never from settings, and is never
logged or stored in stats.
"""

from __future__ import annotations

import logging

from scrapy import Request
from scrapy.crawler import Crawler

from llmbench.hub import auth_header, hub_token, same_origin

logger = logging.getLogger(__name__)


class HubAuthMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.endpoint = crawler.settings.get("HUB_ENDPOINT")
        self._authorization = auth_header(hub_token())
        if self._authorization:
            logger.info("using an HF token for %s (higher rate limits)", self.endpoint)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> HubAuthMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        if same_origin(request.url, self.endpoint):
            if self._authorization:
                request.headers[b"Authorization"] = self._authorization
        elif b"Authorization" in request.headers:
            del request.headers[b"Authorization"]
            self.crawler.stats.inc_value("hub_auth/stripped_foreign_authorization")
