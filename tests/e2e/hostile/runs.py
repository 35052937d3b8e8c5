"""Running the real `scrapy crawl` for hostile cases: with a token, the probe, interrupts, and leak scans."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from llmbench.settings import EXTENSIONS
from tests.conftest import ROOT

TOKEN = "hf_hostileSECRETtoken0123456789abcdef"
PROBE = "tests.e2e.hostile.probe.AuthorizationProbe"


def env_for(hub_url: str, data_dir: Path, leaderboard_url: str | None = None, token: str | None = TOKEN,
            **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "HUGGING_FACE", "LLMBENCH_"))}
    space = f"{hub_url}/spaces/open-llm-leaderboard/open_llm_leaderboard"
    env.update(HF_ENDPOINT=hub_url, LLMBENCH_DATA_DIR=str(data_dir), LLMBENCH_LEADERBOARD_URL=leaderboard_url or space,
               HF_TOKEN_PATH=str(data_dir.parent / "no-token-file"))
    if token:
        env["HF_TOKEN"] = token
    else:
        env["HF_HUB_DISABLE_IMPLICIT_TOKEN"] = "1"
    env.update(extra)
    return env


def command(spider: str, args: dict[str, str] | None = None, settings: dict[str, str] | None = None,
            probe_file: Path | None = None) -> list[str]:
    merged = {"HUB_RATE_PACING": "False", "AUTOTHROTTLE_ENABLED": "False", "LOG_LEVEL": "DEBUG"} | (settings or {})
    if probe_file is not None:
        merged |= {"EXTENSIONS": json.dumps(EXTENSIONS | {PROBE: 1}), "PROBE_FILE": str(probe_file)}
    out = [sys.executable, "-m", "scrapy", "crawl", spider]
    for key, value in (args or {}).items():
        out += ["-a", f"{key}={value}"]
    for key, value in merged.items():
        out += ["-s", f"{key}={value}"]
    return out


@dataclass
class Run:
    returncode: int
    output: str


def run(cmd: list[str], env: dict[str, str], timeout: float = 300) -> Run:
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    return Run(proc.returncode, proc.stdout + proc.stderr)


def run_until(cmd: list[str], env: dict[str, str], ready: Callable[[], bool], signals: tuple[int, ...],
              timeout: float = 60, gap: float = 0.3) -> Run:
    """Start a crawl, wait until `ready()`, send `signals` (`gap` seconds apart), and collect its exit.
    Its output goes to a file, not a pipe: a crawl logging more than a pipe holds must not stall on it."""
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and not ready() and proc.poll() is None:
            time.sleep(0.05)
        for number in signals:
            if proc.poll() is None:
                proc.send_signal(number)
                time.sleep(gap)
        proc.wait(timeout=120)
        log.seek(0)
        return Run(proc.returncode, log.read().decode("utf-8", "replace"))


def kill_9(cmd: list[str], env: dict[str, str], ready: Callable[[], bool], timeout: float = 60) -> Run:
    return run_until(cmd, env, ready, (signal.SIGKILL,), timeout)


def files_holding(secret: str, *roots: Path) -> list[Path]:
    """Every file under `roots` whose bytes contain `secret` (plain, or as pickled/escaped text)."""
    needle = secret.encode()
    found = []
    for root in roots:
        paths = [root] if root.is_file() else (p for p in root.rglob("*") if p.is_file())
        found += [p for p in paths if needle in p.read_bytes()]
    return found


def probe_hits(probe_file: Path) -> list[str]:
    return probe_file.read_text().splitlines() if probe_file.exists() else []
