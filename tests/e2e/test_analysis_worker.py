"""The figure worker (analysis/report/figure_worker.py) seen from a fresh interpreter: the parent imports neither
matplotlib nor scipy.stats, and the worker draws every figure (a failing worker:
tests/unit/test_analysis_worker.py)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from benchmarks.analysis import synthetic
from tests.conftest import ROOT

FIGURES = {"density_over_time", "efficiency_co2", "efficiency_size", "size_distribution", "size_vs_score_linear",
           "size_vs_score_log", "type_breakdown"}


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    path = tmp_path_factory.mktemp("board") / "data"
    synthetic(path, 2000)
    return path


def test_the_worker_draws_and_the_parent_imports_no_plotting_nor_scipy_stats(data, tmp_path):
    code = ("import json, sys; from pathlib import Path; from analysis.pipeline import Options, write_report; "
            f"write_report(Path({str(data)!r}), Path({str(tmp_path / 'report')!r}), Options()); "
            "print(json.dumps([m for m in ('matplotlib', 'scipy.stats') if m in sys.modules]))")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert json.loads(proc.stdout.splitlines()[-1]) == []
    assert {p.stem for p in (tmp_path / "report" / "figures").glob("*.png")} == FIGURES
    assert 'src="data:image/png;base64,' in (tmp_path / "report" / "report.html").read_text()
