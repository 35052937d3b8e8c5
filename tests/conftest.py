"""Shared fixtures: the replica on loopback, and real `scrapy crawl` runs against it."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from llmbench.replica.catalog import Catalog
from llmbench.replica.ratelimit import RateLimitConfig
from llmbench.replica.server import Replica, ReplicaThread
from llmbench.replica.tls import Certificate, make_certificate

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return Catalog(seed=0)


@pytest.fixture(scope="session", autouse=True)
def replica_certificate(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Certificate]:
    """One throwaway certificate for every replica of the session, over https as huggingface.co is served.

    It is trusted the way a user trusts a private CA: SSL_CERT_FILE names it for this process (urllib,
    huggingface_hub's httpx) and for every crawl it starts (Scrapy verifies certificates); verification
    is never turned off.
    """
    certificate = make_certificate(tmp_path_factory.mktemp("replica-tls"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SSL_CERT_FILE", str(certificate.cert_file))
        patch.delenv("SSL_CERT_DIR", raising=False)
        yield certificate


@pytest.fixture(scope="session")
def replica(catalog: Catalog, replica_certificate: Certificate) -> Iterator[Replica]:
    """A fault-free replica without quotas, shared by the tests that only read from it."""
    with ReplicaThread(catalog=catalog, limits=RateLimitConfig(enabled=False),
                       certificate=replica_certificate) as running:
        yield running


@pytest.fixture
def make_replica(catalog: Catalog, replica_certificate: Certificate):
    """Start a replica with per-test faults or limits; stopped at the end of the test. Over https with the
    session's certificate unless a test asks for `tls=False` (plain http)."""
    started: list[ReplicaThread] = []

    def start(**kwargs) -> Replica:
        kwargs.setdefault("limits", RateLimitConfig(enabled=False))
        kwargs.setdefault("catalog", catalog)
        if kwargs.pop("tls", True):
            kwargs.setdefault("certificate", replica_certificate)
        thread = ReplicaThread(**kwargs)
        started.append(thread)
        return thread.start()

    yield start
    for thread in started:
        thread.stop()


def written_ids(data_dir: Path, pattern: str = "**/part-*.parquet") -> list[str]:
    """Every model_id in every finished parquet file under `data_dir`, duplicates included."""
    return [i for f in sorted(data_dir.glob(pattern)) for i in pq.read_table(f).column("model_id").to_pylist()]


@dataclass
class CrawlResult:
    returncode: int
    output: str
    data_dir: Path

    def table(self, dataset: str) -> pa.Table:
        from llmbench.storage import read_snapshot

        return read_snapshot(self.data_dir, dataset)


def crawl_env(replica: Replica, data_dir: Path, token: str | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "HUGGING_FACE", "LLMBENCH_"))}
    env.update(HF_ENDPOINT=replica.hub_url, LLMBENCH_LEADERBOARD_URL=replica.leaderboard_url,
               LLMBENCH_DATA_DIR=str(data_dir), HF_HUB_DISABLE_IMPLICIT_TOKEN="1",
               HF_TOKEN_PATH=str(data_dir / "no-token-file"))
    if getattr(replica, "v1_app_url", None):  # the archived v1 board's app (`-a board=v1`)
        env["LLMBENCH_LEADERBOARD_V1_URL"] = replica.v1_app_url
    if token:
        env["HF_TOKEN"] = token
        env.pop("HF_HUB_DISABLE_IMPLICIT_TOKEN")
    return env


def crawl_command(spider: str, args: dict[str, str] | None = None, settings: dict[str, str] | None = None) -> list[str]:
    command = [sys.executable, "-m", "scrapy", "crawl", spider]
    for key, value in (args or {}).items():
        command += ["-a", f"{key}={value}"]
    merged = {"HUB_RATE_PACING": "False", "LOG_LEVEL": "INFO"} | (settings or {})
    for key, value in merged.items():
        command += ["-s", f"{key}={value}"]
    return command


@pytest.fixture
def run_crawl(tmp_path: Path):
    """Run `scrapy crawl` in a subprocess (the real CLI) against a replica; returns a CrawlResult."""

    def run(replica: Replica, spider: str, args: dict[str, str] | None = None,
            settings: dict[str, str] | None = None, token: str | None = None, timeout: float = 240,
            data_dir: Path | None = None) -> CrawlResult:
        data = data_dir or tmp_path / "data"
        data.mkdir(parents=True, exist_ok=True)
        proc = subprocess.run(crawl_command(spider, args, settings), cwd=ROOT, env=crawl_env(replica, data, token),
                              capture_output=True, text=True, timeout=timeout)
        return CrawlResult(proc.returncode, proc.stdout + proc.stderr, data)

    return run
