"""Plain HTTP against the replica for its own tests: status, headers (every value kept) and body,
without following redirects, so 302/307 answers can be inspected."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

from multidict import CIMultiDict


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def request(url: str, headers: dict[str, str] | None = None, method: str = "GET") -> tuple[int, CIMultiDict, bytes]:
    """(status, headers, body) of one request; redirects are returned, not followed."""
    req = urllib.request.Request(url, headers=headers or {}, method=method)
    try:
        with _OPENER.open(req, timeout=30) as response:
            return response.status, CIMultiDict(response.headers.items()), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, CIMultiDict(exc.headers.items()), exc.read()


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, CIMultiDict, bytes]:
    return request(url, headers)


def get_json(url: str, headers: dict[str, str] | None = None):
    status, response_headers, body = request(url, headers)
    return status, response_headers, json.loads(body)
