"""`python -m benchmarks` as a user runs it: the runner keeps to its time budget (the goals and the table:
tests/unit/test_benchmarks_runner.py)."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT


def test_the_runner_keeps_to_its_time_budget():
    proc = subprocess.run([sys.executable, "-m", "benchmarks", "--only", "startup", "--budget", "0.5", "--quiet"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "timed out after 0 s" in proc.stdout or "time budget spent" in proc.stdout
    assert "figure" in proc.stdout and "met?" in proc.stdout
