"""What a Hub answer means, in words: found, not found, gated, file not found, rate limited, server error.

On today's Hub (docs/hub-api.md §7) an anonymous 401 *without* `X-Error-Code` means "no such repo (or not
yours)", a 401/403 with `X-Error-Code: GatedRepo` means "gated: accept the license and use a token",
and a 404 with `EntryNotFound` means the repo exists but the file does not.
"""

from __future__ import annotations

from scrapy.http import Response
from twisted.python.failure import Failure

from llmbench.download_bounds import already_reported

OK = "ok"
NOT_FOUND = "not found"
GATED = "gated"
FILE_NOT_FOUND = "file not found"
FORBIDDEN = "forbidden"
RATE_LIMITED = "rate limited"
SERVER_ERROR = "server error"
NETWORK_ERROR = "network error"
REFUSED = "refused"  # llmbench refused the answer (too large, redirected off the Hub): the crawl already failed
# Worth asking again later: the answer says nothing about the repo.
TRANSIENT = frozenset({RATE_LIMITED, SERVER_ERROR, NETWORK_ERROR})
# The repo itself is not there: no other source of it can answer either.
REPO_GONE = frozenset({NOT_FOUND})


def classify(status: int, error_code: str | None, *, file_request: bool) -> str:
    """One HTTP answer → one of the words above. `file_request`: a resolver/raw URL, not a page or the API."""
    if status < 400:
        return OK
    if status in (401, 403) and error_code == "GatedRepo":
        return GATED
    if status == 404 and error_code == "EntryNotFound":
        return FILE_NOT_FOUND
    if status == 404 and error_code is None and file_request:
        return FILE_NOT_FOUND  # a server that names no error code: the file is what was asked for
    if status == 404 or (status == 401 and error_code in (None, "RepoNotFound")):
        return NOT_FOUND
    if status in (401, 403):
        return FORBIDDEN
    if status == 429:
        return RATE_LIMITED
    if status >= 500 or status == 408:
        return SERVER_ERROR
    return f"HTTP {status}"


def describe(status: int, error_code: str | None, *, file_request: bool, note: str = "") -> tuple[str, str]:
    """(word, words with the evidence), e.g. ("gated", "gated (HTTP 401 GatedRepo)")."""
    word = classify(status, error_code, file_request=file_request)
    evidence = f"HTTP {status}{' ' + error_code if error_code else ''}{note}"
    return word, f"{word} ({evidence})"


def describe_response(response: Response, *, file_request: bool) -> tuple[str, str]:
    code = response.headers.get("X-Error-Code")
    return describe(response.status, code.decode("latin-1") if code else None, file_request=file_request,
                    note=", after retries" if response.status == 429 or response.status >= 500 else "")


def gated_advice(model_id: str, words: str, page: str, *, token_set: bool) -> str:
    """The one log line for the first gated repo met: what to do to read its files."""
    if token_set:
        return (f"{model_id} is gated ({words}): your HF_TOKEN's account has not been granted access; accept the "
                f"license at {page}; further gated repos are only counted")
    return (f"{model_id} is gated ({words}): its files need HF_TOKEN set to a token whose account accepted the "
            f"license at {page}; further gated repos are only counted")


def describe_failure(failure: Failure, *, file_request: bool) -> tuple[str, str]:
    """An errback's failure: an HTTP error status after retries, or a network error (timeout, refused, cut)."""
    response = getattr(failure.value, "response", None)
    if response is not None:
        return describe_response(response, file_request=file_request)
    if already_reported(failure):
        return REFUSED, f"{REFUSED} ({failure.value})"
    return NETWORK_ERROR, f"{NETWORK_ERROR} ({type(failure.value).__name__}, after retries)"
