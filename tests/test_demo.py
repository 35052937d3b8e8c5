"""The README's first quick-start command, with a small hub limit: the offline pipeline ends in a report."""

from __future__ import annotations

import subprocess
import sys

from llmbench.storage import read_snapshot
from tests.conftest import ROOT


def test_demo_pipeline(tmp_path):
    data, out = tmp_path / "data", tmp_path / "report"
    proc = subprocess.run([sys.executable, "-m", "llmbench.demo", "--data", str(data), "--out", str(out),
                           "--limit", "400"], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "hub_models:" in proc.stdout
    assert read_snapshot(data, "hub_models").num_rows == 400
    assert read_snapshot(data, "leaderboard").num_rows == 4574
    unsized = sum(1 for p in read_snapshot(data, "hub_models").column("params").to_pylist() if p is None)
    assert read_snapshot(data, "model_sizes").num_rows == unsized
    assert f"Open the report: {out / 'report.html'}" in proc.stdout
    assert (out / "report.html").stat().st_size > 100_000 and (out / "results.json").exists()


def test_every_spider_imports():
    proc = subprocess.run([sys.executable, "-m", "scrapy", "list"], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert set(proc.stdout.split()) == {"hub", "leaderboard", "model_pages"}
