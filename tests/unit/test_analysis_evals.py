"""The Community Evals section (issue #14 item 5) on hand-written datasets, against independent sums."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from analysis.statistics import community_evals as evals
from llmbench.items import BenchmarkLeaderboardItem, EvalResultItem, HubModelItem, LeaderboardItem, schema_of
from llmbench.pipelines.parquet_writer import to_row
from llmbench.storage import partition_dir

NOW = datetime(2026, 11, 25, tzinfo=UTC)


def write(data, items, name="part-test.parquet"):
    item_class = type(items[0])
    path = partition_dir(data, item_class.dataset, NOW.date()) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist([to_row(i) for i in items], schema=schema_of(item_class)), path)


def result(model, dataset, task, value, **extra):
    return EvalResultItem(model_id=model, dataset_id=dataset, task_id=task, value=value,
                          filename=f".eval_results/{task}.yaml", crawled_at=NOW, **extra)


@pytest.fixture
def data(tmp_path):
    data = tmp_path / "data"
    sizes = {f"org/m{i}": 0.5 * (i + 1) for i in range(12)}
    rows = [result(m, "Idavidrein/gpqa", "diamond", 20 + 3 * i + (i % 3)) for i, m in enumerate(sizes)]
    rows += [result("org/m0", "Idavidrein/gpqa", "diamond", 99.0, pull_request=7),  # a community PR loses
             result("org/m1", "Idavidrein/gpqa", "diamond", 0.41),  # a fraction on a percent task: ambiguous
             result("org/m2", "openai/gsm8k", "gsm8k", 0.5), result("org/m3", "openai/gsm8k", "gsm8k", 0.7),
             result("org/m4", "internlm/WildClawBench", "avg_time", 516.0)]
    write(data, rows)
    write(data, [BenchmarkLeaderboardItem(dataset_id="cais/hle", model_id="org/m5", value=12.0, rank=1,
                                          crawled_at=NOW),
                 BenchmarkLeaderboardItem(dataset_id="cais/hle", task_id="hle", model_id="org/m6", value=14.0,
                                          rank=2, crawled_at=NOW)])
    write(data, [HubModelItem(model_id=m, author="org", params=int(b * 1e9), license="mit" if i % 2 else "llama3",
                              crawled_at=NOW, endpoint="e") for i, (m, b) in enumerate(sizes.items())])
    write(data, [LeaderboardItem(model_id=m, precision="bfloat16", revision="a", gpqa_raw=0.2 + 0.03 * i,
                                 source="json", crawled_at=NOW) for i, m in enumerate(sizes)])
    return data


def test_scales_rules_and_statistics(data):
    found, points = evals.analyse(data, None, evals.board_raw_scores(data, None))
    tasks = found["tasks"]
    assert found["available"] and found["untasked_leaderboard_rows"] == 1
    gpqa = tasks["Idavidrein/gpqa:diamond"]
    assert gpqa["scale"] == "percent" and gpqa["ambiguous_values"] == 1 and gpqa["n_models"] == 12
    assert tasks["openai/gsm8k:gsm8k"]["scale"] == "fraction ×100"
    assert tasks["openai/gsm8k:gsm8k"]["median_score"] == pytest.approx(60.0)
    assert tasks["internlm/WildClawBench:avg_time"]["scale"] == "lower is better"
    assert "median_score" not in tasks["internlm/WildClawBench:avg_time"]
    assert tasks["cais/hle:hle"]["n_models"] == 1
    values = {i: 20 + 3 * i + (i % 3) for i in range(12)}  # m0's PR and m1's fraction are not among them
    size = np.array([0.5 * (i + 1) for i in values])
    score = np.array(list(values.values()), dtype=float)
    ranks = lambda v: np.argsort(np.argsort(v))  # noqa: E731  (no ties here)
    assert gpqa["n_sized"] == 12 and gpqa["median_score"] == pytest.approx(np.median(score))
    assert gpqa["spearman_size"]["statistic"] == pytest.approx(np.corrcoef(ranks(size), ranks(score))[0, 1])
    assert gpqa["ols_log_size"]["statistic"] == pytest.approx(np.polyfit(np.log10(size), score, 1)[0])
    assert gpqa["licenses"]["open"]["n"] + gpqa["licenses"]["restricted"]["n"] == 12
    assert gpqa["community_share"] == 0  # the pull-request result lost to the main-branch one
    live = found["board_vs_live"]["Idavidrein/gpqa"]
    board = {i: 100 * (0.2 + 0.03 * i) for i in values}
    assert live["n"] == 12
    assert live["mean_difference_live_minus_board"] == pytest.approx(np.mean([values[i] - board[i] for i in values]))
    assert set(points["task"]) == {"Idavidrein/gpqa:diamond", "openai/gsm8k:gsm8k", "cais/hle:hle"}


def test_without_the_datasets_the_section_says_so(tmp_path):
    found, points = evals.analyse(tmp_path / "nothing", None, None)
    assert found["available"] is False and "scrapy crawl benchmarks" in found["note"] and points is None
