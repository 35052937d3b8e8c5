"""The hub spider yields one item per model (and per eval result), with Scrapy's own CoreStats, FeedExporter
and CloseSpider: a dropped or failing item costs that item alone, a feed export gets one row per model,
CLOSESPIDER_ITEMCOUNT counts models. End to end against the replica, with a user's pipeline and a feed
export as a user would add them."""

from __future__ import annotations

import json
import subprocess

from llmbench import settings as project_settings
from tests.conftest import ROOT, crawl_command, crawl_env
from tests.helpers import run_stats, text_generation


def test_each_model_is_an_item_to_pipelines_signals_and_feeds(replica, catalog, tmp_path):
    models = sorted(r.repo_id for r in text_generation(catalog))
    dropped, broken = models[10], models[20]
    pipelines = dict(project_settings.ITEM_PIPELINES) | {"tests.batch_pipelines.PickyPipeline": 150}
    feed = tmp_path / "models.jsonl"
    command = crawl_command("hub", {"limit": "all"}, {"ITEM_PIPELINES": json.dumps(pipelines)})
    env = crawl_env(replica, tmp_path / "data") | {"LLMBENCH_TEST_DROP": dropped, "LLMBENCH_TEST_FAIL": broken}
    proc = subprocess.run([*command, "-O", str(feed)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=240)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 1, output[-3000:]  # a pipeline error fails the crawl ...
    written = [json.loads(line) for line in feed.read_text().splitlines()]
    exported = sorted(row["model_id"] for row in written if "downloads" in row)
    assert exported == sorted(set(models) - {dropped, broken})  # ... and costs that model alone
    stats = run_stats(tmp_path / "data", "hub")
    assert stats["item_dropped_count"] == 1 and stats["item_dropped_reasons_count/DropItem"] == 1
    assert stats["item_scraped_count"] == len(written) == stats["parquet/hub_models/items"] + stats.get(
        "parquet/eval_results/items", 0)
    lost = [line for line in output.splitlines() if "lost in a pipeline" in line]
    assert lost and "/api/models?" in lost[0] and broken in lost[0], output[-3000:]  # one line: model and URL


def test_closespider_itemcount_counts_models_not_pages(replica, catalog, tmp_path):
    """`-s CLOSESPIDER_ITEMCOUNT=250` with pages of 100 models: the crawl stops within the third page
    (pages already in flight still finish, as Scrapy does)."""
    assert len(text_generation(catalog)) > 500
    command = crawl_command("hub", {"limit": "all", "page_size": "100"}, {"CLOSESPIDER_ITEMCOUNT": "250"})
    proc = subprocess.run(command, cwd=ROOT, env=crawl_env(replica, tmp_path / "data"), capture_output=True,
                          text=True, timeout=240)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output[-3000:]
    stats = run_stats(tmp_path / "data", "hub")
    assert stats["finish_reason"] == "closespider_itemcount"
    assert 250 <= stats["parquet/hub_models/items"] <= 400  # the third page, and at most one more in flight
