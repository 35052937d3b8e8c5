"""The storage/CDN origin LFS downloads are redirected to: a third loopback server, so clients meet a
cross-origin redirect (and must not send their Hub token there) as they do on the real Hub. It answers
`Range` requests with 206/416 as CloudFront/S3 do (`blobs.py`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from aiohttp import web

from .blobs import Blob, blob_answer


@dataclass
class Cdn:
    """Blobs published by the resolvers, served by content hash."""

    url: str = ""
    blobs: dict[str, tuple[Blob, str]] = field(default_factory=dict)

    def publish(self, blob: Blob, filename: str) -> str:
        """Register a blob and return its absolute (signed-looking) URL."""
        self.blobs[blob.digest] = (blob, filename)
        name = filename.rsplit("/", 1)[-1]
        return (f"{self.url}/repos/{blob.digest[:2]}/{blob.digest}"
                f"?response-content-disposition=attachment%3B+filename%3D{name}")

    async def serve(self, request: web.Request) -> web.StreamResponse:
        published = self.blobs.get(request.match_info["digest"])
        if published is None:
            return web.Response(status=403, text="<Error><Code>AccessDenied</Code></Error>",
                                content_type="application/xml")
        blob, _ = published
        return await blob_answer(request, blob, headers={"ETag": f'"{blob.digest}"'})

    def application(self, middlewares: list) -> web.Application:
        app = web.Application(middlewares=middlewares)
        app.router.add_get("/repos/{prefix}/{digest}", self.serve)
        return app
