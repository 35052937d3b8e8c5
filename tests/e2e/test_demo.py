"""The README's first quick-start command, with a small hub limit: the offline pipeline ends in a report.

Run from a directory outside the checkout: the demo and the `llmbench` entry point must not rely on
`scrapy.cfg` in the working directory (an installed llmbench has none).
"""

from __future__ import annotations

import os
import subprocess
import sys

from llmbench.storage import read_snapshot
from tests.conftest import ROOT

SPIDERS = {"benchmarks", "hub", "leaderboard", "model_pages"}


def outside_env(**extra: str) -> dict[str, str]:
    """The environment of a process run outside the checkout, importing this checkout's llmbench."""
    env = {k: v for k, v in os.environ.items() if k != "SCRAPY_SETTINGS_MODULE"}
    return env | {"PYTHONPATH": str(ROOT)} | extra


def test_demo_pipeline(tmp_path):
    data, out = tmp_path / "data", tmp_path / "report"
    proc = subprocess.run([sys.executable, "-m", "llmbench.demo", "--data", str(data), "--out", str(out),
                           "--limit", "400"], cwd=tmp_path, env=outside_env(), capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "hub_models:" in proc.stdout
    # the hub stage's 400, plus the board models the benchmarks stage looked up
    assert read_snapshot(data, "hub_models").num_rows >= 400
    assert read_snapshot(data, "leaderboard").num_rows == 4576  # gpt2 rows included
    assert read_snapshot(data, "leaderboard_v1").num_rows == 7169  # the archived v1 board's stage
    unsized = sum(1 for p in read_snapshot(data, "hub_models").column("params").to_pylist() if p is None)
    assert read_snapshot(data, "model_sizes").num_rows == unsized
    assert f"Open the report: {out / 'report.html'}" in proc.stdout
    assert (out / "report.html").stat().st_size > 100_000 and (out / "results.json").exists()


def test_every_spider_imports():
    proc = subprocess.run([sys.executable, "-m", "scrapy", "list"], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert set(proc.stdout.split()) == SPIDERS


def test_commands_find_their_settings_outside_the_checkout(tmp_path):
    bare = subprocess.run([sys.executable, "-m", "scrapy", "list"], cwd=tmp_path, env=outside_env(),
                          capture_output=True, text=True)
    assert bare.returncode != 0 and "no active project" in bare.stdout + bare.stderr
    entry_point = subprocess.run([sys.executable, "-m", "llmbench", "list"], cwd=tmp_path, env=outside_env(),
                                 capture_output=True, text=True)
    assert entry_point.returncode == 0, entry_point.stderr
    assert set(entry_point.stdout.split()) == SPIDERS
    named = subprocess.run([sys.executable, "-m", "scrapy", "list"], cwd=tmp_path,
                           env=outside_env(SCRAPY_SETTINGS_MODULE="llmbench.settings"), capture_output=True, text=True)
    assert named.returncode == 0, named.stderr
    assert set(named.stdout.split()) == SPIDERS
