"""The replica server: the Hub origin, the leaderboard app origin, the archived v1 leaderboard app origin
and the storage/CDN origin LFS downloads redirect to, each on its own loopback port.

`Replica` runs inside an asyncio loop; `ReplicaThread` runs one in a background thread for tests,
benchmarks and the offline demo, so the code under test talks to it over real HTTP.
"""

from __future__ import annotations

import asyncio
import shutil
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from aiohttp import web

from .appkeys import CATALOG, LIST_PAGES, REPLICA
from .catalog import Catalog
from .evals import routes as evals_routes
from .faults import FaultConfig, alias_bomb, gzip_bomb, padding
from .files.cdn import Cdn
from .hub_api import models as models_api
from .hub_api import spaces as spaces_api
from .hub_api import trees
from .hub_api.access import AccessConfig
from .hub_api.transport import Transport
from .leaderboard import app as leaderboard_app
from .leaderboard import space, v1_space
from .leaderboard.space import SPACE_PATH, SpaceState
from .pages.repo_route import repo_route
from .provenance import mark_answers
from .ratelimit import FixedWindowLimiter, RateLimitConfig
from .request_log import RequestLog, RequestRecord
from .tls import Certificate, self_signed

# Route installers of the Hub origin, in order; the catch-all repo route comes after them all.
# Hook: a module serving more of the Hub (Community Evals) appends its `add_routes` here.
HUB_ROUTES: tuple[Callable[[web.Application], None], ...] = (
    trees.add_routes, models_api.add_routes, leaderboard_app.add_dataset_routes, evals_routes.add_routes,
    space.add_routes, v1_space.add_v1_space_routes,
    spaces_api.add_routes,  # after the Space runtime route, which it would otherwise shadow
)


class Replica:
    """Both origins of the replica, configured per run."""

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0, app_port: int = 0,
                 faults: FaultConfig | None = None, limits: RateLimitConfig | None = None,
                 extra_models: int = 0, seed: int = 0, catalog: Catalog | None = None,
                 granted_tokens: Iterable[str] = (), cdn_port: int = 0, tls: bool = False,
                 certificate: Certificate | None = None,
                 clock: Callable[[], float] = time.time, space_stage: str = "RUNNING",
                 space_ready_after: float | None = None, v1_app_port: int = 0) -> None:
        self.host = host
        self.port = port
        self.app_port = app_port
        self.v1_app_port = v1_app_port
        self.faults = faults or FaultConfig()
        self.limits = limits or RateLimitConfig()
        self.limiter = FixedWindowLimiter(self.limits, clock)  # tests pass a clock they move themselves
        self.catalog = catalog or Catalog(seed=seed, extra_models=extra_models)
        self.access = AccessConfig(granted_tokens=frozenset(granted_tokens))
        self.cdn_port = cdn_port
        self.cdn = Cdn()
        self.log = RequestLog()
        self.space = SpaceState(space_stage, space_ready_after)  # the leaderboard Space's runtime stage
        self._runners: list[web.AppRunner] = []
        self.hub_url = ""
        self.app_url = ""
        self.v1_app_url = ""  # the archived v1 board's Gradio app (leaderboard/v1_space.py)
        self.cdn_url = ""
        self.tls = tls or certificate is not None
        self.certificate = certificate  # a given certificate (kept); with plain `tls`, a throwaway one
        self.ca_file: Path | None = None  # with `tls`: the PEM file clients trust the replica with

    @property
    def leaderboard_url(self) -> str:
        return f"{self.hub_url}{SPACE_PATH}"

    def export_lines(self) -> list[str]:
        lines = [f"export HF_ENDPOINT={self.hub_url}", f"export LLMBENCH_LEADERBOARD_URL={self.leaderboard_url}",
                 f"export LLMBENCH_LEADERBOARD_V1_URL={self.v1_app_url}"]
        return lines + ([f"export SSL_CERT_FILE={self.ca_file}"] if self.ca_file else [])

    def client_environment(self) -> dict[str, str]:
        """The variables that point a crawl at this replica and make it trust the replica's certificate."""
        variables = {"HF_ENDPOINT": self.hub_url, "LLMBENCH_LEADERBOARD_URL": self.leaderboard_url,
                     "LLMBENCH_LEADERBOARD_V1_URL": self.v1_app_url}
        if self.ca_file:
            variables["SSL_CERT_FILE"] = str(self.ca_file)
        return variables

    # -- middlewares ---------------------------------------------------------------------------
    def _logging(self, origin: str):
        @web.middleware
        async def log_requests(request: web.Request, handler):
            arrived = time.time()
            status = 500
            try:
                response = await handler(request)
                status = response.status
                return response
            except web.HTTPException as exc:  # raised on: aiohttp deprecates returning one
                status = exc.status
                raise
            finally:
                self.log.add(RequestRecord(origin, request.method, request.path_qs, status,
                                           request.headers.get("Authorization"), request.headers.get("User-Agent"),
                                           arrived))
        return log_requests

    async def _latency(self) -> None:
        delay = self.faults.delay()
        if delay:
            await asyncio.sleep(delay)

    @web.middleware
    async def _hub_faults_and_limits(self, request: web.Request, handler):
        await self._latency()
        decision = None
        if self.limits.enabled:
            authenticated = request.headers.get("Authorization", "").startswith("Bearer ")
            decision = self.limiter.check(request.remote or "?", authenticated, request.path)
        headers = FixedWindowLimiter.headers(decision) if decision and self.limits.send_headers else {}
        if decision is not None and not decision.allowed:
            if request.path.startswith("/api/"):
                response = web.json_response(
                    {"error": f"You have exceeded our rate limit for the '{decision.bucket}' bucket."},
                    status=429, headers=headers)
            else:
                response = web.Response(status=429, text="429 Too Many Requests", headers=headers)
            return response
        error, stall, malformed, reshaped, hostile = self.faults.draw(request.path)
        if stall:
            await asyncio.sleep(self.faults.stall_seconds)
        if error:
            return web.json_response({"error": "Internal Error - We're working hard to fix this as soon as possible!"},
                                     status=self.faults.error_status, headers=headers)
        response = await handler(request)
        is_json = isinstance(response, web.Response) and response.content_type == "application/json"
        if (malformed or reshaped) and is_json:
            body = bytes(response.body or b"")
            if reshaped and body.startswith(b"["):
                body = b'{"models": ' + body + b"}"
            response.body = body[: max(1, len(body) // 2)] if malformed else body
        for key, value in headers.items():
            response.headers[key] = value
        if hostile and isinstance(response, web.Response) and response.status == 200:
            return await self._hostile(request, response)
        return response

    async def _hostile(self, request: web.Request, response: web.Response) -> web.StreamResponse:
        """The hostile answer that replaces `response` (faults.py: yaml_bomb, gzip_bomb_bytes, oversize_bytes)."""
        faults = self.faults
        kept = {k: v for k, v in response.headers.items() if k.lower() not in ("content-length", "content-encoding")}
        if faults.yaml_bomb and request.path.endswith("/eval.yaml"):
            return web.Response(text=alias_bomb(), content_type="text/plain", charset="utf-8",
                                headers={k: v for k, v in kept.items() if k.lower() != "content-type"})
        body = bytes(response.body or b"")
        if faults.gzip_bomb_bytes > 0:
            packed = await asyncio.to_thread(gzip_bomb, body, faults.gzip_bomb_bytes)
            return web.Response(body=packed, headers=kept | {"Content-Encoding": "gzip"})
        if faults.oversize_bytes <= 0:
            return response
        streamed = web.StreamResponse(headers=kept)  # chunked, no Content-Length: a bound must hold as bytes arrive
        await streamed.prepare(request)
        try:
            await streamed.write(body)
            for chunk in padding(faults.oversize_bytes - len(body)):
                await streamed.write(chunk)
            await streamed.write_eof()
        except (ConnectionError, RuntimeError):  # the client hung up: what a bounded client does
            pass
        return streamed

    @web.middleware
    async def _app_latency(self, request: web.Request, handler):
        await self._latency()
        return await handler(request)

    # -- apps ----------------------------------------------------------------------------------
    def hub_application(self) -> web.Application:
        # The transport (chunked, gzip, ETag, X-Request-Id) wraps the faults: a hostile answer stays as made.
        app = web.Application(middlewares=[self._logging("hub"), Transport().middleware, mark_answers,
                                           self._hub_faults_and_limits])
        app[CATALOG] = self.catalog
        app[REPLICA] = self
        app[LIST_PAGES] = {}
        for add_routes in HUB_ROUTES:
            add_routes(app)
        app.router.add_get("/{path:.+}", repo_route)
        return app

    def app_application(self) -> web.Application:
        app = web.Application(middlewares=[self._logging("app"), mark_answers, self._app_latency])
        app[REPLICA] = self
        leaderboard_app.make_app_routes(app)
        return app

    def v1_app_application(self) -> web.Application:
        app = web.Application(middlewares=[self._logging("v1_app"), self._app_latency])
        app[REPLICA] = self
        v1_space.make_v1_app_routes(app)
        return app

    async def start(self) -> None:
        cdn_app = self.cdn.application([self._logging("cdn"), self._app_latency])
        ssl_context = None
        if self.certificate is not None:
            ssl_context, self.ca_file = self.certificate.server_context(), self.certificate.cert_file
        elif self.tls:
            ssl_context, self.ca_file = self_signed(self.host)
        scheme = "https" if self.tls else "http"
        for application, port, attr in ((self.app_application(), self.app_port, "app_url"),
                                        (self.v1_app_application(), self.v1_app_port, "v1_app_url"),
                                        (cdn_app, self.cdn_port, "cdn_url"),
                                        (self.hub_application(), self.port, "hub_url")):
            runner = web.AppRunner(application, access_log=None, handler_cancellation=True, shutdown_timeout=1.0)
            await runner.setup()
            site = web.TCPSite(runner, self.host, port, ssl_context=ssl_context)
            await site.start()
            bound = runner.addresses[0][1]
            setattr(self, attr, f"{scheme}://{self.host}:{bound}" + ("/" if attr in ("app_url", "v1_app_url") else ""))
            if attr == "cdn_url":
                self.cdn.url = self.cdn_url
            self._runners.append(runner)

    async def stop(self) -> None:
        for runner in reversed(self._runners):
            await runner.cleanup()
        self._runners.clear()
        if self.ca_file is not None and self.certificate is None:  # the throwaway certificate
            shutil.rmtree(self.ca_file.parent, ignore_errors=True)


class ReplicaThread:
    """A `Replica` serving from a background thread; use as a context manager."""

    def __init__(self, **kwargs) -> None:
        self.replica = Replica(**kwargs)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, name="llmbench-replica", daemon=True)
        self._ready = threading.Event()
        self._error: BaseException | None = None

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        try:
            self._loop.run_until_complete(self.replica.start())
        except BaseException as exc:  # reported to the starting thread
            self._error = exc
            self._ready.set()
            return
        self._ready.set()
        self._loop.run_forever()
        self._loop.run_until_complete(self.replica.stop())
        self._loop.close()

    def start(self) -> Replica:
        self._thread.start()
        self._ready.wait(60)
        if self._error is not None:
            raise RuntimeError(f"replica failed to start: {self._error}") from self._error
        return self.replica

    def stop(self) -> None:
        if self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)

    def __enter__(self) -> Replica:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
