"""`python -m analysis` as a user runs it on small hand-written datasets: missing data, an empty join, and
the defaults it shares with the crawl (the join rules, in process: tests/unit/test_analysis_join.py)."""

from __future__ import annotations

import os
import subprocess
import sys

from llmbench.items import HubModelItem
from tests.analysis_fixtures import NOW, board, write
from tests.conftest import ROOT


def analyse(data, out, *extra):
    return subprocess.run([sys.executable, "-m", "analysis", "--data", str(data), "--out", str(out), *extra],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_missing_dataset(tmp_path):
    out = tmp_path / "report"
    proc = analyse(tmp_path / "empty", out)
    assert proc.returncode == 2 and "no `leaderboard` snapshot" in proc.stderr and str(tmp_path) in proc.stderr
    assert not out.exists()


def test_no_overlap(tmp_path):
    data = tmp_path / "data"
    write(data, [board("org/A"), board("org/B")])
    write(data, [HubModelItem(model_id="other/X", author="other", crawled_at=NOW, endpoint="e")])
    proc = analyse(data, tmp_path / "report")
    assert proc.returncode == 2 and "no model is in both" in proc.stderr
    assert not (tmp_path / "report").exists()


def test_the_analysis_defaults_are_the_crawl_settings():
    from analysis import pipeline
    from llmbench import settings
    assert (pipeline.DATA_DIR, pipeline.HUB_ENDPOINT) == (settings.DATA_DIR, settings.HUB_ENDPOINT)
    env = {"LLMBENCH_DATA_DIR": "/elsewhere", "HF_ENDPOINT": "http://127.0.0.1:9/"}
    code = ("import sys; from analysis import pipeline; from llmbench import settings; "
            "assert (pipeline.DATA_DIR, pipeline.HUB_ENDPOINT) == (settings.DATA_DIR, settings.HUB_ENDPOINT)")
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, env={**os.environ, **env})
    unloaded = "import sys, analysis.__main__; assert 'scrapy' not in sys.modules, 'the analysis imports Scrapy'"
    subprocess.run([sys.executable, "-c", unloaded], cwd=ROOT, check=True)
