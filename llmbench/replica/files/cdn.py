"""The storage/CDN origin LFS downloads are redirected to: a third loopback server, so clients meet a
cross-origin redirect (and must not send their Hub token there) as they do on the real Hub. It answers
`Range` requests with 206/416 as CloudFront/S3 do (`blobs.py`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from aiohttp import web

from .blobs import Blob, blob_answer


@dataclass
class Cdn:
    """Blobs published by the resolvers, served by content hash. A blob that can be made again (a
    safetensors file: its header is rebuilt on demand) is kept as its maker, so serving every repo's
    files does not keep every header in memory."""

    url: str = ""
    blobs: dict[str, tuple[Blob | Callable[[], Blob | None], str]] = field(default_factory=dict)

    def publish(self, blob: Blob, filename: str, remake: Callable[[], Blob | None] | None = None) -> str:
        """Register a blob (or `remake`, which gives it again) and return its absolute (signed-looking) URL."""
        self.blobs[blob.digest] = (remake or blob, filename)
        name = filename.rsplit("/", 1)[-1]
        return (f"{self.url}/repos/{blob.digest[:2]}/{blob.digest}"
                f"?response-content-disposition=attachment%3B+filename%3D{name}")

    async def serve(self, request: web.Request) -> web.StreamResponse:
        published = self.blobs.get(request.match_info["digest"])
        if published is None:
            return web.Response(status=403, text="<Error><Code>AccessDenied</Code></Error>",
                                content_type="application/xml")
        blob = published[0] if isinstance(published[0], Blob) else published[0]()
        if blob is None:
            return web.Response(status=403, text="<Error><Code>AccessDenied</Code></Error>",
                                content_type="application/xml")
        return await blob_answer(request, blob, headers={"ETag": f'"{blob.digest}"'})

    def application(self, middlewares: list) -> web.Application:
        app = web.Application(middlewares=middlewares)
        app.router.add_get("/repos/{prefix}/{digest}", self.serve)
        return app
