"""Issue 24's statistics, in process, on the real final v2 board (the replica's copy of it, 4,576 rows):
the size audit's classes and rules (the issue's named examples), the efficiency floor and its
sensitivity, the published checks' window and exact-id matching, the density frontier fit, and the
size-adjusted open-weight comparison."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from analysis.data import quality, size_audit
from analysis.data.tidy import build_table
from analysis.statistics import density, floors, open_weight, published
from llmbench.items import ModelSizeItem
from llmbench.parsing.leaderboard import item_from_formatted
from llmbench.replica.leaderboard.snapshot import formatted_rows
from tests.analysis_fixtures import NOW, write


@pytest.fixture(scope="module")
def real_board(tmp_path_factory) -> pd.DataFrame:
    """The whole real board as the analysis sees it (one row per model, quality rules, size audit),
    with the one model_pages row the demo crawl writes for meditsolutions/Llama-3.2-SUN-1B-Instruct
    (sized from its name, 1 B: the replica serves it without weights metadata)."""
    data = tmp_path_factory.mktemp("board") / "data"
    write(data, [item_from_formatted(r, source="dataset", url="u", crawled_at=NOW) for r in formatted_rows()])
    write(data, [ModelSizeItem(model_id="meditsolutions/Llama-3.2-SUN-1B-Instruct", params=1_000_000_000,
                               params_source="name", exact=False, crawled_at=NOW)])
    board, _ = quality.apply(build_table(data, "leaderboard"))
    return size_audit.audit(board)


def _row(board: pd.DataFrame, model_id: str) -> pd.Series:
    return board.set_index("model_id").loc[model_id]


def test_the_issues_mis_sized_models_come_out_audited(real_board):
    choc = _row(real_board, "FINGU-AI/Chocolatine-Fusion-14B")  # 8.37 B on the board, "14B" in the name
    assert choc["size_audit"] == "below_name" and math.isnan(choc["params_b"])
    assert choc["params_b_unaudited"] == pytest.approx(8.367)
    rombo = _row(real_board, "PJMixers-Dev/Qwen2.5-RomboTiesTest-7B")  # 3.81 B, base "Removed"
    assert rombo["size_audit"] == "below_name" and math.isnan(rombo["params_b"])
    ifaz = real_board[real_board["model_id"].str.startswith("iFaz/llama32_3B_")]  # 1.85 B, base 3.21 B
    assert len(ifaz) == 6 and set(ifaz["size_audit"]) == {"below_base_unconfirmed"}
    assert ifaz["params_b"].isna().all() and ifaz["base_params_b"].round(3).eq(3.213).all()
    sun = _row(real_board, "meditsolutions/Llama-3.2-SUN-1B-Instruct")  # 1.00 B from the name; board 1.498
    assert sun["size_audit"] == "estimate_vs_board" and sun["params_b"] == pytest.approx(1.498)
    # a packed total corrected to the base's count when the name agrees with the base
    doctor = _row(real_board, "ContactDoctor/Bio-Medical-Llama-3-8B")
    assert doctor["size_audit"] == "below_base_corrected" and doctor["params_b"] == pytest.approx(8.03)
    # adapters: the board's base + adapter count replaced by the base's
    adapter = _row(real_board, "sci-m-wang/Mistral-7B-Instruct-sa-v0.1")
    assert adapter["params_b_unaudited"] == pytest.approx(14.483) and adapter["params_b"] == pytest.approx(7.242)
    assert adapter["size_audit"] == "adapter_double_count"
    # a name saying bnb-4bit decides nothing: merged back to bf16, its 8.03 B agrees with its "8b"
    merged_back = _row(real_board, "LEESM/llama-3-8b-bnb-4b-kowiki231101")
    assert merged_back["size_audit"] == "checked" and merged_back["params_b"] == pytest.approx(8.03)
    # MoE: totals kept, active parameters where known
    mixtral = _row(real_board, "mistralai/Mixtral-8x7B-Instruct-v0.1")
    assert mixtral["size_audit"] == "moe_total" and mixtral["active_params_b"] == 12.9
    assert _row(real_board, "Qwen/Qwen2-57B-A14B-Instruct")["active_params_b"] == 14.0
    # the per-parameter ratio follows the audited size
    assert adapter["score_per_b"] == pytest.approx(adapter["average"] / 7.242)


def test_every_class_is_counted_with_its_rule(real_board):
    summary = size_audit.summary(real_board)
    classes = {c["class"]: c for c in summary["classes"]}
    assert list(classes) == list(size_audit.CLASSES)
    assert sum(c["count"] for c in classes.values()) == len(real_board)
    assert all(c["rule"] and c["action"] for c in classes.values())
    assert classes["below_name"]["count"] >= 30 and classes["adapter_double_count"]["count"] >= 10
    assert summary["n_withheld"] == sum(classes[k]["count"] for k in ("below_name", "below_base_unconfirmed"))
    assert set(real_board["size_rule"].astype(str)) <= {rule for _, rule in size_audit.CLASSES.values()}


def test_the_floor_is_justified_by_the_models_at_chance_and_its_sensitivity_is_tabled(real_board):
    chance = floors.chance_level(real_board)
    assert chance["n"] >= 100 and 5 < chance["p99_average"] < 15
    report = floors.floor_report(real_board, 10.0)
    assert [r["floor"] for r in report["sensitivity"]] == list(floors.FLOORS)
    assert [r["n_size"] for r in report["sensitivity"]] == sorted((r["n_size"] for r in report["sensitivity"]),
                                                                  reverse=True)
    at_zero = report["sensitivity"][0]["top_per_b"]
    assert any("cpayne1303" in t for t in at_zero)  # at no floor, 30 M-parameter models lead per B
    assert "BELOW" in floors.floor_report(real_board, 0.0)["justification"]


def test_published_checks_use_the_posts_window_exact_ids_and_the_floor(real_board):
    window = published.in_window(real_board)
    # the post counted 2,796 models on 2025-01-09; 2,816 here (2,815 in a crawl, where the legacy `gpt2`
    # row joins openai-community/gpt2 through its canonical id)
    assert len(window) == 2816
    assert (window["submission_date"] < np.datetime64("2025-01-09")).all()
    found = published.leaders_per_kg(window, floor=10.0)
    assert found["found"]["Phi-3-Medium"]["model_id"] == "microsoft/Phi-3-medium-4k-instruct"
    no_floor = published.leaders_per_kg(window, floor=0.0)
    assert no_floor["n"] > found["n"]
    # a substring would have matched this fine-tune: exact ids do not
    named = {"Phi-3-Medium": ("phi-3-medium",)}
    assert published.leaders_per_kg(window, named=named)["found"]["Phi-3-Medium"] is None
    pairs = published.finetunes_vs_base(window)
    assert pairs["n_pairs"] >= published.MIN_PAIRS and pairs["verdict"] in ("consistent", "partly consistent",
                                                                           "not reproduced")
    assert pairs["rule"].startswith("consistent when")
    every = published.check_all(real_board)
    assert every["n_window"] == 2816 and set(every["findings"]) >= {"finetunes_vs_base", "leaders_per_kg"}


def test_sign_test_is_exact():
    assert published.sign_test(5, 0) == pytest.approx(0.0625)
    assert published.sign_test(3, 3) == 1.0


def test_the_frontier_fit_recovers_a_known_halving_time():
    rows = []
    for quarter in range(8):  # the smallest model reaching 30 points halves every 6 months; others are larger
        date = pd.Timestamp("2023-01-01") + pd.DateOffset(months=3 * quarter)
        smallest = 16.0 / 2 ** (quarter / 2)
        rows += [{"upload_date": date, "params_b": smallest, "average": 31.0},
                 {"upload_date": date, "params_b": smallest * 3, "average": 33.0},
                 {"upload_date": date, "params_b": smallest / 4, "average": 20.0}]
    table = pd.DataFrame(rows).assign(log10_params_b=lambda t: np.log10(t["params_b"]))
    fit = density.frontier(table, 30.0)
    assert fit["n_bins"] == 8
    # quarters are 90-92 days, not 3 × 30.44: within a few percent of 6 months
    assert fit["doubling_months"] == pytest.approx(6.0, rel=0.03)
    assert fit["anchor"]["date"] == "2023-01-01" and fit["anchor"]["params_b"] == pytest.approx(16.0, rel=0.03)
    assert density.frontier(table, 50.0)["doubling_months"] is None


def test_density_comparison_on_the_real_board_cites_both_sources(real_board):
    compared = density.compared(real_board, 30.0)
    assert [r["population"] for r in compared["population_sensitivity"]] == ["all", "official", "pretrained"]
    assert any("2412.04315" in c for c in compared["citations"])
    assert any("Nature Machine Intelligence" in c for c in compared["citations"])
    assert set(compared["frontier"]["levels"]) >= {"20", "25", "30", "35"}


def test_open_weight_difference_is_adjusted_for_size():
    rng = np.random.default_rng(0)
    n = 400
    is_open = np.arange(n) % 2 == 0
    log_size = np.where(is_open, 1.2, 0.6) + rng.normal(0, 0.3, n)  # open models are larger ...
    average = 10 + 14 * log_size + rng.normal(0, 1, n)  # ... but score the same at equal size
    table = pd.DataFrame({"license_class": np.where(is_open, "open", "restricted"), "average": average,
                          "log10_params_b": log_size})
    result = open_weight.compare(table)
    assert result["raw_difference_sized"] > 5
    low, high = result["adjusted"]["ci95"]
    assert low < 0 < high and abs(result["adjusted"]["open_coefficient"]) < 0.5
    few = open_weight.compare(table.iloc[:40])  # 20 a side: under MIN_GROUP_N, no claim
    assert few["adjusted"] is None and "not enough data" in few["note"]


def test_official_own_releases_include_instruct_models_of_the_same_owners_base(real_board):
    from analysis.statistics.populations import own_releases

    own = real_board[own_releases(real_board)]["model_id"]
    assert "Qwen/Qwen2.5-72B-Instruct" in set(own)  # base Qwen/Qwen2.5-72B: the same owner
    official = real_board[real_board["is_official_provider"].to_numpy(dtype=bool)]
    third_party = official[official["base_model"].notna() & (official["base_model"].str.split("/").str[0]
                                                             != official["model_id"].str.split("/").str[0])]
    assert len(third_party) and not set(third_party["model_id"]) & set(own)
    window = published.in_window(real_board)
    seventy = published.official_70b(window)
    assert "Qwen/Qwen2.5-72B-Instruct" in seventy["models"] and seventy["rule"].startswith("consistent when")
