"""The rules behind #23.1-3, case by case: which redirect hops and next pages are followed, which YAML is read.

The crawls themselves (real servers, real `scrapy crawl`) are in tests/e2e/hostile/test_bounds.py.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from scrapy import Request
from scrapy.http import Response
from scrapy.utils.test import get_crawler

from llmbench.download_bounds import DownloadRefused
from llmbench.middlewares.stay_on_hub import StayOnHubMiddleware
from llmbench.pagination import LinkPagination, PaginationError
from llmbench.parsing.benchmarks import MAX_TEXT, SourceError, benchmark_from_yaml

HUB = "https://hub.test"
CDN = "https://cdn-lfs.hub-storage.test"


def hop(chain: list[str], url: str, endpoint: str = HUB) -> bool:
    """True when the middleware lets the redirected request to `url` (after `chain`) go out."""
    middleware = StayOnHubMiddleware.from_crawler(get_crawler(settings_dict={"HUB_ENDPOINT": endpoint}))
    try:
        middleware.process_request(Request(url, meta={"redirect_urls": chain}))
    except DownloadRefused:
        return False
    return True


@pytest.mark.parametrize(("chain", "url", "followed"), [
    ([f"{HUB}/api/models/gpt2"], f"{HUB}/api/models/openai-community/gpt2", True),  # a legacy id, on the Hub
    ([f"{HUB}/api/models/gpt2"], "https://elsewhere.test/api/models/gpt2", False),  # API data from elsewhere
    ([f"{HUB}/org/model"], f"{CDN}/page", False),  # a model page is not a file
    ([f"{HUB}/org/m/resolve/main/model.safetensors"], f"{CDN}/repos/ab/abc", True),  # LFS file -> storage
    ([f"{HUB}/org/m/resolve/main/x.bin", f"{CDN}/a"], f"{CDN}/b", True),  # within the storage origin
    ([f"{HUB}/org/m/resolve/main/x.bin", f"{CDN}/a"], "https://third.test/b", False),  # a second foreign origin
    ([f"{HUB}/org/m/resolve/main/x.bin"], "http://cdn.test/a", False),  # https Hub, http storage
    (["https://app.test/data"], "https://anywhere.test/", True),  # not a Hub request: not this rule's business
])
def test_redirect_hops(chain, url, followed):
    assert hop(chain, url) is followed


def test_plain_http_storage_only_for_a_plain_http_endpoint():
    local = "http://127.0.0.1:8000"
    assert hop([f"{local}/org/m/resolve/main/x.bin"], "http://127.0.0.1:9000/blob", endpoint=local)


def next_page(pagination: LinkPagination, url: str, link: str | None) -> str | None:
    headers = {"Link": [b'<https://hub.test/x>; rel="ai-catalog"', f'<{link}>; rel="next"'.encode()]} if link else {}
    return pagination.next_page(Response(url, headers=headers))


def test_pagination_follows_the_hub_once_per_page_and_cursor():
    pages = LinkPagination(HUB)
    first = f"{HUB}/api/models?limit=10"
    pages.visit(first)
    assert next_page(pages, first, "/api/models?limit=10&cursor=A") == f"{HUB}/api/models?limit=10&cursor=A"
    assert next_page(pages, first, None) is None
    with pytest.raises(PaginationError, match="pagination loop"):
        next_page(pages, f"{HUB}/api/models?cursor=A", f"{HUB}/api/models?cursor=A&limit=20")  # same cursor
    with pytest.raises(PaginationError, match="pagination loop"):
        next_page(pages, f"{HUB}/api/models?cursor=B", first)  # the first page again


@pytest.mark.parametrize("link", ["https://elsewhere.test/api/models?cursor=A", "file:///etc/passwd",
                                  "http://hub.test/api/models?cursor=A", "https://hub.test:notaport/api/models"])
def test_pagination_stays_on_the_hub(link):
    with pytest.raises(PaginationError, match="off the Hub"):
        next_page(LinkPagination(HUB), f"{HUB}/api/models", link)


def read(text: str):
    return benchmark_from_yaml("org/bench", text, crawled_at=datetime.now(UTC))


@pytest.mark.parametrize(("text", "why"), [
    ("base: &b {x: 1}\nname: Bench\n", "anchors and aliases"),  # an anchor alone is refused too
    ("name: *undefined\n", "anchors and aliases"),
    ("name: [a, b]\n", "`name` is a list"),
    (f"name: {'x' * (MAX_TEXT + 1)}\n", "characters long"),
    ("name: B\ntasks:\n  - id: {nested: map}\n", r"`tasks\[\]\.id` is a dict"),
    ("[" * 50_000, "nested too deeply"),
    ("name: B\n" + "#" * 300_000, "characters long"),
])
def test_eval_yaml_refused(text, why):
    with pytest.raises(SourceError, match=why):
        read(text)


def test_eval_yaml_scalars_read_as_text():
    item = read("name: GPQA\nevaluation_framework: inspect-ai\ntasks:\n  - id: diamond\n  - id: 2\n")
    assert (item.name, item.framework, item.tasks) == ("GPQA", "inspect-ai", ["diamond", "2"])
