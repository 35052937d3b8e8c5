"""#11.3: the analysis joins by the canonical id, case-insensitively: the board's legacy `gpt2` row
(canonical_id openai-community/gpt2) meets the Hub's `openai-community/gpt2` and its model_sizes row."""

from __future__ import annotations

from dataclasses import replace

from analysis.data.tidy import build_table
from llmbench.items import HubModelItem, ModelSizeItem
from tests.analysis_fixtures import NOW, board, write


def test_legacy_and_other_case_ids_join_by_canonical_id(tmp_path):
    data = tmp_path / "data"
    write(data, [replace(board("gpt2", params_b=0.0), canonical_id="openai-community/gpt2"),
                 board("Org/Mixed-Case", params_b=0.0),
                 replace(board("old/renamed", params_b=0.0), canonical_id="New/Renamed"),
                 board("org/unrelated")])
    write(data, [HubModelItem(model_id="openai-community/gpt2", author="openai-community", license="mit",
                              downloads=123, crawled_at=NOW, endpoint="e"),
                 HubModelItem(model_id="org/mixed-case", author="org", params=3_000_000_000,
                              params_source="safetensors", crawled_at=NOW, endpoint="e"),
                 HubModelItem(model_id="new/renamed", author="new", crawled_at=NOW, endpoint="e")])
    write(data, [ModelSizeItem(model_id="gpt2", canonical_id="openai-community/gpt2", params=137_000_000,
                               params_source="config", exact=False, crawled_at=NOW),
                 ModelSizeItem(model_id="NEW/renamed", params=2_000_000_000, params_source="readme",
                               exact=False, crawled_at=NOW)])
    table = build_table(data, "join").set_index("model_id")
    assert sorted(table.index) == ["Org/Mixed-Case", "gpt2", "old/renamed"]  # org/unrelated is not on the Hub
    assert table.loc["gpt2", "downloads"] == 123 and table.loc["gpt2", "license"] == "mit"
    assert table.loc["gpt2", "params"] == 137_000_000 and table.loc["gpt2", "size_source"] == "model_pages:config"
    assert table.loc["Org/Mixed-Case", "size_source"] == "hub:safetensors"
    assert table.loc["old/renamed", "size_source"] == "model_pages:readme"
    assert table.loc["old/renamed", "params"] == 2_000_000_000


def test_a_legacy_and_a_canonical_row_of_one_model_count_as_one_model(tmp_path):
    data = tmp_path / "data"
    write(data, [replace(board("gpt2", submitted="2024-01-01", average=10.0), canonical_id="openai-community/gpt2"),
                 board("openai-community/gpt2", submitted="2024-06-01", average=12.0)])
    write(data, [HubModelItem(model_id="openai-community/gpt2", author="openai-community", crawled_at=NOW,
                              endpoint="e")])
    table = build_table(data, "join")
    assert len(table) == 1 and table["average"].iloc[0] == 12.0 and table["evaluations"].iloc[0] == 2


def test_the_top_downloads_population_finds_a_legacy_board_row(tmp_path):
    from analysis.data.read import read_columns
    from analysis.statistics.populations import side_by_side, top_ids
    data = tmp_path / "data"
    write(data, [replace(board(f"gpt{i}", params_b=1.0 + i, average=10.0 + i), canonical_id=f"Openai-Community/GPT{i}")
                 for i in range(5)] + [board("org/other")])
    write(data, [HubModelItem(model_id=f"openai-community/gpt{i}", author="openai-community", downloads=1000 + i,
                              pipeline_tag="text-generation", crawled_at=NOW, endpoint="e") for i in range(5)])
    table = build_table(data, "leaderboard")
    assert table.set_index("model_id").loc["gpt0", "canonical_id"] == "Openai-Community/GPT0"
    top = top_ids(read_columns(data, "hub_models", ["downloads", "pipeline_tag"]), 100)
    assert side_by_side(table, top, 100, "join")["top_downloads"]["n_models"] == 5


def test_community_evals_match_sizes_and_board_scores_by_hub_id(tmp_path):
    from analysis.statistics.community_evals import board_raw_scores, sizes
    data = tmp_path / "data"
    write(data, [replace(board("gpt2"), canonical_id="openai-community/gpt2")])
    write(data, [ModelSizeItem(model_id="gpt2", canonical_id="openai-community/GPT2", params=137_000_000,
                               params_source="config", exact=False, crawled_at=NOW)])
    assert list(sizes(data, None).index) == ["openai-community/gpt2"]
    assert list(board_raw_scores(data, None).index) == ["openai-community/gpt2"]
