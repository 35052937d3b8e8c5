"""The figure worker (analysis/worker.py): a worker's failure fails the report and leaves nothing behind
(what a fresh interpreter imports, and the figures drawn: tests/e2e/test_analysis_worker.py)."""

from __future__ import annotations

import pytest

from benchmarks.analysis import synthetic


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    path = tmp_path_factory.mktemp("board") / "data"
    synthetic(path, 2000)
    return path


def test_a_failing_worker_fails_the_report_and_leaves_nothing(data, tmp_path, monkeypatch):
    import analysis.report.figures
    from analysis.pipeline import Options, write_report

    def broken(*args, **kwargs):
        raise ValueError("a figure that cannot be drawn")

    monkeypatch.setattr(analysis.report.figures, "draw_results", broken)  # the forked worker inherits it
    with pytest.raises(RuntimeError, match="a figure that cannot be drawn"):
        write_report(data, tmp_path / "out" / "report", Options())
    assert list((tmp_path / "out").iterdir()) == []
