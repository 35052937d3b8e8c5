"""Each Hub answer of docs/hub-api.md §7 in words, as model_pages records it."""

from __future__ import annotations

import pytest
from scrapy.http import Request, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import ConnectionRefusedError
from twisted.python.failure import Failure

from llmbench.parsing import hub_answers as answers


@pytest.mark.parametrize(("status", "code", "file_request", "word"), [
    (200, None, True, answers.OK),
    (401, None, False, answers.NOT_FOUND),  # anonymous: no such repo (or not yours)
    (401, None, True, answers.NOT_FOUND),
    (404, "RepoNotFound", False, answers.NOT_FOUND),  # with a token
    (404, "RepoNotFound", True, answers.NOT_FOUND),
    (401, "GatedRepo", True, answers.GATED),
    (403, "GatedRepo", True, answers.GATED),  # a token not granted
    (404, "EntryNotFound", True, answers.FILE_NOT_FOUND),
    (404, None, True, answers.FILE_NOT_FOUND),
    (404, None, False, answers.NOT_FOUND),
    (403, None, True, answers.FORBIDDEN),
    (429, None, False, answers.RATE_LIMITED),
    (503, None, True, answers.SERVER_ERROR),
    (400, None, False, "HTTP 400"),
])
def test_classify(status, code, file_request, word):
    assert answers.classify(status, code, file_request=file_request) == word


def response(status: int, **headers: str) -> TextResponse:
    return TextResponse("https://huggingface.co/x", status=status, headers=headers, body=b"",
                        request=Request("https://huggingface.co/x"))


def test_words_carry_the_evidence():
    assert answers.describe_response(response(401, **{"X-Error-Code": "GatedRepo"}), file_request=True) == \
        (answers.GATED, "gated (HTTP 401 GatedRepo)")
    assert answers.describe_response(response(503), file_request=True) == \
        (answers.SERVER_ERROR, "server error (HTTP 503, after retries)")


def test_failures_after_retries_are_transient():
    http = Failure(HttpError(response(429), "Ignoring non-200 response"))
    assert answers.describe_failure(http, file_request=False) == \
        (answers.RATE_LIMITED, "rate limited (HTTP 429, after retries)")
    refused = Failure(ConnectionRefusedError())
    word, words = answers.describe_failure(refused, file_request=True)
    assert word == answers.NETWORK_ERROR and words == "network error (ConnectionRefusedError, after retries)"
    assert {answers.RATE_LIMITED, answers.SERVER_ERROR, answers.NETWORK_ERROR} == answers.TRANSIENT
    assert answers.GATED not in answers.TRANSIENT and answers.NOT_FOUND in answers.REPO_GONE


def test_gated_advice_names_the_remedy():
    anonymous = answers.gated_advice("org/m", "gated (HTTP 401 GatedRepo)", "https://hub/org/m", token_set=False)
    assert "HF_TOKEN" in anonymous and "accepted the license at https://hub/org/m" in anonymous
    granted = answers.gated_advice("org/m", "gated (HTTP 403 GatedRepo)", "https://hub/org/m", token_set=True)
    assert "not been granted access" in granted
