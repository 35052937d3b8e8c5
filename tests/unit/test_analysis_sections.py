"""The report's newer sections against independent computations on fixed data (issue #16)."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from analysis.data import quality
from analysis.statistics import density, groups, populations, published

RNG = np.random.default_rng(16)
N = 600


def board(n: int = N) -> pd.DataFrame:
    size = 10 ** RNG.uniform(-1, 2, n)
    months = RNG.uniform(0, 24, n)
    average = 5 + 15 * np.log10(size) + 0.9 * months + RNG.normal(0, 3, n)
    table = pd.DataFrame({
        "model_id": [f"org{i % 7}/m{i}" for i in range(n)], "params_b": size, "log10_params_b": np.log10(size),
        "average": average, "co2_kg": RNG.uniform(0.5, 30, n),
        "upload_date": np.datetime64("2023-01-01") + (months * 30.4375).astype("timedelta64[D]"),
        "type": RNG.choice(["chat", "pretrained", "fine-tuned"], n), "is_moe": RNG.random(n) < 0.1,
        "is_merged": RNG.random(n) < 0.3, "is_official_provider": RNG.random(n) < 0.2,
        "license_class": RNG.choice(["open", "restricted"], n), "on_hub_crawl": RNG.random(n) < 0.7,
    })
    table["score_per_b"] = table["average"] / table["params_b"]
    table["score_per_kg"] = table["average"] / table["co2_kg"]
    return table


def test_holm_by_hand():
    assert groups.holm([0.01, 0.04, 0.03, 0.005]) == pytest.approx([0.03, 0.06, 0.06, 0.02])
    assert groups.holm([0.5, 0.9]) == pytest.approx([1.0, 1.0])


def test_group_comparisons_match_the_formula_and_holm():
    table = board()
    result = groups.compare_groups(table)["comparisons"]
    a = table.loc[table["is_moe"], "average"].to_numpy()
    b = table.loc[~table["is_moe"], "average"].to_numpy()
    welch_t = (a.mean() - b.mean()) / math.sqrt(a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b))
    assert result["moe_vs_dense"]["welch"]["statistic"] == pytest.approx(welch_t)
    assert result["moe_vs_dense"]["means"] == pytest.approx([a.mean(), b.mean()])
    chat = table.loc[table["type"] == "chat", "average"]
    base = table.loc[table["type"] == "pretrained", "average"]
    assert result["chat_vs_base"]["n_groups"] == [len(chat), len(base)]
    raw = [result[k]["welch"]["p_value"] for k in groups.COMPARISONS]
    assert [result[k]["welch"]["p_holm"] for k in groups.COMPARISONS] == pytest.approx(groups.holm(raw))
    assert all(result[k]["welch"]["p_holm"] >= result[k]["welch"]["p_value"] for k in groups.COMPARISONS)


def test_density_recovers_a_known_doubling_time():
    result = density.fit(board(3000), 30.0)
    truth = math.log10(2) / (0.9 / 15)  # c / b of the generator: 5.02 months
    low, high = result["doubling_months_ci95"]
    assert low < truth < high and result["doubling_months"] == pytest.approx(truth, rel=0.1)
    data = board(50)
    data.loc[:, "upload_date"] = np.datetime64("2022-03-02")  # the placeholder date only: nothing to fit
    assert density.fit(data, 30.0)["doubling_months"] is None


def test_density_figure_draws_a_sample_of_the_models_near_its_level(tmp_path):
    from analysis.report.captions import MAX_POINTS, describe
    from analysis.report.figure_layout import STYLE, Figures, plt
    from analysis.report.figures import density_figure

    table = board(250_000)
    result = density.fit(table, 30.0)
    near = int(((table["average"] - 30.0).abs() <= 2.5).sum())
    assert result["n_near_level"] == near > MAX_POINTS
    figures = Figures(tmp_path, keep=True)
    with plt.rc_context(STYLE):
        density_figure(table, result, figures)
    drawn = figures.kept["density_over_time"].axes[0].collections[0].get_offsets()
    assert len(drawn) == MAX_POINTS
    text = describe_density(describe, result)
    assert f"every statistic uses all {near:,} models near that level" in text


def describe_density(describe, result) -> str:
    """The density figure's text alternative (describe() needs the other sections' results too)."""
    point = {"n": 10, "statistic": 0.5, "ci95": [0.1, 0.9]}
    efficiency = {"n": 10, "floor": 10.0, "pareto": []}
    results = {"pearson_log_size": point, "ols_log_size": point, "pearson_size": point,
               "efficiency_size": efficiency, "efficiency_co2": efficiency, "by_type": {"groups": []}}
    return describe(results, result)["density_over_time"]["alt"]


def test_quality_rules_flag_and_blank_sizes():
    table = pd.DataFrame({
        "model_id": ["a/tiny", "unsloth/phi-4-bnb-4bit", "a/ok", "a/gap", "a/Awqward-7B", "a/q-GPTQ"],
        "params_b": [0.002, 8.0, 7.0, 7.0, 7.0, 3.0],
        "size_source": ["hub:safetensors"] * 5 + ["model_pages:base_model"],
        # the Hub found phi-4-bnb-4bit packed from its tensors; a name alone ("…-GPTQ") decides nothing
        "quantized": [False, True, False, False, False, False], "hub_params_b": [0.002, 8.0, 7.0, 7.0, np.nan, np.nan],
        "board_params_b": [0.002, 8.0, 7.1, 7.6, 7.0, 3.0], "co2_kg": [1.0, np.nan, 1.0, 1.0, 1.0, 1.0],
        "evaluations": [1, 1, 3, 1, 1, 1], "average": [3.0, 39.0, 20.0, 21.0, 22.0, 15.0],
        "upload_date": np.array(["2024-01-01", "NaT", "2022-03-02", "2024-02-01", "2024-03-01", "2024-04-01"],
                                dtype="datetime64[s]"),
    })
    table["log10_params_b"] = np.log10(table["params_b"])
    table["score_per_b"] = table["average"] / table["params_b"]
    out, report = quality.apply(table)
    rules = report["rules"]
    assert rules["implausible_size"]["count"] == 1 and rules["quantized_total"]["count"] == 1
    assert rules["quantized_total"]["examples"][0]["model_id"] == "unsloth/phi-4-bnb-4bit"
    assert rules["board_hub_disagree"]["count"] == 1
    assert rules["board_hub_disagree"]["examples"][0]["model_id"] == "a/gap"
    assert rules["no_co2"]["count"] == 1 and rules["undated"]["count"] == 2
    assert rules["duplicate_evaluations"]["count"] == 1 and rules["duplicate_evaluations"]["extra_rows"] == 2
    # the packed total is counted here and decided by the size audit (base model's count, else excluded)
    assert out["size_excluded"].tolist() == ["implausible_size", "", "", "", "", ""]
    assert out["params_b"].isna().tolist() == [True, False, False, False, False, False]


def test_run_records_are_read_tolerantly(tmp_path):
    runs = tmp_path / "_runs"
    runs.mkdir()
    (runs / "hub-1.json").write_text(json.dumps({"spider": "hub", "status": "finished", "stats": {
        "item_scraped_count": 7, "parquet/hub_models/items": 3300, "parquet/eval_results/items": 40,
        "downloader/response_status_count/429": 2, "spider_exceptions/KeyError": 1}}))
    (runs / "leaderboard-2.json").write_text("{not json")
    (runs / "model_pages-3.json").write_text(json.dumps({"spider": "model_pages", "stats": "odd"}))
    records = quality.run_records(tmp_path)
    assert records[0]["items"] == 7 and records[0]["rows"] == 3340  # hub items are pages; rows were written
    assert records[0]["http_429"] == 2 and records[0]["errors"] == 1
    assert records[1]["status"].startswith("unreadable") and records[2]["items"] is None
    assert quality.run_records(tmp_path / "absent") == []


def test_top_downloads_population_is_the_n_most_downloaded():
    table = board()
    hub = pa.table({"model_id": table["model_id"].str.upper(), "downloads": np.arange(N)[::-1],
                    "pipeline_tag": ["text-generation"] * (N - 1) + ["text-to-image"]})
    top = populations.top_ids(hub, 100)
    assert top == {m.lower() for m in table["model_id"][:100]}
    result = populations.side_by_side(table, top, 100, "join")
    subset = table[:100]
    assert result["top_downloads"]["n_models"] == 100
    assert result["top_downloads"]["statistics"]["pearson_log_size"]["statistic"] == pytest.approx(
        np.corrcoef(subset["log10_params_b"], subset["average"])[0, 1])
    assert result["join"]["n_models"] == int(table["on_hub_crawl"].sum()) and result["board"]["n_models"] == N
    assert populations.side_by_side(table, set(), 100, "join")["top_downloads"]["n_models"] == 0


def test_published_findings_verdicts():
    rows = pd.DataFrame({
        "model_id": ["meta/llama-70b", "Qwen/Qwen2.5-72B", "microsoft/Phi-3-medium-4k-instruct",
                     "Qwen/Qwen2.5-14B-Instruct", "x/moe-1", "x/moe-2", "c/small-1", "c/small-2", "late/model"],
        "is_official_provider": [True, True, True, True, False, False, False, False, True],
        "params_b": [70.0, 72.0, 14.0, 14.7, 47.0, 47.0, 7.0, 3.0, 70.0],
        "average": [41.0, 45.5, 30.0, 38.0, 20, 22, 35, 20, 60.0],
        "co2_kg": [40.0, 45.0, 1.0, 1.2, 30.0, 35.0, 4.0, 1.0, 0.1], "is_moe": [False] * 4 + [True, True] + [False] * 3,
        "type": ["chat"] * 9, "base_model": [None] * 9, "is_merged": [False] * 9,
        # submitted after the post (2025-01-09): outside its window, in no check
        "submission_date": pd.to_datetime(["2024-06-01"] * 8 + ["2025-02-01"]).to_numpy(),
    })
    rows["score_per_kg"] = rows["average"] / rows["co2_kg"]
    checked = published.check_all(rows)
    found = checked["findings"]
    assert checked["n_window"] == 8
    assert found["official_70b"]["verdict"] == "consistent" and found["official_70b"]["best_average"] == 45.5
    assert found["leaders_per_kg"]["found"]["Qwen2.5-14B"]["rank"] == 1
    assert found["leaders_per_kg"]["found"]["Phi-3-Medium"]["rank"] == 2
    assert found["leaders_per_kg"]["verdict"] == "consistent"
    assert found["community_small"]["best_average"] == 35 and found["community_small"]["verdict"] == "consistent"
    assert found["moe_per_kg"]["median_moe"] == pytest.approx(np.median([20 / 30, 22 / 35]))
    assert found["finetunes_vs_base"]["verdict"] == "not testable"  # no pairs


def test_overlap_check_sees_colliding_labels_and_ignores_undrawn_ticks():
    from analysis.report.figure_layout import overlapping_texts, plt

    fig, ax = plt.subplots()
    ax.plot([1, 2], [1, 2])
    assert overlapping_texts(fig) == []  # matplotlib keeps tick labels outside the view: not drawn, not counted
    ax.annotate("first label", (1.5, 1.5))
    ax.annotate("second label", (1.5, 1.5))
    assert ("first label", "second label") in overlapping_texts(fig)
    plt.close(fig)
