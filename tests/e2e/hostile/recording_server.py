"""A crafted two-origin HTTP server for the cases the replica must not serve (it answers like the Hub only).

Origin `hub` plays the Hub endpoint, origin `other` a foreign host (a CDN, a Space app, an attacker).
Each test gives the answers by (origin, path); every request is recorded with its Authorization header,
so a test can say which origin saw the token. An answer may be a coroutine function (to stream a body).
Both origins listen on 127.0.0.1 unless `hosts` says otherwise (`other_host()`: 127.0.0.2 where it can bind).
"""

from __future__ import annotations

import asyncio
import inspect
import socket
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from aiohttp import web

Answer = Callable[["RecordingServer", web.Request], web.StreamResponse | Awaitable[web.StreamResponse]]


def other_host() -> str:
    """127.0.0.2 when this machine can listen there (Linux: all of 127/8 is loopback), else 127.0.0.1."""
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.2", 0))
        except OSError:
            return "127.0.0.1"
    return "127.0.0.2"


@dataclass
class Seen:
    origin: str
    path: str
    authorization: str | None


def redirect(origin: str, path: str, status: int = 302) -> Answer:
    """Answer with a redirect to `path` on `origin` ('hub' or 'other')."""
    def answer(server: RecordingServer, request: web.Request) -> web.StreamResponse:
        return web.Response(status=status, headers={"Location": server.url(origin) + path})
    return answer


def json_body(value: object, status: int = 200) -> Answer:
    return lambda server, request: web.json_response(value, status=status)


def html(text: str) -> Answer:
    return lambda server, request: web.Response(text=text, content_type="text/html")


@dataclass
class RecordingServer:
    answers: dict[tuple[str, str], Answer] = field(default_factory=dict)
    seen: list[Seen] = field(default_factory=list)
    urls: dict[str, str] = field(default_factory=dict)
    hosts: dict[str, str] = field(default_factory=dict)  # origin -> listening address (default 127.0.0.1)

    def url(self, origin: str) -> str:
        return self.urls[origin]

    def with_token(self, origin: str) -> list[Seen]:
        return [s for s in self.seen if s.origin == origin and s.authorization]

    def _handler(self, origin: str):
        async def handle(request: web.Request) -> web.StreamResponse:
            self.seen.append(Seen(origin, request.path_qs, request.headers.get("Authorization")))
            answer = self.answers.get((origin, request.path))
            if answer is None:
                return web.Response(status=404, text="Not Found")
            result = answer(self, request)
            return await result if inspect.isawaitable(result) else result
        return handle

    async def start(self) -> None:
        self._runners = []
        for origin in ("hub", "other"):
            app = web.Application()
            app.router.add_route("*", "/{path:.*}", self._handler(origin))
            runner = web.AppRunner(app, access_log=None)
            await runner.setup()
            host = self.hosts.get(origin, "127.0.0.1")
            site = web.TCPSite(runner, host, 0)
            await site.start()
            self.urls[origin] = f"http://{host}:{runner.addresses[0][1]}"
            self._runners.append(runner)

    async def stop(self) -> None:
        for runner in self._runners:
            await runner.cleanup()


class RecordingServerThread:
    """Serves a RecordingServer from a background thread (real HTTP for the crawl subprocess)."""

    def __init__(self, server: RecordingServer) -> None:
        self.server = server
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="recording-server")

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._loop.run_until_complete(self.server.start())
        self._ready.set()
        self._loop.run_forever()
        self._loop.run_until_complete(self.server.stop())
        self._loop.close()

    def __enter__(self) -> RecordingServer:
        self._thread.start()
        if not self._ready.wait(30):
            raise RuntimeError("recording server did not start")
        return self.server

    def __exit__(self, *exc: object) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
