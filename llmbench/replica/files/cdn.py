"""The storage/CDN origin LFS downloads are redirected to: a third loopback server, so clients meet a
cross-origin redirect (and must not send their Hub token there) as they do on the real Hub."""

from __future__ import annotations

from dataclasses import dataclass, field

from aiohttp import web


@dataclass
class Cdn:
    """Blobs published by the resolvers, served by content hash."""

    url: str = ""
    blobs: dict[str, tuple[bytes, str]] = field(default_factory=dict)

    def publish(self, digest: str, content: bytes, filename: str) -> str:
        """Register a blob and return its absolute (signed-looking) URL."""
        self.blobs[digest] = (content, filename)
        name = filename.rsplit("/", 1)[-1]
        return f"{self.url}/repos/{digest[:2]}/{digest}?response-content-disposition=attachment%3B+filename%3D{name}"

    async def serve(self, request: web.Request) -> web.Response:
        blob = self.blobs.get(request.match_info["digest"])
        if blob is None:
            return web.Response(status=403, text="<Error><Code>AccessDenied</Code></Error>",
                                content_type="application/xml")
        content, _ = blob
        return web.Response(body=content, content_type="application/octet-stream",
                            headers={"ETag": f'"{request.match_info["digest"]}"', "Accept-Ranges": "bytes"})

    def application(self, middlewares: list) -> web.Application:
        app = web.Application(middlewares=middlewares)
        app.router.add_get("/repos/{prefix}/{digest}", self.serve)
        return app
