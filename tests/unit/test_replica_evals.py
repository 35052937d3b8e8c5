"""The replica's Community Evals (docs/community-evals.md §2-5), judged over HTTP and by huggingface_hub's client."""

from __future__ import annotations

import csv
import json
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import yaml
from huggingface_hub import HfApi
from huggingface_hub.errors import HfHubHTTPError

from llmbench.replica.evals.benchmarks import BENCHMARKS, OFFICIAL_TAG

OBSERVED = Path(__file__).resolve().parents[2] / "llmbench/replica/evals/data/community_evals_observed.csv"


def get(url: str):
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read().decode()


def test_official_benchmarks_listed_across_pages_with_absolute_links(replica):
    url = f"{replica.hub_url}/api/datasets?filter={OFFICIAL_TAG}&limit=4"
    ids, pages = [], 0
    while url:
        status, headers, body = get(url)
        assert status == 200
        ids += [d["id"] for d in json.loads(body)]
        pages += 1
        link = headers.get("Link")
        url = link[1:link.index(">")] if link else None
        assert url is None or url.startswith(replica.hub_url)
    assert sorted(ids) == sorted(b.dataset_id for b in BENCHMARKS) and pages == -(-len(BENCHMARKS) // 4)
    _, _, everything = get(f"{replica.hub_url}/api/datasets")
    assert len(json.loads(everything)) > len(BENCHMARKS), "the filter must filter"


def test_hfh_lists_benchmarks_reads_leaderboards_and_eval_results(replica, catalog):
    api = HfApi(endpoint=replica.hub_url, token=False)
    listed = {d.id for d in api.list_datasets(filter=OFFICIAL_TAG)}
    assert listed == {b.dataset_id for b in BENCHMARKS}
    board = api.get_dataset_leaderboard("SWE-bench/SWE-bench_Verified", base_model_only=False)
    assert [e.rank for e in board] == list(range(1, len(board) + 1))
    info = api.model_info("deepseek-ai/DeepSeek-V4-Flash", expand=["evalResults"])
    assert {(e.dataset_id, e.value) for e in info.eval_results} >= {("Idavidrein/gpqa", 88.1)}
    with pytest.raises(HfHubHTTPError):
        api.get_dataset_leaderboard("MathArena/aime_2026")  # official, nobody filed a result


def test_every_observed_row_is_served_as_seen(replica):
    for row in csv.DictReader(OBSERVED.open()):
        status, _, body = get(f"{replica.hub_url}/api/models/{row['model_id']}?expand=evalResults&expand=tags")
        assert status == 200, row
        info = json.loads(body)
        assert "eval-results" in info["tags"]
        matches = [e for e in info["evalResults"] if "data" in e
                   and e["data"]["dataset"] == {"id": row["dataset_id"], "task_id": row["task_id"]}]
        assert len(matches) == 1 and float(matches[0]["data"]["value"]) == float(row["value"]), row
        assert ("pullRequest" in matches[0]) == (row["community_pr"] == "true"), row


def test_error_placeholders_and_rows_without_source(replica, catalog):
    evals = catalog.community_evals
    placeholders = [e for elements in evals.results.values() for e in elements if "error" in e]
    assert placeholders and all(set(e) == {"filename", "error"} for e in placeholders)
    _, _, body = get(f"{replica.hub_url}/api/datasets/SWE-bench/SWE-bench_Verified/leaderboard")
    top = json.loads(body)[:3]
    assert [(r["modelId"], r["value"]) for r in top] == [
        ("deepseek-ai/DeepSeek-V4-Pro", 80.6), ("MiniMaxAI/MiniMax-M3", 80.5), ("deepseek-ai/DeepSeek-V4-Flash", 79)]
    rows = json.loads(get(f"{replica.hub_url}/api/datasets/SWE-bench/SWE-bench_Verified/leaderboard"
                          "?base_model=false")[2])
    step = next(r for r in rows if r["modelId"] == "stepfun-ai/Step-3.5-Flash")
    assert "source" not in step and step["value"] == 74.4


def test_base_model_default_hides_derivatives(replica, catalog):
    default = json.loads(get(f"{replica.hub_url}/api/datasets/Idavidrein/gpqa/leaderboard")[2])
    everyone = json.loads(get(f"{replica.hub_url}/api/datasets/Idavidrein/gpqa/leaderboard?base_model=false")[2])
    hidden = {r["modelId"] for r in everyone} - {r["modelId"] for r in default}
    assert hidden and hidden <= catalog.community_evals.derivative
    assert all(catalog.get(m).api.get("baseModels") for m in hidden)
    assert all(set(r) >= {"rank", "modelId", "value", "filename", "verified", "author"} for r in everyone)


def test_values_as_filed_percent_fraction_and_time(replica):
    rows = json.loads(get(f"{replica.hub_url}/api/datasets/Idavidrein/gpqa/leaderboard?base_model=false")[2])
    values = [r["value"] for r in rows]
    assert any(v > 1 for v in values) and any(v < 1 for v in values), "percentages and fractions both filed"
    wild = json.loads(get(f"{replica.hub_url}/api/datasets/internlm/WildClawBench/leaderboard?base_model=false")[2])
    times = [r["value"] for r in wild if r["filename"] == ".eval_results/wildclawbench.yaml" and r["value"] > 100]
    assert 516 in times  # Qwen/Qwen3.8-27B's avg_time, a lower-is-better metric kept raw


def test_eval_yaml_through_the_resolver_and_errors(replica):
    status, headers, text = get(f"{replica.hub_url}/datasets/Idavidrein/gpqa/resolve/main/eval.yaml")
    assert status == 200 and headers.get("X-Repo-Commit")
    document = yaml.safe_load(text)
    assert document["tasks"][0]["id"] == "diamond" and document["evaluation_framework"]
    assert get(f"{replica.hub_url}/datasets/Idavidrein/gpqa/resolve/main/nope.yaml")[0] == 404
    assert get(f"{replica.hub_url}/api/datasets/nobody/nothing")[0] == 401  # anonymous: not found, or not yours
    assert get(f"{replica.hub_url}/api/datasets/open-llm-leaderboard/contents/leaderboard")[0] == 404


def test_eval_results_only_when_expanded(replica):
    _, _, plain = get(f"{replica.hub_url}/api/models/Qwen/Qwen3.8-27B")
    assert "evalResults" not in json.loads(plain)
    status, _, listed = get(f"{replica.hub_url}/api/models?author=Qwen&search=Qwen3.8&expand=evalResults")
    assert status == 200 and json.loads(listed)[0]["evalResults"]
