"""Hostile cases for `python -m analysis`: it never removes what llmbench did not write (issue #10).

Each refusal exits 2 with one line and leaves every file as it was (compared byte for byte); bad
parquet is a message naming the file and the column, never a traceback.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from analysis.__main__ import main
from analysis.report.output import MARKER, publish
from llmbench.items import HubModelItem
from tests.analysis_fixtures import NOW, small_crawl, write


@pytest.fixture
def data(tmp_path) -> Path:
    """A small crawl: 12 models on the board and the Hub."""
    return small_crawl(tmp_path / "project" / "data")


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def refused(capsys, data: Path, out: str | Path, root: Path) -> str:
    before = snapshot(root)
    assert main(["--data", str(data), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("analysis: ")
    assert snapshot(root) == before
    assert not [p for p in root.rglob(".*-new-*")]
    return err


def test_out_equal_to_data_is_refused(capsys, data):
    assert "is or contains the data directory" in refused(capsys, data, data, data.parent)


def test_out_parent_of_data_keeps_the_sibling_notes(capsys, data):
    (data.parent / "NOTES.md").write_text("my notes")
    assert "is or contains the data directory" in refused(capsys, data, data.parent, data.parent)
    assert (data.parent / "NOTES.md").read_text() == "my notes"


def test_out_inside_data_is_refused(capsys, data):
    assert "inside the data directory" in refused(capsys, data, data / "report", data.parent)


def test_out_dot_is_refused(capsys, data, tmp_path, monkeypatch):
    work = tmp_path / "work"
    work.mkdir()
    (work / "thesis.tex").write_text("chapter 1")
    monkeypatch.chdir(work)
    assert "the current directory" in refused(capsys, data, ".", tmp_path)


def test_home_and_root_are_refused(capsys, data, tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    (home / ".bashrc").write_text("export X=1")
    monkeypatch.setenv("HOME", str(home))
    assert "the home directory" in refused(capsys, data, "~", tmp_path)
    assert "is /" in refused(capsys, data, "/", tmp_path)


def test_foreign_directory_and_file_are_refused(capsys, data, tmp_path):
    stranger = tmp_path / "photos"
    stranger.mkdir()
    (stranger / "cat.jpg").write_bytes(b"\xff\xd8")
    assert "not an llmbench report" in refused(capsys, data, stranger, tmp_path)
    (tmp_path / "file.txt").write_text("x")
    assert "not a directory" in refused(capsys, data, tmp_path / "file.txt", tmp_path)


def test_previous_report_is_replaced_but_not_with_a_users_file_inside(capsys, data, tmp_path):
    out = tmp_path / "report"
    assert main(["--data", str(data), "--out", str(out)]) == 0
    assert (out / MARKER).is_file() and (out / "report.html").is_file()
    assert main(["--data", str(data), "--out", str(out)]) == 0  # a previous report: replaced
    assert (out / "results.json").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["project", "report"]  # nothing left aside
    (out / "NOTES.md").write_text("mine")
    capsys.readouterr()
    assert "did not write (NOTES.md)" in refused(capsys, data, out, tmp_path)


def test_a_users_file_inside_the_old_reports_figures_survives(capsys, data, tmp_path):
    """#23.8: only the top level was checked; `figures/` went with the old report, whatever it held."""
    out = tmp_path / "report"
    assert main(["--data", str(data), "--out", str(out)]) == 0
    listed = json.loads((out / MARKER).read_text())["files"]
    assert "report.html" in listed and any(name.startswith("figures/") for name in listed)
    capsys.readouterr()
    (out / "figures" / "annotated.png").write_bytes(b"my annotations")
    assert "did not write (figures/annotated.png)" in refused(capsys, data, out, tmp_path)
    (out / "figures" / "annotated.png").unlink()
    (out / "figures" / "drafts").mkdir()
    (out / "figures" / "drafts" / "v1.png").write_bytes(b"draft")
    assert "did not write (figures/drafts/)" in refused(capsys, data, out, tmp_path)
    assert (out / "figures" / "drafts" / "v1.png").read_bytes() == b"draft"
    shutil.rmtree(out / "figures" / "drafts")
    assert main(["--data", str(data), "--out", str(out)]) == 0  # nothing but its own: replaced


def test_a_report_from_before_the_manifest_is_judged_by_the_names_the_analysis_writes(capsys, data, tmp_path):
    out = tmp_path / "report"
    (out / "figures").mkdir(parents=True)
    (out / MARKER).write_text('{"written_by": "llmbench analysis (python -m analysis)", "pid": 1}\n')
    (out / "report.html").write_text("old")
    (out / "figures" / "size_distribution.png").write_bytes(b"old figure")
    (out / "figures" / "holiday.jpg").write_bytes(b"\xff\xd8")
    assert "did not write (figures/holiday.jpg)" in refused(capsys, data, out, tmp_path)
    (out / "figures" / "holiday.jpg").unlink()
    assert main(["--data", str(data), "--out", str(out)]) == 0
    assert (out / "figures" / "size_distribution.png").read_bytes() != b"old figure"


def test_empty_directory_is_used(data, tmp_path):
    out = tmp_path / "empty"
    out.mkdir()
    assert main(["--data", str(data), "--out", str(out)]) == 0 and (out / "report.html").is_file()


def test_a_failed_build_keeps_the_old_report(tmp_path):
    target = tmp_path / "report"
    target.mkdir()
    (target / MARKER).write_text("{}")
    (target / "report.html").write_text("old")

    def broken(staging: Path) -> None:
        (staging / "report.html").write_text("half")
        raise RuntimeError("figure failed")

    with pytest.raises(RuntimeError):
        publish(target, broken)
    assert (target / "report.html").read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report"]


def _retyped(path: Path, column: str, values: list) -> None:
    table = pq.read_table(path)
    index = table.schema.get_field_index(column)
    pq.write_table(table.set_column(index, column, pa.array(values, type=pa.string())), path)


def test_mixed_types_across_files_name_the_odd_file(capsys, data, tmp_path):
    odd = write(data, [HubModelItem(model_id="org/x", author="org", crawled_at=NOW, endpoint="e")], "part-z.parquet")
    _retyped(odd, "downloads", ["many"])
    assert main(["--data", str(data), "--out", str(tmp_path / "r")]) == 2
    assert f"{odd}: column `downloads` is string, expected int64" in capsys.readouterr().err


def test_missing_column_names_file_and_column(capsys, data, tmp_path):
    path = next(data.glob("hub_models/*/*.parquet"))
    pq.write_table(pq.read_table(path).drop_columns(["model_id"]), path)
    assert main(["--data", str(data), "--out", str(tmp_path / "r")]) == 2
    assert f"{path}: no column `model_id`" in capsys.readouterr().err
