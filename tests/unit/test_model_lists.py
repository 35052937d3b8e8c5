"""The `-a models=` forms: a comma list, .txt/.csv/.parquet files, and `hub`."""

from __future__ import annotations

from datetime import UTC, datetime

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from scrapy.exceptions import UsageError

from llmbench.items import HubModelItem, schema_of
from llmbench.model_lists import load_models
from llmbench.pipelines.parquet_writer import to_row
from llmbench.storage import partition_dir


def test_forms(tmp_path):
    assert load_models(None, str(tmp_path)) is None
    assert load_models(" org/a , org/b ,", str(tmp_path)) == ["org/a", "org/b"]
    (tmp_path / "m.txt").write_text("org/a\n\norg/b\n")
    assert load_models(str(tmp_path / "m.txt"), str(tmp_path)) == ["org/a", "org/b"]
    (tmp_path / "m.csv").write_text("model_id,score\norg/a,1\norg/c,2\n")
    assert load_models(str(tmp_path / "m.csv"), str(tmp_path)) == ["org/a", "org/c"]
    pq.write_table(pa.table({"other": [1, 2], "model_id": ["org/x", None]}), tmp_path / "m.parquet")
    assert load_models(str(tmp_path / "m.parquet"), str(tmp_path)) == ["org/x"]


def test_hub_snapshot(tmp_path):
    with pytest.raises(UsageError, match=r"^-a models: no `hub_models` snapshot"):
        load_models("hub", str(tmp_path))
    now = datetime(2026, 11, 25, tzinfo=UTC)
    rows = [to_row(HubModelItem(model_id=m, author="org", crawled_at=now, endpoint="e")) for m in ("org/a", "org/b")]
    path = partition_dir(tmp_path, "hub_models", now.date()) / "part-1.parquet"
    path.parent.mkdir(parents=True)
    pq.write_table(pa.Table.from_pylist(rows, schema=schema_of(HubModelItem)), path)
    assert sorted(load_models("hub", str(tmp_path))) == ["org/a", "org/b"]


def test_legacy_ids_and_duplicates(tmp_path):
    assert load_models("gpt2,org/a,org/a", str(tmp_path)) == ["gpt2", "org/a"]


@pytest.mark.parametrize(("spec", "message"), [
    ("missing.txt", "no such file: missing.txt"),
    ("", "the list names no model id"),
    (" , ,", "the list names no model id"),
    # no file from any working directory (from /work/main, ../../etc/passwd is /etc/passwd)
    ("../../no-such-dir/passwd", "invalid repo id in the list: '../../no-such-dir/passwd' (too_many_slashes)"),
    ("org/a,a/b/c,x--y,org/é,z/w.git", "'a/b/c' (too_many_slashes), 'x--y' (double_separator), "
                                       "'org/é' (bad_characters) and 1 more"),
])
def test_bad_arguments_are_one_line_usage_errors(tmp_path, spec, message):
    with pytest.raises(UsageError) as raised:
        load_models(spec, str(tmp_path))
    text = str(raised.value)
    assert text.startswith("-a models: ") and message in text and "\n" not in text
    assert raised.value.print_help is False


def test_empty_and_hostile_files(tmp_path):
    (tmp_path / "empty.txt").write_text("model_id\n\n")
    with pytest.raises(UsageError, match="file .*empty.txt names no model id"):
        load_models(str(tmp_path / "empty.txt"), str(tmp_path))
    (tmp_path / "passwd").write_text("root:x:0:0:root:/root:/bin/bash\n")
    with pytest.raises(UsageError, match="invalid repo id in file"):
        load_models(str(tmp_path / "passwd"), str(tmp_path))
