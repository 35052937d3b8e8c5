"""File contents as the resolvers and the CDN serve them, with HTTP Range answers (RFC 9110 §14).

A `Blob` is its stored bytes followed by zeros up to its declared size: a safetensors file is its real
header and then a data region that is never held in memory; ranges of it are computed on the fly.

Range answers as huggingface.co's resolvers and its CloudFront/S3 storage give them, and as
huggingface_hub relies on (`parse_safetensors_file_metadata` asks `bytes=0-100000`, then
`bytes=8-{n+7}`; resumed downloads ask `bytes=a-`): one satisfiable range → 206 with
`Content-Range: bytes a-b/size` and the range's Content-Length (a last byte past the end is clamped);
a first byte at or past the end → 416 with `Content-Range: bytes */size`; a header that is not one
`bytes=` range (several ranges, another unit, bad syntax) is ignored → 200 with the whole file, which
RFC 9110 §14.2 allows and S3 does for multi-range requests.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass

from aiohttp import web

CHUNK = 1024 * 1024
IN_MEMORY = 4 * CHUNK  # answers up to this size are built in memory; larger ones are streamed
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


@dataclass(frozen=True)
class Blob:
    """`stored` bytes, then zeros up to `size`; `digest` is its sha256 (the LFS oid), real or declared."""

    stored: bytes
    size: int
    digest: str

    @classmethod
    def of(cls, content: bytes) -> Blob:
        return cls(content, len(content), hashlib.sha256(content).hexdigest())

    def chunks(self, start: int, end: int) -> Iterator[bytes]:
        """The bytes [start, end) in pieces of at most CHUNK."""
        position = start
        while position < end:
            stop = min(end, position + CHUNK)
            piece = self.stored[position:stop] if position < len(self.stored) else b""
            yield piece + bytes(stop - position - len(piece))
            position = stop

    def read(self, start: int, end: int) -> bytes:
        return b"".join(self.chunks(start, end))


class Unsatisfiable(ValueError):
    """A Range whose first byte is at or past the end of the file (→ 416)."""


def requested_range(header: str | None, size: int) -> tuple[int, int] | None:
    """[first, last] (inclusive) of a `Range` header, None to send the whole file; Unsatisfiable → 416."""
    match = _RANGE.match((header or "").strip())
    if not match or match.groups() == ("", ""):
        return None
    first, last = match.groups()
    if first == "":  # suffix: the last n bytes
        if int(last) == 0:
            raise Unsatisfiable(header)
        return max(0, size - int(last)), size - 1
    if last and int(last) < int(first):
        return None  # invalid: ignored (RFC 9110 §14.1.1)
    if int(first) >= size:
        raise Unsatisfiable(header)
    return int(first), min(size - 1, int(last)) if last else size - 1


async def blob_answer(request: web.Request, blob: Blob, *, headers: dict[str, str],
                      content_type: str = "application/octet-stream") -> web.StreamResponse:
    """200, 206 or 416 for `blob` as `request` asks it; large answers are streamed, never built in memory."""
    headers = headers | {"Accept-Ranges": "bytes"}
    try:
        wanted = requested_range(request.headers.get("Range"), blob.size)
    except Unsatisfiable:
        return web.Response(status=416, headers=headers | {"Content-Range": f"bytes */{blob.size}"},
                            content_type="application/xml",
                            text="<Error><Code>InvalidRange</Code><Message>The requested range is not "
                                 "satisfiable</Message></Error>")
    status, first, last = 200, 0, blob.size - 1
    if wanted is not None:
        status, (first, last) = 206, wanted
        headers = headers | {"Content-Range": f"bytes {first}-{last}/{blob.size}"}
    length = last - first + 1
    if length <= IN_MEMORY:
        return web.Response(status=status, body=blob.read(first, last + 1), headers=headers,
                            content_type=content_type)
    response = web.StreamResponse(status=status, headers=headers)
    response.content_type = content_type
    response.content_length = length
    await response.prepare(request)
    if request.method != "HEAD":
        try:
            for chunk in blob.chunks(first, last + 1):
                await response.write(chunk)
        except (ConnectionError, RuntimeError):  # the client hung up (a bounded download does)
            return response
    await response.write_eof()
    return response
