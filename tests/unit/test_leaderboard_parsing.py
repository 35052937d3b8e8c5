"""Unit tests for leaderboard row parsing and every quirk in docs/leaderboard.md §7-8."""

from __future__ import annotations

import copy
from datetime import UTC, datetime

import pytest

from llmbench.parsing.leaderboard import (
    LeaderboardShapeError,
    item_from_cells,
    item_from_formatted,
    item_from_raw,
    kilograms,
    percent,
    squash_type,
)
from llmbench.replica.leaderboard.snapshot import RAW_TYPES, formatted_rows, raw_from_formatted

NOW = datetime(2026, 11, 25, tzinfo=UTC)
QWEN = next(r for r in formatted_rows() if r["model"]["name"] == "Qwen/Qwen2.5-72B-Instruct")


def parse(row):
    return item_from_formatted(row, source="json", url="u", crawled_at=NOW)


def test_formatted_row():
    item = parse(QWEN)
    assert (item.model_id, item.precision, item.revision) == (
        "Qwen/Qwen2.5-72B-Instruct", "bfloat16", "a13fff9ad76700c7ecff2769f75943ba8395b4a7")
    assert item.type == "chat" and item.type_symbol == "💬" and item.has_chat_template is True
    assert item.gpqa_raw == 0.375 and abs(item.gpqa - 16.6666666666667) < 1e-12
    assert item.params_billions == 72.706 and item.hearts == 777 and item.license == "other"
    assert item.available_on_hub is True  # upstream field is named is_not_available_on_hub
    assert item.base_model == "Qwen/Qwen2.5-72B" and item.base_model_is_merge is False


@pytest.mark.parametrize("params", [0, -1, 0.0])
def test_unknown_params_are_null(params):
    row = copy.deepcopy(QWEN)
    row["metadata"]["params_billions"] = params
    assert parse(row).params_billions is None


@pytest.mark.parametrize("co2", [-1, 0])
def test_non_positive_co2_is_null(co2):
    row = copy.deepcopy(QWEN)
    row["metadata"]["co2_cost"] = co2
    assert parse(row).co2_kg is None


def test_empty_strings_removed_and_merge_base_models():
    row = copy.deepcopy(QWEN)
    row["model"]["sha"] = ""
    row["model"]["architecture"] = ""
    row["metadata"].update(hub_license="", upload_date="", base_model="Removed")
    item = parse(row)
    assert item.revision == "" and item.architecture is None and item.license is None
    assert item.upload_date is None and item.base_model is None
    row["metadata"]["base_model"] = "org/a (Merge)"
    item = parse(row)
    assert item.base_model == "org/a" and item.base_model_is_merge is True


@pytest.mark.parametrize(("formatted", "expected"), [
    ("pretrained", ("pretrained", "🟢")),
    ("continuouslypretrained", ("continuously pretrained", "🟩")),
    ("fine-tunedondomain-specificdatasets", ("fine-tuned", "🔶")),
    ("chatmodels", ("chat", "💬")),
    ("basemergesandmoerges", ("merge", "🤝")),
    ("multimodal", ("multimodal", "🌸")),
    ("❓other", ("other", "❓")),
])
def test_types(formatted, expected):
    row = copy.deepcopy(QWEN)
    row["model"]["type"] = formatted
    item = parse(row)
    assert (item.type, item.type_symbol) == expected
    assert squash_type(RAW_TYPES[formatted][0]) == formatted


def test_raw_contents_row_equals_formatted():
    for row in formatted_rows()[:200]:
        assert item_from_raw(raw_from_formatted(row), url="u", crawled_at=NOW).__dict__ | {"source": "json"} == \
            parse(row).__dict__


def test_bad_rows_raise():
    with pytest.raises(LeaderboardShapeError):
        parse({"model": {}})
    with pytest.raises(LeaderboardShapeError):
        item_from_raw({"fullname": "a/b"}, url="u", crawled_at=NOW)
    with pytest.raises(LeaderboardShapeError):
        item_from_cells({"model_link": None}, url="u", crawled_at=NOW)
    with pytest.raises(LeaderboardShapeError, match="does not match its target"):
        item_from_cells({"model_link": "org/model", "model_href": "https://huggingface.co/org/model-v2"},
                        url="u", crawled_at=NOW)
    ok = item_from_cells({"model_link": "org/model", "model_href": "https://huggingface.co/org/model"},
                         url="u", crawled_at=NOW)
    assert ok.model_id == "org/model"
    legacy = item_from_cells({"model_link": "gpt2", "model_href": "https://huggingface.co/gpt2"},
                             url="u", crawled_at=NOW)
    assert legacy.model_id == "gpt2"
    with pytest.raises(LeaderboardShapeError, match="does not match its target"):
        item_from_cells({"model_link": "gpt2", "model_href": "https://huggingface.co/org/gpt3"},
                        url="u", crawled_at=NOW)


def test_cell_formats():
    assert percent("47.98 %") == 47.98 and percent("-") is None
    assert kilograms("47.65 kg") == 47.65 and kilograms("-1.00 kg") is None and kilograms("0 kg") is None
    item = item_from_cells({"model_link": "org/m", "model.precision": "float16", "model.sha": "abc",
                            "model.type_title": "chatmodels", "model.average_score": "50.00 %",
                            "evaluations.ifeval.normalized_score": "80.10 %", "metadata.co2_cost": "1.50 kg",
                            "metadata.params_billions": "7.242B", "features.is_moe": "No",
                            "metadata.base_model": "-"}, url="u", crawled_at=NOW)
    assert item.type == "chat" and item.ifeval == 80.1 and item.co2_kg == 1.5 and item.params_billions == 7.242
    assert item.is_moe is False and item.base_model is None and item.ifeval_raw is None
