"""`scrapy crawl benchmarks` end to end against the replica: every official board and each quirk."""

from __future__ import annotations

import re

from llmbench.replica.evals.benchmarks import BENCHMARKS, BY_ID
from llmbench.replica.faults import FaultConfig
from tests.helpers import stat


def board(catalog, dataset_id: str, *, base_model_only: bool = False) -> list[dict]:
    return catalog.community_evals.leaderboard(dataset_id, base_model_only=base_model_only) or []


def test_every_official_board_across_list_pages(replica, catalog, run_crawl):
    replica.log.clear()
    result = run_crawl(replica, "benchmarks", {"page_size": "5"})
    assert result.returncode == 0, result.output[-3000:]
    lists = [r for r in replica.log.records if r.path_qs.startswith("/api/datasets?")]
    assert len(lists) == -(-len(BENCHMARKS) // 5)
    assert all(re.search("filter=benchmark(:|%3A)official", r.path_qs) for r in lists)
    benchmarks = {r["dataset_id"]: r for r in result.table("benchmarks").to_pylist()}
    assert set(benchmarks) == set(BY_ID)
    for dataset_id, row in benchmarks.items():
        assert row["tasks"] == list(BY_ID[dataset_id].tasks) and row["name"] == BY_ID[dataset_id].name
        assert row["framework"] == BY_ID[dataset_id].framework
    rows = result.table("benchmark_leaderboards").to_pylist()
    expected = [(d, r["rank"], r["modelId"], float(r["value"])) for d in BY_ID for r in board(catalog, d)]
    assert sorted((r["dataset_id"], r["rank"], r["model_id"], r["value"]) for r in rows) == sorted(expected)
    # base_model=false: the derivatives the default view hides are here too
    gpqa = {r["model_id"] for r in rows if r["dataset_id"] == "Idavidrein/gpqa"}
    default = {r["modelId"] for r in board(catalog, "Idavidrein/gpqa", base_model_only=True)}
    assert default < gpqa and gpqa - default <= catalog.community_evals.derivative
    # a dataset without a leaderboard: counted, no failure
    assert stat(result.output, "benchmarks/no_leaderboard") == 1
    assert "MathArena/aime_2026 has no leaderboard (HTTP 404)" in result.output


def test_rows_keep_their_quirks_and_task_ids(replica, catalog, run_crawl):
    result = run_crawl(replica, "benchmarks", {"benchmarks": "internlm/WildClawBench,SWE-bench/SWE-bench_Verified"})
    assert result.returncode == 0, result.output[-3000:]
    rows = result.table("benchmark_leaderboards").to_pylist()
    assert {r["dataset_id"] for r in rows} == {"internlm/WildClawBench", "SWE-bench/SWE-bench_Verified"}
    step = next(r for r in rows if r["model_id"] == "stepfun-ai/Step-3.5-Flash")
    assert step["source_url"] is None and step["source_name"] is None and step["value"] == 74.4  # no `source`
    top = next(r for r in rows if r["dataset_id"] == "SWE-bench/SWE-bench_Verified" and r["rank"] == 1)
    assert (top["model_id"], top["author"], top["author_type"], top["source_is_external"]) == (
        "deepseek-ai/DeepSeek-V4-Pro", "deepseek-ai", "org", False)
    # a board of two tasks: each row's task comes from the model's own filed result
    filed = {(m, e["data"]["value"]): e["data"]["dataset"]["task_id"]
             for m, elements in catalog.community_evals.results.items() for e in elements
             if "data" in e and e["data"]["dataset"]["id"] == "internlm/WildClawBench"}
    wild = [r for r in rows if r["dataset_id"] == "internlm/WildClawBench"]
    assert wild and all(r["task_id"] == filed[(r["model_id"], r["value"])] for r in wild)
    assert any(r["task_id"] == "avg_time" and r["value"] == 516.0 for r in wild)  # seconds, kept raw
    assert any(r["value"] < 1 for r in wild) and any(r["value"] > 1 for r in wild)


def test_board_models_get_metadata_and_gone_ones_are_listed(replica, catalog, run_crawl):
    hub = run_crawl(replica, "hub", {"limit": "100"})
    assert hub.returncode == 0, hub.output[-3000:]
    known = set(hub.table("hub_models").column("model_id").to_pylist())
    replica.log.clear()
    result = run_crawl(replica, "benchmarks", {"benchmarks": "Idavidrein/gpqa,nobody/not-a-benchmark"})
    assert result.returncode == 0, result.output[-3000:]
    on_board = {r["modelId"] for r in board(catalog, "Idavidrein/gpqa")}
    infos = [r.path_qs.split("?")[0].removeprefix("/api/models/") for r in replica.log.records
             if r.path_qs.startswith("/api/models/")]
    assert sorted(infos) == sorted(on_board - known), "one model info request per board model the hub crawl lacked"
    gone = catalog.community_evals.gone
    assert stat(result.output, "benchmarks/models_gone") == len(gone) == 3
    assert set((result.data_dir / "benchmark_models_gone.txt").read_text().split()) == gone
    models = set(result.table("hub_models").column("model_id").to_pylist())
    assert models == known | (on_board - gone)
    results = {r["model_id"] for r in result.table("eval_results").to_pylist()}
    assert on_board - known - gone <= results
    assert "not official benchmarks on this Hub (skipped): nobody/not-a-benchmark" in result.output


def test_unreadable_eval_yaml_fails_loudly_and_keeps_the_rest(make_replica, run_crawl):
    replica = make_replica(faults=FaultConfig(error_rate=1.0, path=r"/eval\.yaml$", after=4))
    result = run_crawl(replica, "benchmarks", settings={"RETRY_TIMES": "0"})
    assert result.returncode == 1
    assert re.search(r"request failed for good: https?://127\.0\.0\.1:\d+/datasets/\S+/resolve/main/eval\.yaml",
                     result.output)
    assert result.table("benchmarks").num_rows == 4


def test_malformed_leaderboard_fails_loudly(make_replica, run_crawl):
    replica = make_replica(faults=FaultConfig(malformed_rate=1.0, path=r"/leaderboard$"))
    result = run_crawl(replica, "benchmarks", {"benchmarks": "cais/hle"})
    assert result.returncode == 1
    assert re.search(r"malformed JSON from https?://127\.0\.0\.1:\d+/api/datasets/cais/hle/leaderboard", result.output)
    assert result.table("benchmarks").num_rows == 1
