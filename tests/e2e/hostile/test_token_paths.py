"""#10.2: the HF token reaches the Hub origin only, for one download, and never disk, logs or stats.

One test per path a request takes: a Scrapy redirect to another origin, retry after 5xx, re-schedule
after 429, the HTTP cache, the browser's cross-origin iframe and its redirects, JOBDIR after Ctrl-C and
after kill -9.
Each checks what the servers received and scans DATA_DIR, JOBDIR and the crawl's log (stats are dumped
there) for the token bytes; the probe extension records any request that reached the scheduler (and so
JOBDIR's queue) still carrying Authorization.
"""

from __future__ import annotations

import itertools
import re
import signal

import pytest
from aiohttp import web

from llmbench.replica.faults import FaultConfig
from llmbench.replica.ratelimit import RateLimitConfig
from tests.browser import chromium_or_skip
from tests.e2e.hostile.recording_server import RecordingServer, RecordingServerThread, redirect
from tests.e2e.hostile.runs import TOKEN, command, env_for, files_holding, probe_hits, run, run_until


def stat(output: str, name: str) -> int:
    match = re.search(rf"'{re.escape(name)}': (\d+)", output)
    return int(match.group(1)) if match else 0


def assert_no_leak(output: str, probe_file, *roots) -> None:
    assert TOKEN not in output
    assert probe_hits(probe_file) == []
    assert files_holding(TOKEN, *roots) == []


def model_ids(catalog, count: int) -> list[str]:
    return [record.repo_id for record in catalog][:count]


def test_scrapy_redirect_to_another_origin(tmp_path):
    # A renamed repo (307 within the Hub, which keeps the token), then a hop to another origin (which must not).
    server = RecordingServer(answers={("hub", "/org/model"): redirect("hub", "/org/renamed", 307),
                                      ("hub", "/org/renamed"): redirect("other", "/org/renamed"),
                                      ("hub", "/org/model/resolve/main/config.json"): redirect("other", "/cfg")})
    data, probe = tmp_path / "data", tmp_path / "probe.txt"
    with RecordingServerThread(server):
        result = run(command("model_pages", {"models": "org/model"}, probe_file=probe),
                     env_for(server.url("hub"), data))
    assert server.with_token("hub"), "the Hub origin should get the token (control)"
    assert [s.path for s in server.seen if s.origin == "other"] and server.with_token("other") == []
    assert_no_leak(result.output, probe, data)


def test_retry_after_5xx(make_replica, tmp_path):
    replica = make_replica(faults=FaultConfig(error_rate=0.5, path="^/api/models$", seed=3))
    data, probe = tmp_path / "data", tmp_path / "probe.txt"
    result = run(command("hub", {"limit": "400", "page_size": "100"}, {"RETRY_TIMES": "10"}, probe),
                 env_for(replica.hub_url, data))
    assert result.returncode == 0, result.output[-3000:]
    assert stat(result.output, "retry/count") > 0
    hub = [r for r in replica.log.records if r.origin == "hub" and r.path_qs.startswith("/api/models")]
    assert hub and all(r.authorization == f"Bearer {TOKEN}" for r in hub)
    assert_no_leak(result.output, probe, data)


def test_429_reschedule(make_replica, tmp_path):
    # No RateLimit headers (as CloudFront's 429s): llmbench cannot pace ahead, so 429s do happen.
    limits = RateLimitConfig(window=2.0, authenticated={"api": 2, "resolvers": 100, "pages": 100}, send_headers=False)
    ticks = itertools.count()  # the limiter's clock: half a second per request, so 429s whatever the load
    replica = make_replica(limits=limits, clock=lambda: next(ticks) * 0.5)
    data, probe = tmp_path / "data", tmp_path / "probe.txt"
    result = run(command("hub", {"limit": "500", "page_size": "100"}, {"RATELIMIT_BACKOFF": "0.5"}, probe),
                 env_for(replica.hub_url, data))
    assert result.returncode == 0, result.output[-3000:]
    served = replica.log.counts[("hub", 429)]
    assert served > 0 and stat(result.output, "ratelimit/429") == served
    assert_no_leak(result.output, probe, data)


def test_http_cache_stores_no_token(replica, tmp_path):
    data, cache, probe = tmp_path / "data", tmp_path / "httpcache", tmp_path / "probe.txt"
    settings = {"HTTPCACHE_ENABLED": "True", "HTTPCACHE_DIR": str(cache)}
    result = run(command("hub", {"limit": "200", "page_size": "100"}, settings, probe), env_for(replica.hub_url, data))
    assert result.returncode == 0, result.output[-3000:]
    assert list(cache.rglob("request_headers")), "nothing was cached: nothing was tested"
    assert_no_leak(result.output, probe, data, cache)


@pytest.mark.parametrize("how", ["ctrl-c", "kill-9"])
def test_jobdir_after_interrupt_holds_no_token(make_replica, catalog, tmp_path, how):
    replica = make_replica(faults=FaultConfig(latency=0.05, error_rate=0.3, path="^/[^/]+/[^/]+$", seed=5))
    data, jobdir, probe = tmp_path / "data", tmp_path / "job", tmp_path / "probe.txt"
    models = tmp_path / "models.txt"
    models.write_text("\n".join(model_ids(catalog, 400)))
    cmd = command("model_pages", {"models": str(models)},
                  {"JOBDIR": str(jobdir), "PARQUET_BATCH_ITEMS": "20", "RETRY_TIMES": "5"}, probe)
    env = env_for(replica.hub_url, data)

    def retried_enough() -> bool:
        return sum(r.status == 503 for r in replica.log.records) >= 20

    stop = (signal.SIGINT,) if how == "ctrl-c" else (signal.SIGKILL,)
    first = run_until(cmd, env, retried_enough, stop)
    assert retried_enough(), "stopped before any retry was queued"
    queued = list((jobdir / "requests.queue").rglob("*"))
    assert any(p.is_file() and p.stat().st_size > 0 for p in queued), "the interrupted crawl left no queue"
    assert_no_leak(first.output, probe, data, jobdir)
    replica.faults.error_rate = 0.0  # the outage is over: the resume finishes (models left for it included)
    resumed = run(cmd, env)
    assert resumed.returncode == 0, resumed.output[-3000:]
    assert_no_leak(resumed.output, probe, data, jobdir)


@pytest.mark.browser
def test_browser_iframe_gets_no_token(replica, tmp_path):
    chromium_or_skip()
    data, probe = tmp_path / "data", tmp_path / "probe.txt"
    replica.log.clear()
    result = run(command("leaderboard", {"models": "hub-free/none,Qwen/Qwen2.5-72B-Instruct"}, probe_file=probe),
                 env_for(replica.hub_url, data, replica.leaderboard_url))
    origins = {r.origin for r in replica.log.records}
    assert "app" in origins, "the browser never reached the app origin"
    assert [r for r in replica.log.records if r.authorization and r.origin != "hub"] == []
    space = [r for r in replica.log.records if r.path_qs.startswith("/spaces/")]
    assert space and all(r.authorization is None for r in space)  # the browser gets no token at all
    assert_no_leak(result.output, probe, data)


@pytest.mark.browser
def test_browser_redirect_gets_no_token(replica, tmp_path):
    chromium_or_skip()
    space = "/spaces/open-llm-leaderboard/open_llm_leaderboard"
    server = RecordingServer()
    server.answers[("hub", space)] = lambda srv, request: web.Response(
        status=302, headers={"Location": replica.leaderboard_url})
    data, probe = tmp_path / "data", tmp_path / "probe.txt"
    replica.log.clear()
    with RecordingServerThread(server):
        result = run(command("leaderboard", {"models": "Qwen/Qwen2.5-72B-Instruct"}, probe_file=probe),
                     env_for(server.url("hub"), data, server.url("hub") + space))
    assert [s.path for s in server.seen if s.path == space], "the Space page was never requested"
    assert {r.origin for r in replica.log.records} >= {"hub", "app"}, "the redirect was not followed"
    # Scrapy's robots.txt and the Space's runtime (an API request, asked before the browser starts): the Hub
    hub_requests = ("/robots.txt", "/api/spaces/open-llm-leaderboard/open_llm_leaderboard/runtime")
    assert [s for s in server.with_token("hub") if s.path not in hub_requests] == []
    assert [r for r in replica.log.records if r.authorization] == []  # another origin: never
    assert_no_leak(result.output, probe, data)
