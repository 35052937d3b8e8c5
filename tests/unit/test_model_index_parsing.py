"""`model-index` → card_results rows: all 257 recorded real rows (shapes in docs/model-index.md) and the
synthetic variants, each shape read as documented in DATA.md `card_results`."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest

from llmbench.parsing.model_index import BOARD_V1_COPY, BOARD_V2_COPY, CLAIM, parse_model_index
from llmbench.replica.repos.model_index import RECORDED_FILE, _data, messy_variants, recorded_cards

NOW = datetime(2026, 7, 1, tzinfo=UTC)
KINDS = {"bot_v1": BOARD_V1_COPY, "bot_v2": BOARD_V2_COPY, "author": CLAIM}


def parse(card):
    return parse_model_index("org/model", card, crawled_at=NOW)


def one(metric: dict, **result) -> list:
    """The rows of a card holding one result with one metric."""
    base = {"task": {"type": "text-generation"}, "dataset": {"name": "X", "type": "x"}, "metrics": [metric]}
    parsed = parse([{"name": "m", "results": [base | result]}])
    assert not parsed.invalid
    return parsed.items


def test_every_recorded_row_parses_with_its_recorded_fields():
    rows = list(csv.DictReader(io.StringIO(_data(RECORDED_FILE).decode())))
    items, invalid = [], []
    for card in recorded_cards().values():  # file order: the cards in the order the rows were recorded
        parsed = parse(card)
        items += parsed.items
        invalid += parsed.invalid
    assert invalid == [] and len(items) == len(rows) == 257
    for row, item in zip(rows, items, strict=True):
        assert item.source_kind == KINDS[row["kind"]], row
        assert item.entry_name == row["card_entry_name"]
        assert item.dataset_type == row["dataset_type"] and item.dataset_name == row["dataset_name"]
        assert item.dataset_config == (row["dataset_config"] or None)
        assert item.dataset_split == (row["dataset_split"] or None)
        assert item.dataset_revision == (row["dataset_revision"].strip('"') or None)
        assert item.num_few_shot == (int(row["num_few_shot"]) if row["num_few_shot"] else None)
        assert item.metric_type == row["metric_type"] and item.metric_name == (row["metric_name"] or None)
        assert item.source_url == (row["source_url"] or None) and item.source_name == (row["source_name"] or None)
        swapped = "swapped" in row["notes"] and row["task_type"][0].isupper()
        assert (item.task_type, item.task_name) == ((row["task_name"], row["task_type"]) if swapped else
                                                    (row["task_type"], row["task_name"] or None))
        written, kind = row["value_as_written"], row["value_yaml_type"]
        if kind in ("float", "int"):
            assert float(item.value) == item.value_number == float(written)
        elif kind == "null":
            assert item.value is None and item.value_number is None and item.value_pct_reason == "no value"
        else:
            assert item.value == written.strip('"')
        expected_verified = (row["verified"].lower() == "true") if row["verified"] else \
            False if "veriefied" in row["notes"] else None
        assert item.verified is expected_verified
        if item.source_kind != CLAIM:
            assert item.value_pct == item.value_number and item.value_pct_reason == "percent as filed"
        assert item.value_pct is None or 0 <= item.value_pct <= 100
    indexes = [(i.result_index, i.metric_index) for i in parse(recorded_cards()["71223633144"]).items]
    assert indexes == [(0, 0), (1, 0), (1, 1), (1, 2), (2, 0), (2, 1), (2, 2), (3, 0)]  # across both entries


@pytest.mark.parametrize("value,number,pct,reason", [
    ("0,857", 0.857, 85.7, "fraction x100"),  # decimal comma: YAML reads a string
    ("NA", None, None, "not a number: NA"),
    ("~5.7", None, None, "not a number: ~5.7"),
    ("7.84%", 7.84, 7.84, "percent sign"),
    (-1, -1.0, None, "placeholder -1"),
    (None, None, None, "no value"),
    ("72.5", 72.5, 72.5, "percent as filed"),  # a quoted number
    ([71.2, 70.8], None, None, "not a number: [71.2, 70.8]"),
    (True, None, None, "not a number: true"),
    (130.0, 130.0, None, "out of range"),
])
def test_values_as_filed_and_their_scale(value, number, pct, reason):
    companion = {"type": "accuracy", "value": 0.5 if reason == "fraction x100" else 50.0}
    (item, _) = one({"type": "accuracy", "value": value}, metrics=[{"type": "accuracy", "value": value}, companion])
    assert item.value_number == number and item.value_pct == pytest.approx(pct) and item.value_pct_reason == reason


def test_scale_unknown_metrics_and_metrics_without_type_or_name_stay_unscaled():
    (perplexity,) = one({"type": "perplexity", "value": 136.98, "name": "Test Perplexity"})
    assert perplexity.value_pct is None and perplexity.value_pct_reason == "unknown scale (perplexity)"
    (bare,) = one({"value": 0.62})
    assert bare.metric_type is None and bare.metric_name is None
    assert bare.value_pct_reason == "unknown scale (no metric type)"


def test_board_copies_are_percents_whatever_the_value():
    url = "https://huggingface.co/spaces/open-llm-leaderboard/open_llm_leaderboard?query=org/model"
    (item,) = one({"type": "exact_match", "value": 0.0}, source={"url": url, "name": "Open LLM Leaderboard"})
    assert item.source_kind == BOARD_V2_COPY and item.value_pct == 0.0 and item.value_pct_reason == "percent as filed"
    v1 = "https://huggingface.co/spaces/HuggingFaceH4/open_llm_leaderboard?query=org/model"
    (item,) = one({"type": "mc2", "value": 0.5}, source={"url": v1})
    assert item.source_kind == BOARD_V1_COPY and item.value_pct == 0.5
    (item,) = one({"type": "acc", "value": 0.5}, source={"url": "https://arxiv.org/abs/1", "name": "paper"})
    assert item.source_kind == CLAIM and item.value_pct == 50.0


@pytest.mark.parametrize("key,raw,expected", [("verified", False, False), ("verified", "False", False),
                                              ("veriefied", False, False), ("verified", True, True),
                                              ("verified", "yes?", None)])
def test_verified_spellings(key, raw, expected):
    (item,) = one({"type": "acc", "value": 50, key: raw, "verifyToken": "tok"})
    assert item.verified is expected and item.verify_token == "tok"


def test_args_task_and_dataset_shapes():
    (item,) = one({"type": "wer", "value": 5.73}, task={"type": "Automatic Speech Recognition",
                                                         "name": "automatic-speech-recognition"},
                  dataset={"name": "Fleurs", "type": "google/fleurs", "args": "ka", "revision": 3218e05})
    assert (item.task_type, item.task_name) == ("automatic-speech-recognition", "Automatic Speech Recognition")
    assert item.num_few_shot is None and item.dataset_revision == "321800000.0"
    (item,) = one({"type": "acc", "value": 50}, dataset={"type": "x", "args": {"num_few_shot": "5"}})
    assert item.num_few_shot == 5


def test_a_malformed_part_costs_that_part_alone():
    parsed = parse(messy_variants("m"))
    assert [(i.result_index, i.metric_index) for i in parsed.items] == [(0, 0), (1, 0)]
    assert parsed.invalid == [("model-index[0].results[2].metrics", "metrics is a str, not a list"),
                              ("model-index[1].results", "results is a dict, not a list")]
    parsed = parse([{"name": "a", "results": [{"metrics": [{"type": "acc", "value": 1}, "acc: 2"]}, 7]},
                    "entry"])
    assert len(parsed.items) == 1 and len(parsed.invalid) == 3
    assert parse("model-index: oops").invalid == [("model-index", "model-index is a str, not a list")]
    assert parse(None).items == parse([]).items == [] and parse(None).invalid == []
