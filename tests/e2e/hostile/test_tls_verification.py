"""A man in the middle with a certificate nobody trusts gets nothing: no request, no token, from any spider.

Servers here speak real TLS on loopback with certificates made for each case (untrusted, expired, made
out for another name); a request that reaches HTTP is recorded, a refused handshake never is. The
crawls are the real `scrapy crawl` with the HF token set.
"""

from __future__ import annotations

import asyncio
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from aiohttp import web

from llmbench.replica.tls import Certificate, make_certificate
from tests.e2e.hostile.runs import TOKEN, command, env_for, files_holding, run

SPIDERS = {
    "hub": {"limit": "5"},
    "benchmarks": {},
    "model_pages": {"models": "openai-community/gpt2"},
    "leaderboard": {},
}


class TlsServer:
    """An https origin on 127.0.0.1 serving `certificate`; every request that gets past the handshake is kept."""

    def __init__(self, certificate: Certificate) -> None:
        self.certificate = certificate
        self.seen: list[tuple[str, str | None]] = []
        self.url = ""
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        self.seen.append((request.path_qs, request.headers.get("Authorization")))
        return web.json_response([])

    def _serve(self) -> None:
        asyncio.set_event_loop(self._loop)
        app = web.Application()
        app.router.add_route("*", "/{path:.*}", self._handle)
        runner = web.AppRunner(app, access_log=None)
        self._loop.run_until_complete(runner.setup())
        site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=self.certificate.server_context())
        self._loop.run_until_complete(site.start())
        self.url = f"https://127.0.0.1:{runner.addresses[0][1]}"
        self._ready.set()
        self._loop.run_forever()
        self._loop.run_until_complete(runner.cleanup())

    def __enter__(self) -> TlsServer:
        self._thread.start()
        assert self._ready.wait(30)
        return self

    def __exit__(self, *exc: object) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)


def crawl(server_url: str, spider: str, tmp_path: Path, ca_file: Path | None, **settings: str):
    data = tmp_path / "data"
    data.mkdir(exist_ok=True)
    env = env_for(server_url, data)
    env.pop("SSL_CERT_DIR", None)
    for name in ("SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
        env.pop(name, None)
    if ca_file is not None:
        env["SSL_CERT_FILE"] = str(ca_file)
    return run(command(spider, SPIDERS[spider], settings={"LOG_LEVEL": "INFO", **settings}), env, timeout=120), data


@pytest.mark.parametrize("spider", sorted(SPIDERS))
def test_an_untrusted_certificate_gets_no_request_from_any_spider(spider: str, tmp_path: Path) -> None:
    with TlsServer(make_certificate(tmp_path / "mitm")) as server:
        result, data = crawl(server.url, spider, tmp_path, ca_file=None)
    assert result.returncode != 0, result.output[-2000:]
    assert server.seen == [], f"requests reached an untrusted server: {server.seen}"
    host = server.url.removeprefix("https://")
    failures = [line for line in result.output.splitlines() if "TLS:" in line and "ERROR" in line]
    assert failures and host in failures[0] and "certificate" in failures[0], result.output[-2000:]
    assert "Traceback" not in result.output
    assert TOKEN not in result.output
    assert files_holding(TOKEN, data) == []


@pytest.mark.parametrize("case", ["expired", "other-name"])
def test_expired_or_misnamed_certificates_are_refused_even_from_a_trusted_ca(case: str, tmp_path: Path) -> None:
    if case == "expired":
        certificate = make_certificate(tmp_path / "cert", valid_from=datetime.now(UTC) - timedelta(days=30),
                                       valid_days=2)
    else:
        certificate = make_certificate(tmp_path / "cert", names=("hub.example",))
    with TlsServer(certificate) as server:
        result, _ = crawl(server.url, "hub", tmp_path, ca_file=certificate.cert_file)
    assert result.returncode == 1, result.output[-2000:]
    assert server.seen == []
    assert "TLS: the certificate of 127.0.0.1" in result.output


def test_the_same_server_trusted_through_ssl_cert_file_gets_the_crawl(tmp_path: Path) -> None:
    certificate = make_certificate(tmp_path / "cert")
    with TlsServer(certificate) as server:
        result, _ = crawl(server.url, "hub", tmp_path, ca_file=certificate.cert_file)
    assert server.seen, result.output[-2000:]
    assert all(authorization == f"Bearer {TOKEN}" for _, authorization in server.seen)
    assert "TLS:" not in result.output


def test_with_verification_off_the_token_is_not_sent(tmp_path: Path) -> None:
    with TlsServer(make_certificate(tmp_path / "mitm")) as server:
        result, _ = crawl(server.url, "hub", tmp_path, ca_file=None, DOWNLOAD_VERIFY_CERTIFICATES="False")
    assert server.seen, result.output[-2000:]
    assert [authorization for _, authorization in server.seen] == [None] * len(server.seen)
    assert "HF token NOT sent: DOWNLOAD_VERIFY_CERTIFICATES is off" in result.output


def test_a_missing_ca_bundle_is_one_line_before_anything_runs(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    env = env_for("https://127.0.0.1:9", data)
    env.pop("SSL_CERT_FILE", None)
    env.pop("SSL_CERT_DIR", None)
    env["REQUESTS_CA_BUNDLE"] = str(tmp_path / "nowhere.pem")
    result = run(command("hub", {"limit": "5"}), env, timeout=60)
    assert result.returncode == 2, result.output[-2000:]
    assert "REQUESTS_CA_BUNDLE" in result.output and "nowhere.pem" in result.output
    assert "Traceback" not in result.output
