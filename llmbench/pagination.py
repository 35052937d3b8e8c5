"""A Hub listing's `Link: rel="next"` chain, followed on the Hub's origin only and never round in a loop.

The Hub pages `/api/models` and `/api/datasets` with a cursor in the next page's URL (docs/hub-api.md §3).
A Link header is the server's word on where to read next: one that leaves the Hub endpoint's origin
(another host, `file://`) would have that origin's rows written as Hub data, and one that names a page
or cursor already read would run for ever (`limit=all`) or end early with repeats (`limit=N`). Either
stops the listing with a PaginationError; the spider fails the crawl with its message.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urljoin, urlsplit

from scrapy.http import Response

from llmbench.hub_endpoint import same_origin
from llmbench.parsing.hub_models import next_link

MAX_URL = 8192  # longer than any Hub URL; a longer one is not followed


class PaginationError(ValueError):
    """The next page a listing names cannot be followed; the message names both URLs."""


def cursor_of(url: str) -> str | None:
    return next((value for key, value in parse_qsl(urlsplit(url).query) if key == "cursor"), None)


class LinkPagination:
    """The pages and cursors of one listing read so far; `next_page` checks the next before it is asked."""

    def __init__(self, endpoint: str) -> None:
        self.endpoint = endpoint
        self.urls: set[str] = set()
        self.cursors: set[str] = set()

    def visit(self, url: str) -> None:
        """Remember a page asked for (the first one, or one resumed from a checkpoint)."""
        self.urls.add(url)
        cursor = cursor_of(url)
        if cursor is not None:
            self.cursors.add(cursor)

    def next_page(self, response: Response) -> str | None:
        """The next page's absolute URL, None at the end; PaginationError when it must not be followed."""
        link = next_link([value.decode("latin-1") for value in response.headers.getlist("Link")])
        if link is None:
            return None
        url = urljoin(response.url, link.strip())
        if len(url) > MAX_URL:
            raise PaginationError(f"the next page named by {response.url} has a {len(url)}-character URL")
        if not same_origin(url, self.endpoint) or urlsplit(url).scheme not in ("http", "https"):
            raise PaginationError(f"the next page named by {response.url} is off the Hub: {url} "
                                  f"(only {self.endpoint} is followed)")
        cursor = cursor_of(url)
        if url in self.urls or (cursor is not None and cursor in self.cursors):
            raise PaginationError(f"the next page named by {response.url} repeats a page already read: {url} "
                                  "(a pagination loop)")
        self.visit(url)
        return url
