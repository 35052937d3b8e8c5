"""#23.3: a full disk stops the crawl at the first failed write, at once and in one line.

A real full disk: DATA_DIR on a 600 KB tmpfs (needs root and `mount`, as in CI; skipped with the
reason otherwise), and the real `scrapy crawl hub -a limit=all` against a replica with ~26,000 models,
about 1.5 MB of parquet. Before, the failed batch stayed in the buffer and every later item retried the
whole growing batch: minutes at full CPU, a traceback per item, SIGTERM ignored, the run record left
`running`.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from scrapy.utils.test import get_crawler

from llmbench.extensions.run_record import RunRecord, outcome, run_record_path
from llmbench.failures import FAILED_STAT
from llmbench.replica.catalog import Catalog
from llmbench.replica.ratelimit import RateLimitConfig
from llmbench.replica.server import Replica, ReplicaThread
from llmbench.replica.tls import Certificate
from llmbench.storage import read_snapshot
from tests.conftest import ROOT, crawl_command, crawl_env

DISK = "600k"


@pytest.fixture(scope="module")
def big_replica(replica_certificate: Certificate) -> Iterator[Replica]:
    with ReplicaThread(catalog=Catalog(seed=0, extra_models=23_000), limits=RateLimitConfig(enabled=False),
                       certificate=replica_certificate) as running:  # over https, as every replica of the tests
        yield running


@pytest.fixture
def full_disk(tmp_path: Path) -> Iterator[Path]:
    """A directory on a 600 KB tmpfs: writes beyond it fail with ENOSPC, as on a real full disk."""
    disk = tmp_path / "disk"
    disk.mkdir()
    if os.geteuid() != 0:
        pytest.skip("a real full disk needs a small tmpfs, and mounting one needs root")
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={DISK}", "tmpfs", str(disk)],
                             capture_output=True, text=True, check=False)
    if mounted.returncode:
        pytest.skip(f"cannot mount a {DISK} tmpfs here: {mounted.stderr.strip() or mounted.returncode}")
    try:
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


class TimedCrawl:
    """A `scrapy crawl` subprocess whose output lines are read as they come, each with its arrival time."""

    def __init__(self, command: list[str], env: dict[str, str]) -> None:
        self.lines: list[tuple[float, str]] = []
        self.proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     text=True)
        self.reader = threading.Thread(target=self.read, daemon=True)
        self.reader.start()

    def read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append((time.monotonic(), line))

    def first(self, needle: str, timeout: float) -> float | None:
        """When the first line holding `needle` arrived (waiting up to `timeout` s), or None."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for at, line in list(self.lines):
                if needle in line:
                    return at
            if self.proc.poll() is not None and not self.reader.is_alive():
                return None
            time.sleep(0.02)
        return None

    def wait(self, timeout: float) -> tuple[int | None, float]:
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            self.reader.join(5)
            return None, time.monotonic()
        ended = time.monotonic()
        self.reader.join(5)
        return self.proc.returncode, ended

    @property
    def output(self) -> str:
        return "".join(line for _, line in self.lines)


def crawl_on(replica: Replica, data: Path) -> TimedCrawl:
    settings = {"AUTOTHROTTLE_ENABLED": "False", "LOG_LEVEL": "INFO"}
    return TimedCrawl(crawl_command("hub", {"limit": "all"}, settings), crawl_env(replica, data))


def assert_stopped_cleanly(crawl: TimedCrawl, data: Path) -> None:
    output = crawl.output
    errors = [line for line in output.splitlines() if " ERROR: " in line]
    assert len(errors) == 1 and f"DATA_DIR {data}" in errors[0] and "No space left on device" in errors[0], errors
    assert f"{data}/hub_models/crawl_date=" in errors[0]  # the file that could not be written
    assert output.count("Traceback") == 0, output[-3000:]
    files = sorted(data.glob("*/crawl_date=*/*.parquet"))
    assert len(files) >= 2  # what was written before the disk filled stays
    rows = {f: pq.read_table(f).num_rows for f in files}  # every file readable, none half-written
    assert read_snapshot(data, "hub_models").num_rows == sum(n for f, n in rows.items() if "/hub_models/" in str(f))
    assert not list(data.rglob(".part-*")), "a half-written temporary was left"
    (record,) = [json.loads(p.read_text()) for p in (data / "_runs").glob("*.json")]
    assert record["status"] == "failed" and record["exit_status"] == 1, record
    assert record["stats"]["parquet/write_errors"] == 1


def test_full_disk_stops_the_crawl_at_the_first_failed_write(big_replica, full_disk):
    data = full_disk / "data"
    crawl = crawl_on(big_replica, data)
    failed_at = crawl.first("No space left on device", timeout=240)
    returncode, ended = crawl.wait(timeout=60)
    assert failed_at is not None, crawl.output[-3000:]
    assert returncode == 1, crawl.output[-3000:]
    assert ended - failed_at < 15, f"exit {ended - failed_at:.0f} s after the first failed write"
    assert_stopped_cleanly(crawl, data)
    (last,) = [line for line in crawl.output.splitlines() if line.startswith("llmbench: crawl 'hub' failed: ")]
    assert f"DATA_DIR {data}" in last


def test_sigterm_after_a_failed_write_is_honoured_at_once(big_replica, full_disk):
    data = full_disk / "data"
    crawl = crawl_on(big_replica, data)
    failed_at = crawl.first("No space left on device", timeout=240)
    assert failed_at is not None, crawl.output[-3000:]
    if crawl.proc.poll() is None:
        crawl.proc.send_signal(signal.SIGTERM)
    returncode, ended = crawl.wait(timeout=60)
    # 1: Scrapy's handler took it while closing; -SIGTERM: it came after Scrapy gave its handlers back
    assert returncode in (1, -signal.SIGTERM) and ended - failed_at < 15, crawl.output[-3000:]
    assert_stopped_cleanly(crawl, data)


def fill(disk: Path) -> None:
    """Write a filler file until the disk refuses another byte."""
    with open(disk / "filler", "wb", buffering=0) as handle:
        try:
            while True:
                handle.write(b"\0" * 4096)
        except OSError:
            pass


def test_run_record_is_finalised_on_a_disk_with_no_room_left(full_disk):
    crawler = get_crawler(settings_dict={"DATA_DIR": str(full_disk)})
    crawler.stats.set_value(FAILED_STAT, "cannot write part-1.parquet: No space left on device")
    record = RunRecord(crawler)
    record.path = run_record_path(full_disk, "hub", record.started)
    record.write(record.record("running", None, None))
    fill(full_disk)
    record.write(record.record(*outcome(crawler)))
    written = json.loads(record.path.read_text())
    assert written["status"] == "failed" and written["exit_status"] == 1 and "No space left" in written["reason"]
    assert not list(full_disk.rglob(".*.tmp"))
