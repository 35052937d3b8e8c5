"""`scrapy crawl hub` writes `eval_results` from `expand=evalResults`, with no request beyond the listing."""

from __future__ import annotations

import re

from tests.helpers import expected_results, list_requests, stat


def test_hub_crawl_writes_every_result_as_filed(replica, catalog, run_crawl):
    replica.log.clear()
    result = run_crawl(replica, "hub", {"limit": "all"})
    assert result.returncode == 0, result.output[-3000:]
    hub_requests = [r for r in replica.log.records if r.origin == "hub"]
    assert all(r.path_qs.startswith("/api/models?") for r in hub_requests), "no request per model"
    assert all("expand=evalResults" in path for path in list_requests(replica))
    rows = result.table("eval_results").to_pylist()
    expected = expected_results(catalog)
    got = {(r["model_id"], r["dataset_id"], r["task_id"], r["filename"], r["pull_request"], r["notes"]): r
           for r in rows}
    assert len(rows) == len(got) == len(expected) and set(got) == set(expected)
    for key, element in expected.items():
        row, data = got[key], element["data"]
        assert row["value"] == float(data["value"]) and row["verified"] == element["verified"]
        assert row["source_url"] == data.get("source", {}).get("url")
        assert row["date"] == data.get("date")
    values = {(r["model_id"], r["task_id"]): r["value"] for r in rows}
    assert values[("Qwen/Qwen3.8-27B", "avg_time")] == 516.0  # seconds, lower is better: kept raw
    gpqa = [r["value"] for r in rows if r["dataset_id"] == "Idavidrein/gpqa"]
    assert any(v < 1 for v in gpqa) and any(v > 1 for v in gpqa), "fractions and percentages kept as filed"
    assert any(r["source_url"] is None for r in rows), "rows without source are kept"


def test_error_placeholder_is_counted_logged_once_and_harmless(replica, catalog, run_crawl):
    result = run_crawl(replica, "hub", {"limit": "all", "search": "DeepSeek-V4"})
    assert result.returncode == 0, result.output[-3000:]
    assert stat(result.output, "hub/eval_results/invalid") == 1
    warnings = re.findall(r"unusable eval result in (\S+) (\S+):", result.output)
    assert warnings == [("deepseek-ai/DeepSeek-V4-Flash", ".eval_results/mdpbench.yaml")]
    models = set(result.table("hub_models").column("model_id").to_pylist())
    assert models == {"deepseek-ai/DeepSeek-V4-Flash", "deepseek-ai/DeepSeek-V4-Pro"}
    flash = [r for r in result.table("eval_results").to_pylist() if r["model_id"] == "deepseek-ai/DeepSeek-V4-Flash"]
    assert len(flash) == 6 and {r["pull_request"] is not None for r in flash} == {True, False}
