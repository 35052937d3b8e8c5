"""An answer larger than its limit fails the crawl in one line naming the URL and the limit.

Scrapy enforces DOWNLOAD_MAXSIZE (or the request's `download_maxsize` meta, llmbench/download_bounds.py)
in two places, and says little in either:
- the download handler cancels the download, from the announced Content-Length or once more bytes came,
  with `scrapy.exceptions.DownloadCancelledError` (its message may be empty). Scrapy's handlers raise it for
  that limit alone; `SizeLimitMiddleware.process_exception` turns it into one line and a DownloadRefused.
  Its order (40) is the lowest of the downloader middlewares, so its process_exception runs last, after
  every other middleware (pacing, token) has seen the original exception.
- HttpCompressionMiddleware stops decompressing at the same limit (a gzip bomb) and raises IgnoreRequest
  from its process_response, which no other middleware sees and a request without errback drops silently.
  `BoundedHttpCompression` replaces it (same order, 590) and reports that case the same way.
Either way the request's errback gets a DownloadRefused, already said and counted (stat `download/too_large`).
"""

from __future__ import annotations

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware
from scrapy.exceptions import DownloadCancelledError, IgnoreRequest
from scrapy.http import Response

from llmbench.download_bounds import DownloadRefused, size_words
from llmbench.failures import fail_crawl

TOO_LARGE_STAT = "download/too_large"


def refuse_too_large(crawler: Crawler, request: Request, *, decompressed: bool) -> DownloadRefused:
    """Count and log (one line) an answer over its limit; the exception to raise in its place."""
    limit = request.meta.get("download_maxsize", crawler.settings.getint("DOWNLOAD_MAXSIZE"))
    what = "decompressed answer" if decompressed else "answer"
    message = (f"refused {request.url}: its {what} is larger than the {size_words(limit)} allowed for it "
               "(DOWNLOAD_MAXSIZE, or download_maxsize for this kind of request)")
    fail_crawl(crawler, TOO_LARGE_STAT, message)
    return DownloadRefused(message)


class SizeLimitMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SizeLimitMiddleware:
        return cls(crawler)

    def process_exception(self, request: Request, exception: BaseException) -> None:
        if isinstance(exception, DownloadCancelledError):
            raise refuse_too_large(self.crawler, request, decompressed=False) from exception


class BoundedHttpCompression(HttpCompressionMiddleware):
    """Scrapy's HttpCompressionMiddleware, whose one IgnoreRequest (over the limit) becomes a reported refusal."""

    crawler: Crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BoundedHttpCompression:
        middleware = super().from_crawler(crawler)
        middleware.crawler = crawler
        return middleware

    def process_response(self, request: Request, response: Response) -> Request | Response:
        try:
            return super().process_response(request, response)
        except DownloadRefused:
            raise
        except IgnoreRequest as exc:
            raise refuse_too_large(self.crawler, request, decompressed=True) from exc
