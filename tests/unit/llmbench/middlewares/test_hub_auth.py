"""HubAuthMiddleware, in process, for what tests/e2e/hostile/test_token_paths.py and tests/unit/test_pipelines.py do
not cover already (the token for one download only, none for the browser, none over plain http across a
network, foreign Authorization stripped): a header the user set is theirs, and a refusal is counted."""

from __future__ import annotations

import logging

import pytest
from scrapy import Request

from llmbench.middlewares.hub_auth import HubAuthMiddleware
from tests.inprocess import HUB, answer, project_crawler

TOKEN = "hf_authUNITtoken0123456789abcdef"


@pytest.fixture(autouse=True)
def token(monkeypatch):
    monkeypatch.setenv("HF_TOKEN", TOKEN)


def test_a_users_own_authorization_header_is_left_as_it_is():
    middleware = HubAuthMiddleware.from_crawler(project_crawler())
    request = Request(f"{HUB}/api/models", headers={"Authorization": "Bearer theirs"})
    middleware.process_response(request, answer(request.url, "[]", request=request))
    assert request.headers[b"Authorization"] == b"Bearer theirs"


def test_a_refused_token_is_counted_and_said_once_without_its_value(caplog):
    with caplog.at_level(logging.INFO, logger="llmbench.middlewares.hub_auth"):
        crawler = project_crawler(HUB_ENDPOINT="http://hub.example.org")
        HubAuthMiddleware.from_crawler(crawler)
    assert crawler.stats.get_value("hub_auth/refused_plain_http") == 1
    (line,) = [r.getMessage() for r in caplog.records if r.name == "llmbench.middlewares.hub_auth"]
    assert line.startswith("HF token NOT sent: HUB_ENDPOINT http://hub.example.org is plain http")
    assert TOKEN not in caplog.text


def test_with_certificate_verification_off_no_token_is_sent(caplog):
    with caplog.at_level(logging.INFO, logger="llmbench.middlewares.hub_auth"):
        crawler = project_crawler(HUB_ENDPOINT="https://hub.example.org", DOWNLOAD_VERIFY_CERTIFICATES=False)
        middleware = HubAuthMiddleware.from_crawler(crawler)
    request = Request("https://hub.example.org/api/models")
    middleware.process_request(request)
    assert b"Authorization" not in request.headers
    assert crawler.stats.get_value("hub_auth/refused_unverified_tls") == 1
    assert "DOWNLOAD_VERIFY_CERTIFICATES is off" in caplog.text and TOKEN not in caplog.text


def test_with_verification_on_the_hub_gets_the_token():
    middleware = HubAuthMiddleware.from_crawler(project_crawler(HUB_ENDPOINT="https://hub.example.org"))
    request = Request("https://hub.example.org/api/models")
    middleware.process_request(request)
    assert request.headers[b"Authorization"] == f"Bearer {TOKEN}".encode()
