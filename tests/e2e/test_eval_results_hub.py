"""`scrapy crawl hub` writes `eval_results` from `expand=evalResults`, with no request beyond the listing."""

from __future__ import annotations

import re
import subprocess

import pyarrow.parquet as pq

from llmbench.replica.faults import FaultConfig
from tests.conftest import ROOT, crawl_command, crawl_env
from tests.helpers import kill_9_after_parts, list_requests, stat, text_generation


def expected_results(catalog) -> dict[tuple, dict]:
    """(model, dataset, task, file, PR, notes) → data, for every usable result of text-generation models."""
    out = {}
    for record in text_generation(catalog):
        for element in record.api.get("evalResults", []):
            if "data" in element:
                data = element["data"]
                key = (record.repo_id, data["dataset"]["id"], data["dataset"]["task_id"], element["filename"],
                       element.get("pullRequest"), data.get("notes"))
                out[key] = element
    return out


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


def test_kill_9_then_resume_leaves_no_gap_in_eval_results(make_replica, catalog, tmp_path):
    replica = make_replica(faults=FaultConfig(latency=0.15))
    data = tmp_path / "data"
    # A page's 100 model rows fill one batch at once; its few eval results wait in the next batch: the
    # checkpoint must not pass a page before those are on disk too.
    settings = {"JOBDIR": str(tmp_path / "job"), "PARQUET_BATCH_ITEMS": "100", "PARQUET_BATCH_SECONDS": "60"}
    command, env = crawl_command("hub", {"limit": "all", "page_size": "100"}, settings), crawl_env(replica, data)
    kill_9_after_parts(command, env, ROOT, data / "hub_models", parts=3)
    resumed = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=240)
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    keys = [(r["model_id"], r["dataset_id"], r["task_id"], r["filename"], r["pull_request"], r["notes"])
            for f in sorted((data / "eval_results").rglob("part-*.parquet")) for r in pq.read_table(f).to_pylist()]
    assert len(keys) == len(set(keys)), "no duplicates"
    assert set(keys) == set(expected_results(catalog)), "no gaps"
