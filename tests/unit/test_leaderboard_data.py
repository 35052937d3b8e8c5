"""The shipped snapshot rebuilt into the formatted JSON and raw `contents` shapes (docs/leaderboard.md §9-11)."""

from __future__ import annotations

from llmbench.replica.leaderboard.snapshot import formatted_rows, raw_from_formatted

# The 36 columns of the dataset's `contents` split, in dataset order, written out from docs/leaderboard.md
# (not taken from the code under test, so a dropped, renamed or reordered column fails here).
DATASET_COLUMNS = [
    "eval_name", "Precision", "Type", "T", "Weight type", "Architecture", "Model", "fullname", "Model sha",
    "Average ⬆️", "Hub License", "Hub ❤️", "#Params (B)", "Available on the hub", "MoE", "Flagged",
    "Chat Template", "CO₂ cost (kg)", "IFEval Raw", "IFEval", "BBH Raw", "BBH", "MATH Lvl 5 Raw", "MATH Lvl 5",
    "GPQA Raw", "GPQA", "MUSR Raw", "MUSR", "MMLU-PRO Raw", "MMLU-PRO", "Merged", "Official Providers",
    "Upload To Hub Date", "Submission Date", "Generation", "Base Model",
]


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
    assert list(raw) == DATASET_COLUMNS
    assert raw["fullname"] == "Qwen/Qwen2.5-72B-Instruct" and raw["Precision"] == "bfloat16"
    assert raw["Model sha"] == row["model"]["sha"] and raw["Average ⬆️"] == row["model"]["average_score"]
    assert raw["eval_name"] == "Qwen_Qwen2.5-72B-Instruct_bfloat16"
    assert raw["Type"] == "💬 chat models (RLHF, DPO, IFT, ...)" and raw["T"] == "💬"
    assert raw["GPQA Raw"] == 0.375 and raw["Available on the hub"] is True
    assert 'href="https://huggingface.co/Qwen/Qwen2.5-72B-Instruct"' in raw["Model"]
