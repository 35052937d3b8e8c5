"""The hub spider yields one item per list page (a HubModelsPage of its models and eval results), with
Scrapy's own CoreStats, FeedExporter and CloseSpider: a dropped row costs that row alone (counted as a
dropped item), an error in a pipeline costs that page, a feed export gets one row per model,
CLOSESPIDER_ITEMCOUNT counts items, i.e. pages. End to end against the replica, with a user's pipeline and a
feed export as a user would add them."""

from __future__ import annotations

import json
import subprocess

from llmbench import settings as project_settings
from tests.conftest import ROOT, crawl_command, crawl_env
from tests.helpers import run_stats, text_generation


def test_each_page_is_an_item_to_pipelines_signals_and_feeds(replica, catalog, tmp_path):
    models = sorted(r.repo_id for r in text_generation(catalog))
    dropped, broken = models[10], models[20]
    pipelines = dict(project_settings.ITEM_PIPELINES) | {"tests.batch_pipelines.PickyPipeline": 150}
    feed = tmp_path / "models.jsonl"
    command = crawl_command("hub", {"limit": "all"}, {"ITEM_PIPELINES": json.dumps(pipelines)})
    env = crawl_env(replica, tmp_path / "data") | {"LLMBENCH_TEST_DROP": dropped, "LLMBENCH_TEST_FAIL": broken}
    proc = subprocess.run([*command, "-O", str(feed)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=240)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 1, output[-3000:]  # a pipeline error fails the crawl ...
    written = [json.loads(line) for line in feed.read_text().splitlines()]  # one line per row, not per page
    exported = [row["model_id"] for row in written if "downloads" in row]
    lost_page = set(models) - set(exported) - {dropped}
    assert len(exported) == len(set(exported)) and set(exported) <= set(models) - {dropped, broken}
    assert broken in lost_page and len(lost_page) <= 500  # ... and costs that page alone
    stats = run_stats(tmp_path / "data", "hub")
    assert stats["item_dropped_count"] == 1 and stats["item_dropped_reasons_count/DropItem"] == 1
    assert stats["item_scraped_count"] == stats["hub/pages"] - 1  # every page but the lost one
    assert len(written) == sum(stats.get(f"parquet/{dataset}/items", 0)
                               for dataset in ("hub_models", "eval_results", "card_results"))
    assert stats["parquet/hub_models/items"] == len(exported)
    lost = [line for line in output.splitlines() if "lost in a pipeline" in line]
    assert lost and "/api/models?" in lost[0] and broken in lost[0], output[-3000:]  # one line: model and URL


def test_closespider_itemcount_counts_pages(replica, catalog, tmp_path):
    """`-s CLOSESPIDER_ITEMCOUNT=2` with pages of 100 models: the crawl stops after the second page
    (a page already in flight still finishes, as Scrapy does); `-a limit` is the exact count of models."""
    assert len(text_generation(catalog)) > 500
    command = crawl_command("hub", {"limit": "all", "page_size": "100"}, {"CLOSESPIDER_ITEMCOUNT": "2"})
    proc = subprocess.run(command, cwd=ROOT, env=crawl_env(replica, tmp_path / "data"), capture_output=True,
                          text=True, timeout=240)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output[-3000:]
    stats = run_stats(tmp_path / "data", "hub")
    assert stats["finish_reason"] == "closespider_itemcount"
    assert stats["item_scraped_count"] >= 2
    assert 200 <= stats["parquet/hub_models/items"] <= 400  # two pages, and at most two more in flight
