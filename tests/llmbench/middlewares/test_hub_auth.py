"""HubAuthMiddleware, in process: the token is on a Hub request for its download only, never on a copy,
never for the browser, never over plain http across a network."""

from __future__ import annotations

import pytest
from scrapy import Request

from llmbench.middlewares.hub_auth import HubAuthMiddleware
from tests.inprocess import HUB, answer, project_crawler

TOKEN = "hf_authUNITtoken0123456789abcdef"
BEARER = f"Bearer {TOKEN}".encode()


@pytest.fixture(autouse=True)
def token(monkeypatch):
    monkeypatch.setenv("HF_TOKEN", TOKEN)


def middleware(endpoint: str = HUB) -> tuple:
    crawler = project_crawler(HUB_ENDPOINT=endpoint)
    return crawler, HubAuthMiddleware.from_crawler(crawler)


def test_the_token_is_taken_off_once_the_answer_is_in():
    _, mw = middleware()
    request = Request(f"{HUB}/api/models")
    mw.process_request(request)
    assert request.headers[b"Authorization"] == BEARER
    response = answer(request.url, "[]", request=request)
    assert mw.process_response(request, response) is response
    assert b"Authorization" not in request.headers
    assert b"Authorization" not in request.replace(dont_filter=True).headers, "a retry copy carries none"


def test_the_token_is_taken_off_after_a_download_error():
    _, mw = middleware()
    request = Request(f"{HUB}/api/models")
    mw.process_request(request)
    assert mw.process_exception(request, TimeoutError()) is None
    assert b"Authorization" not in request.headers


def test_a_users_own_authorization_header_is_left_as_it_is():
    _, mw = middleware()
    request = Request(f"{HUB}/api/models", headers={"Authorization": "Bearer theirs"})
    mw.process_response(request, answer(request.url, "[]", request=request))
    assert request.headers[b"Authorization"] == b"Bearer theirs"


def test_the_browser_gets_no_token():
    _, mw = middleware()
    request = Request(f"{HUB}/spaces/x", meta={"playwright": True})
    mw.process_request(request)
    assert b"Authorization" not in request.headers


@pytest.mark.parametrize(("endpoint", "sent"), [
    ("http://hub.example.org", False), ("https://hub.example.org", True), ("http://localhost:9", True),
    ("http://[::1]:9", True),
])
def test_plain_http_across_a_network_gets_no_token(endpoint, sent):
    crawler, mw = middleware(endpoint)
    request = Request(f"{endpoint}/api/models")
    mw.process_request(request)
    assert (b"Authorization" in request.headers) is sent
    assert crawler.stats.get_value("hub_auth/refused_plain_http") == (None if sent else 1)
