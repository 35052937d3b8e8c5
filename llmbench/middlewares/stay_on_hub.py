"""A request to the Hub is redirected within the Hub only (a file download: also to its storage origin).

Scrapy's RedirectMiddleware follows a 3xx anywhere: a Hub API answer redirected to another origin would
be read, and written, as Hub data. Its documented behaviour makes the check simple: a redirect is a new
request, sent through every downloader middleware's process_request again, with the URLs it came through
in `meta["redirect_urls"]` (the first is the one the spider asked for). So this middleware checks each
hop before it is downloaded, when the chain started on the Hub endpoint's origin (HUB_ENDPOINT):
- a hop to the Hub's origin is followed (a renamed repo, a legacy id);
- a file download (`/resolve/`) may leave it for one storage/CDN origin, as the real Hub's LFS files do
  (docs/hub-api.md §9), over https (http only when the endpoint itself is http, e.g. the replica);
  HubAuthMiddleware sends no token there;
- anything else is refused: counted (`download/refused_redirects`), one line naming both URLs, the
  crawl fails, and the request's errback gets a DownloadRefused.
Requests that did not start on the Hub (the leaderboard's app, a browser page) are not this
middleware's business. Order 50: before the robots.txt middleware (100), so a refused origin is not
even asked for its robots.txt. Pagination (`Link: rel="next"`) is checked by the spiders (pagination.py).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from scrapy import Request
from scrapy.crawler import Crawler

from llmbench.download_bounds import DownloadRefused
from llmbench.failures import fail_crawl
from llmbench.hub_endpoint import bucket_of, origin, same_origin

REFUSED_STAT = "download/refused_redirects"


class StayOnHubMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.endpoint = crawler.settings.get("HUB_ENDPOINT")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StayOnHubMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        chain = request.meta.get("redirect_urls")
        if not chain or not same_origin(chain[0], self.endpoint):
            return
        problem = self.refusal(chain, request.url)
        if problem:
            message = f"refused a redirect off the Hub: {chain[-1]} -> {request.url} ({problem})"
            fail_crawl(self.crawler, REFUSED_STAT, message)
            raise DownloadRefused(message)

    def refusal(self, chain: list[str], url: str) -> str | None:
        """Why the hop to `url` after `chain` is not followed, or None when it is."""
        if same_origin(url, self.endpoint):
            return None
        if bucket_of(urlsplit(chain[0]).path) != "resolvers":
            return f"only file downloads may leave {self.endpoint}"
        scheme, hub_scheme = urlsplit(url).scheme, urlsplit(self.endpoint).scheme
        if scheme != "https" and not (scheme == "http" == hub_scheme):
            return "a file's storage origin must be https"
        if len({origin(u) for u in [*chain, url] if not same_origin(u, self.endpoint)}) > 1:
            return "a file download may leave the Hub for one storage origin only"
        return None
