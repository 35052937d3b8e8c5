"""The Hub origin's transport as huggingface.co sends it (docs/hub-api.md §3a; recorded response headers:
tests/fixtures/hub-samples/headers_api_model_info_2026-06-08.txt).

- JSON API answers (`/api/…`, 200) come **chunked** (`Transfer-Encoding: chunked`, no Content-Length) and,
  when the client sends `Accept-Encoding: gzip`, **gzip**-compressed, with `vary: Accept-Encoding`.
- They carry a weak `ETag` in the form the recording shows, `W/"<length hex>-<27 base64 chars of a sha1>"`
  (the format of Express' `etag`, matching the recorded `W/"a27-vndQfbspAL31/eKATEOf36LyR8k"`), and a
  `If-None-Match` that matches gets 304 (inferred: what Express does with that ETag; not recorded).
- Every answer of the Hub origin carries an `X-Request-Id` shaped like the recorded
  `Root=1-<8 hex>-<24 hex>;<uuid4>`, `X-Powered-By: huggingface-moon` and the recorded
  `Access-Control-Expose-Headers`.
- LFS file answers of a repo whose info says `xetEnabled: true` carry `X-Xet-Hash` (huggingface_hub reads it,
  `parse_xet_file_data_from_response`). The replica sends no `X-Xet-Refresh-Route` / `rel="xet-auth"` link
  (there is no Xet storage here), so clients download through the HTTP redirect, as without hf_xet.

Hostile answers (faults.py: oversize streams, gzip bombs) are left exactly as the faults made them.
"""

from __future__ import annotations

import base64
import hashlib
import os
import time
import uuid
import zlib
from collections import OrderedDict

from aiohttp import web

from ..appkeys import CATALOG

EXPOSE_HEADERS = ("X-Repo-Commit,X-Request-Id,X-Error-Code,X-Error-Message,X-Total-Count,ETag,Link,Accept-Ranges,"
                  "Content-Range,X-Linked-Size,X-Linked-ETag,X-Xet-Hash")
GZIP_KEPT = 256  # compressed bodies kept by ETag: a list page is compressed once, not per request


def weak_etag(body: bytes) -> str:
    """`W/"<len hex>-<sha1 base64, 27 chars>"`, the form of the recorded API ETag."""
    digest = base64.b64encode(hashlib.sha1(body).digest()).decode()[:27]
    return f'W/"{len(body):x}-{digest}"'


def request_id() -> str:
    """`Root=1-<epoch hex>-<24 hex>;<uuid4>`, the form of the recorded X-Request-Id (an AWS trace id)."""
    return f"Root=1-{int(time.time()):08x}-{os.urandom(12).hex()};{uuid.uuid4()}"


def gzip_bytes(body: bytes) -> bytes:
    packer = zlib.compressobj(6, zlib.DEFLATED, 31)  # wbits 31: the gzip format
    return packer.compress(body) + packer.flush()


def xet_hash(linked_etag: str) -> str:
    """A 64-hex Xet hash for an LFS blob (the real one is a Merkle hash of its chunks; any stable 64-hex
    value serves a client, which only passes it on to Xet storage)."""
    return hashlib.sha256(b"xet:" + linked_etag.strip('"').encode()).hexdigest()


def _accepts_gzip(request: web.Request) -> bool:
    return "gzip" in request.headers.get("Accept-Encoding", "").lower()


def _lfs_repo_id(path: str) -> str | None:
    """The model repo id of a `/{id}/resolve/…` path (None for datasets, Spaces and other paths)."""
    head, sep, _ = path.lstrip("/").partition("/resolve/")
    if not sep or head.startswith(("datasets/", "spaces/", "api/")):
        return None
    return head


class Transport:
    """The middleware; one per Hub application (it keeps the compressed bodies)."""

    def __init__(self) -> None:
        self._gzipped: OrderedDict[str, bytes] = OrderedDict()

    def _compressed(self, etag: str, body: bytes) -> bytes:
        packed = self._gzipped.get(etag)
        if packed is None:
            packed = gzip_bytes(body)
            self._gzipped[etag] = packed
            if len(self._gzipped) > GZIP_KEPT:
                self._gzipped.popitem(last=False)
        else:
            self._gzipped.move_to_end(etag)
        return packed

    @web.middleware
    async def middleware(self, request: web.Request, handler):
        try:
            response = await handler(request)
        except web.HTTPException as exc:  # raised on (aiohttp deprecates returning it), with the Hub's headers
            self._identify(exc)
            raise
        self._identify(response)
        if type(response) is not web.Response or "Content-Encoding" in response.headers:
            return response  # a stream (oversize fault) or an already-encoded body (gzip bomb): as made
        if response.status == 302 and "X-Linked-Etag" in response.headers:
            self._add_xet_hash(request, response)
            return response
        if not (request.path.startswith("/api/") and response.status == 200
                and response.content_type == "application/json"):
            return response
        body = bytes(response.body or b"")
        etag = weak_etag(body)
        response.headers["ETag"] = etag
        response.headers["vary"] = "Origin, Accept-Encoding"
        if etag in request.headers.get("If-None-Match", ""):
            return web.Response(status=304, headers={k: v for k, v in response.headers.items()
                                                     if k.lower() not in ("content-type", "content-length")})
        if _accepts_gzip(request):
            response.body = self._compressed(etag, body)
            response.headers["Content-Encoding"] = "gzip"
        response.enable_chunked_encoding()
        return response

    @staticmethod
    def _identify(response: web.StreamResponse) -> None:
        """The headers every answer of the Hub origin carries (its request id, its server)."""
        response.headers.setdefault("X-Request-Id", request_id())
        response.headers.setdefault("X-Powered-By", "huggingface-moon")
        response.headers.setdefault("Access-Control-Expose-Headers", EXPOSE_HEADERS)

    @staticmethod
    def _add_xet_hash(request: web.Request, response: web.Response) -> None:
        repo_id = _lfs_repo_id(request.path)
        record = request.app[CATALOG].get(repo_id) if repo_id else None
        if record is not None and record.api.get("xetEnabled"):
            response.headers["X-Xet-Hash"] = xet_hash(response.headers["X-Linked-Etag"])
