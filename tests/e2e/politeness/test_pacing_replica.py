"""Pacing by the replica's RateLimit headers, end to end: real `scrapy crawl` against fixed-window quotas
shrunk to seconds. Pacing is on (the tests' default turns it off)."""

from __future__ import annotations

import re
import signal
import subprocess
import time

from llmbench.replica.ratelimit import RateLimitConfig
from llmbench.replica.repos.records import SAFETENSORS
from tests.conftest import ROOT, crawl_command, crawl_env

PACED = {"HUB_RATE_PACING": "True"}


def stat(output: str, name: str) -> float:
    match = re.search(rf"'{re.escape(name)}': ([\d.]+)", output)
    return float(match.group(1)) if match else 0


def page_models(catalog, n: int) -> list[str]:
    return [r.repo_id for r in catalog.real_records if r.storage == SAFETENSORS and "safetensors" in r.api][:n]


def test_pages_within_small_windows_earn_no_429(make_replica, catalog, run_crawl):
    # settings say 100 pages per 300 s; the replica's headers say 8 per 2 s: the headers win
    replica = make_replica(limits=RateLimitConfig(window=2.0, anonymous={"api": 100, "resolvers": 100, "pages": 8}))
    models = page_models(catalog, 16)
    result = run_crawl(replica, "model_pages", {"models": ",".join(models)}, PACED)
    assert result.returncode == 0, result.output[-3000:]
    assert sorted(result.table("model_sizes").column("model_id").to_pylist()) == sorted(models)
    assert not [r for r in replica.log.records if r.status == 429]
    assert stat(result.output, "pacing/pages/waits") > 0  # it did have to wait for windows


def test_hub_crawl_within_small_windows_earns_no_429(make_replica, catalog, run_crawl):
    replica = make_replica(limits=RateLimitConfig(window=2.0, anonymous={"api": 4, "resolvers": 100, "pages": 100}))
    result = run_crawl(replica, "hub", {"limit": "2000", "page_size": "250"}, PACED)
    assert result.returncode == 0, result.output[-3000:]
    assert len(result.table("hub_models")) == 2000
    assert not [r for r in replica.log.records if r.status == 429]


def test_ctrl_c_does_not_wait_for_the_window(make_replica, catalog, tmp_path):
    # 3 pages per 120 s, 1 kept in reserve: after robots.txt and one page the next waits ~60 s; Ctrl-C must not
    replica = make_replica(limits=RateLimitConfig(window=120.0, anonymous={"api": 100, "resolvers": 100, "pages": 3}))
    command = crawl_command("model_pages", {"models": ",".join(page_models(catalog, 6))}, PACED)
    proc = subprocess.Popen(command, cwd=ROOT, env=crawl_env(replica, tmp_path / "data"),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(replica.log.records) < 2:  # robots.txt and one page
        time.sleep(0.05)
    time.sleep(1.0)  # the next page is now waiting for the window
    started = time.monotonic()
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=100)
    assert time.monotonic() - started < 20, "shutdown waited for the rate-limit window"
    assert "shutdown" in stderr
    assert len(replica.log.records) == 2 and not [r for r in replica.log.records if r.status == 429]


def test_a_429_at_r0_gives_up_within_max_wait_and_fails_the_crawl(make_replica, run_crawl):
    # issue 10: a 429 hold at r=0 waited 1,270 s with RATELIMIT_MAX_WAIT=1; pacing off, as in that report
    replica = make_replica(limits=RateLimitConfig(window=300.0, anonymous={"api": 2, "resolvers": 100, "pages": 100}))
    started = time.monotonic()
    result = run_crawl(replica, "hub", {"limit": "1000", "page_size": "100"}, {"RATELIMIT_MAX_WAIT": "1"})
    assert time.monotonic() - started < 60, "waited for the window although RATELIMIT_MAX_WAIT=1"
    assert result.returncode != 0
    assert "more than RATELIMIT_MAX_WAIT=1" in result.output
    assert stat(result.output, "ratelimit/gave_up") >= 1
