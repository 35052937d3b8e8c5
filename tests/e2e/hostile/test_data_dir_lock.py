"""#23.8: two crawls on one DATA_DIR would fetch every page twice; the second refuses, in one line.

Real `scrapy crawl` subprocesses against a slow replica: the first holds DATA_DIR/.llmbench.lock
(`fcntl.flock`), the second exits 1 before any request, naming the lock file and the first one's pid;
after the first is killed with -9 its lock file stays, and blocks nothing.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

from llmbench.extensions.data_dir_lock import LOCK
from llmbench.replica.faults import FaultConfig
from tests.conftest import ROOT, crawl_command, crawl_env

SETTINGS = {"AUTOTHROTTLE_ENABLED": "False", "CONCURRENT_REQUESTS": "1"}


def started_crawl(replica, data: Path) -> subprocess.Popen:
    """A slow `scrapy crawl hub` on `data`, returned once its spider is open (its run record exists)."""
    proc = subprocess.Popen(crawl_command("hub", {"limit": "all"}, SETTINGS), cwd=ROOT, env=crawl_env(replica, data),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not list(data.glob("_runs/*.json")) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert proc.poll() is None, "the first crawl ended before the test could start the second"
    return proc


SECOND = "llmbench-second-crawl"  # the second crawl's User-Agent, to tell its requests from the first's


def test_a_second_crawl_on_the_same_data_dir_refuses_and_a_dead_ones_lock_blocks_nothing(make_replica, tmp_path):
    replica = make_replica(faults=FaultConfig(latency=1.0))
    data = tmp_path / "data"
    first = started_crawl(replica, data)
    try:
        second = subprocess.run(crawl_command("hub", {"limit": "20"}, SETTINGS | {"USER_AGENT": SECOND}), cwd=ROOT,
                                env=crawl_env(replica, data), capture_output=True, text=True, timeout=120)
        assert second.returncode == 1, second.stdout[-2000:] + second.stderr[-2000:]
        (line,) = [x for x in second.stdout.splitlines() if x.startswith("llmbench: ")]
        assert f"DATA_DIR {data} is in use by a running crawl" in line
        assert f"pid {first.pid} holds {data / LOCK}" in line
        assert "Traceback" not in second.stderr
        assert len(list(data.glob("_runs/*.json"))) == 1  # the second never opened its spider
        assert not [r for r in replica.log.records if r.user_agent == SECOND]  # not one request
        crawlall = subprocess.run([sys.executable, "-m", "scrapy", "crawlall", "-s", f"USER_AGENT={SECOND}"],
                                  cwd=ROOT, env=crawl_env(replica, data), capture_output=True, text=True, timeout=120)
        assert crawlall.returncode == 1 and f"pid {first.pid} holds {data / LOCK}" in crawlall.stdout, crawlall.stdout
        assert not [r for r in replica.log.records if r.user_agent == SECOND]
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(30)
    assert (data / LOCK).exists()  # left behind by kill -9: the kernel released the lock anyway
    third = subprocess.run(crawl_command("hub", {"limit": "20"}, SETTINGS), cwd=ROOT, env=crawl_env(replica, data),
                           capture_output=True, text=True, timeout=120)
    assert third.returncode == 0, third.stdout[-2000:] + third.stderr[-2000:]
