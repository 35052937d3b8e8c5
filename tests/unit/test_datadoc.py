"""DATA.md's column tables are the item declarations: regenerated from the current items, they match."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import pyarrow as pa

from llmbench import datadoc
from llmbench.items import ITEM_CLASSES, LeaderboardItem, column
from tests.conftest import ROOT


def test_data_md_matches_the_items():
    text = (ROOT / "DATA.md").read_text(encoding="utf-8")
    assert datadoc.render(text) == text, "DATA.md is out of date: run `python -m llmbench.datadoc`"
    for item_class in ITEM_CLASSES:
        assert datadoc.BEGIN.format(dataset=item_class.dataset) in text


def test_an_edited_table_is_restored_and_prose_kept():
    text = (ROOT / "DATA.md").read_text(encoding="utf-8")
    edited = text.replace("| `precision` | `string` | never |", "| `precision` | `int64` | yes |")
    assert edited != text
    assert datadoc.render(edited) == text


@dataclass
class _NewItem:
    """A dataset added after DATA.md was written."""

    dataset: ClassVar[str] = "new_things"
    key_fields: ClassVar[tuple[str, ...]] = ("thing_id",)

    thing_id: str = column(pa.string(), "Id | with a pipe.", required=True)
    scores: list = column(pa.list_(pa.struct([("name", pa.string()), ("value", pa.float64())])), "Scores.")


def test_a_new_dataset_gets_a_section_and_its_columns():
    text = "# Data layout\n\nprose stays\n"
    rendered = datadoc.render(text, (LeaderboardItem, _NewItem))
    assert rendered.startswith(text.rstrip("\n"))
    assert "## `new_things`" in rendered and "Key: (`thing_id`)." in rendered
    assert "| `thing_id` | `string` | never | Id \\| with a pipe. |" in rendered
    assert "| `scores` | `list<struct<name: string, value: double>>` | yes | Scores. |" in rendered
    assert datadoc.render(rendered, (LeaderboardItem, _NewItem)) == rendered


def test_check_mode_reports_drift_without_writing(tmp_path, capsys):
    stale = tmp_path / "DATA.md"
    stale.write_text("# Data layout\n", encoding="utf-8")
    assert datadoc.main(["--file", str(stale), "--check"]) == 1
    assert stale.read_text(encoding="utf-8") == "# Data layout\n"
    assert datadoc.main(["--file", str(stale)]) == 0
    assert datadoc.main(["--file", str(stale), "--check"]) == 0
    assert datadoc.main(["--file", str(tmp_path / "missing.md")]) == 2
    assert "cannot read" in capsys.readouterr().err
