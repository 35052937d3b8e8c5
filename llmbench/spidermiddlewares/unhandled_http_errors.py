"""An HTTP error response that no callback accepts and no errback handles fails the crawl.

Scrapy's HttpErrorMiddleware (order 50) turns such a response into an HttpError and only logs it at INFO,
so the crawl would end "finished". Placed above it (55), this middleware sees the exception first.
"""

from __future__ import annotations

from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError

from llmbench.failures import fail_crawl


class UnhandledHttpErrors:
    """Spider middleware: an error status nobody handled fails the crawl, naming the URL."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> UnhandledHttpErrors:
        return cls(crawler)

    def process_spider_exception(self, response: Response, exception: Exception) -> None:
        if isinstance(exception, HttpError):
            fail_crawl(self.crawler, "llmbench/unhandled_http_errors",
                       f"HTTP {response.status} from {response.url} and nobody to handle it")
        return None
