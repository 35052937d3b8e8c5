"""The shipped snapshot rebuilt into the formatted JSON and raw `contents` shapes (leaderboard.md §9–11)."""

from __future__ import annotations

from llmbench.replica.leaderboard_data import RAW_COLUMNS, formatted_rows, raw_from_formatted


def test_snapshot_counts():
    rows = formatted_rows()
    assert len(rows) == 4576
    assert len({r["id"] for r in rows}) == 4576
    assert len({r["model"]["name"] for r in rows}) == 4497


def test_formatted_example_row():
    row = next(r for r in formatted_rows() if r["model"]["name"] == "Qwen/Qwen2.5-72B-Instruct")
    assert list(row) == ["id", "model", "evaluations", "features", "metadata"]
    assert row["model"]["has_chat_template"] is True and row["model"]["type"] == "chatmodels"
    assert abs(row["evaluations"]["gpqa"]["normalized_score"] - 16.6666666666667) < 1e-9
    assert row["metadata"]["params_billions"] == 72.706 and row["metadata"]["hub_hearts"] == 777
    assert row["features"]["is_not_available_on_hub"] is True  # the misnomer: it IS on the Hub


def test_raw_mapping():
    row = next(r for r in formatted_rows() if r["model"]["name"] == "Qwen/Qwen2.5-72B-Instruct")
    raw = raw_from_formatted(row)
    assert tuple(raw) == RAW_COLUMNS
    assert raw["eval_name"] == "Qwen_Qwen2.5-72B-Instruct_bfloat16"
    assert raw["Type"] == "💬 chat models (RLHF, DPO, IFT, ...)" and raw["T"] == "💬"
    assert raw["GPQA Raw"] == 0.375 and raw["Available on the hub"] is True
    assert 'href="https://huggingface.co/Qwen/Qwen2.5-72B-Instruct"' in raw["Model"]
