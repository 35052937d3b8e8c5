"""#10.2 in process: HubAuthMiddleware adds the HF token for one download to the Hub only (every path a
crawl's request takes, with leak scans: tests/e2e/hostile/test_token_paths.py)."""

from __future__ import annotations

import pytest
from scrapy import Request
from scrapy.http import Response
from scrapy.utils.test import get_crawler

from llmbench.hub_endpoint import hub_token_for
from llmbench.middlewares.hub_auth import HubAuthMiddleware

TOKEN = "hf_hostileSECRETtoken0123456789abcdef"  # as tests/e2e/hostile/runs.py, which unit tests do not import
VERIFIED = {"DOWNLOAD_VERIFY_CERTIFICATES": True}  # llmbench's setting; Scrapy's own default is off


def test_middleware_adds_the_token_for_one_download_only(monkeypatch):
    monkeypatch.setenv("HF_TOKEN", TOKEN)
    crawler = get_crawler(settings_dict={"HUB_ENDPOINT": "https://hub.test", **VERIFIED})
    middleware = HubAuthMiddleware.from_crawler(crawler)
    request = Request("https://hub.test/api/models")
    middleware.process_request(request)
    assert request.headers[b"Authorization"] == f"Bearer {TOKEN}".encode()
    middleware.process_response(request, Response(request.url, request=request))
    assert b"Authorization" not in request.headers
    middleware.process_request(request)
    middleware.process_exception(request, TimeoutError())
    assert b"Authorization" not in request.headers
    browser = Request("https://hub.test/spaces/x/y", meta={"playwright": True})
    middleware.process_request(browser)
    assert b"Authorization" not in browser.headers


@pytest.mark.parametrize(("endpoint", "sent"), [("http://hub.example.org", False), ("https://hub.example.org", True),
                                                ("http://127.0.0.1:8", True), ("http://localhost:8", True),
                                                ("http://[::1]:8", True)])
def test_no_token_over_plain_http_to_another_host(monkeypatch, endpoint, sent):
    monkeypatch.setenv("HF_TOKEN", TOKEN)
    middleware = HubAuthMiddleware.from_crawler(get_crawler(settings_dict={"HUB_ENDPOINT": endpoint, **VERIFIED}))
    request = Request(f"{endpoint}/api/models")
    middleware.process_request(request)
    assert (b"Authorization" in request.headers) is sent
    assert hub_token_for(endpoint) == (TOKEN if sent else None)  # what pacing budgets by, too
