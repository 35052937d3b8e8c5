"""Pipelines and middlewares on a real crawler object (scrapy.utils.test.get_crawler)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from scrapy import Request, Spider
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from llmbench.items import EvalResultItem, HubModelItem
from llmbench.middlewares.hub_auth import HubAuthMiddleware
from llmbench.pipelines.dedup import DedupPipeline
from llmbench.pipelines.parquet_writer import ParquetWriterPipeline
from llmbench.pipelines.quality import QualityPipeline
from llmbench.pipelines.validate_name import ValidateNamePipeline
from llmbench.storage import read_snapshot, snapshots

NOW = datetime(2026, 11, 25, tzinfo=UTC)


def crawler_with(settings=None):
    crawler = get_crawler(Spider, settings or {})
    crawler.spider = Spider.from_crawler(crawler, "t")
    return crawler


def item(model_id="org/model", **kw):
    return HubModelItem(model_id=model_id, author=model_id.split("/")[0], crawled_at=NOW, endpoint="e", **kw)


def test_invalid_name_dropped_with_reason_in_stats():
    crawler = crawler_with()
    pipe = ValidateNamePipeline.from_crawler(crawler)
    assert pipe.process_item(item()) is not None
    with pytest.raises(DropItem):
        pipe.process_item(item("a/b/c"))
    assert crawler.stats.get_value("validate/dropped/too_many_slashes") == 1


def test_dedup_counts_duplicates():
    crawler = crawler_with()
    pipe = DedupPipeline.from_crawler(crawler)
    pipe.process_item(item())
    with pytest.raises(DropItem):
        pipe.process_item(item())
    assert crawler.stats.get_value("dedup/hub_models/duplicates") == 1


def test_quality_counts_without_dropping():
    crawler = crawler_with()
    pipe = QualityPipeline.from_crawler(crawler)
    out = pipe.process_item(item(downloads=-3, languages=["en", 5]))
    assert out is not None
    assert crawler.stats.get_value("quality/hub_models/missing/params") is None  # counted, reported in batches
    pipe.close_spider()
    assert crawler.stats.get_value("quality/hub_models/invalid/downloads") == 1
    assert crawler.stats.get_value("quality/hub_models/invalid/languages") == 1
    assert crawler.stats.get_value("quality/hub_models/missing/params") == 1


def test_quality_counts_a_batch_as_it_counts_its_items_one_by_one():
    items = [item(downloads=-3, languages=["en", 5]), item("org/b", likes=7, params=10, tags=["x", None]),
             item("org/c", downloads=2, created_at="yesterday"),
             EvalResultItem(model_id="org/c", dataset_id="d", value=float("nan"), crawled_at=NOW)]
    counted = []
    for batched in (False, True):
        crawler = crawler_with()
        pipe = QualityPipeline.from_crawler(crawler)
        assert (pipe.process_batch(items) if batched else [pipe.process_item(i) for i in items]) == items
        pipe.close_spider()
        counted.append({k: v for k, v in crawler.stats.get_stats().items() if k.startswith("quality/")})
    assert counted[0] == counted[1]
    assert counted[1]["quality/hub_models/invalid/downloads"] == counted[1]["quality/hub_models/invalid/tags"] == 1
    assert counted[1]["quality/hub_models/invalid/created_at"] == counted[1]["quality/eval_results/invalid/value"] == 1
    assert counted[1]["quality/hub_models/missing/params"] == 2


def test_parquet_writer_batches_into_finished_files(tmp_path):
    crawler = crawler_with({"DATA_DIR": str(tmp_path), "PARQUET_BATCH_ITEMS": 2, "PARQUET_BATCH_SECONDS": 60})
    pipe = ParquetWriterPipeline.from_crawler(crawler)
    for n in range(5):
        pipe.process_item(item(f"org/m{n}", params=n))
    files = list(tmp_path.glob("hub_models/crawl_date=*/*.parquet"))
    assert len(files) == 2  # two full batches on disk, one item still buffered
    pipe.close_spider()
    assert len(snapshots(tmp_path, "hub_models")) == 1
    table = read_snapshot(tmp_path, "hub_models")
    assert sorted(table.column("model_id").to_pylist()) == [f"org/m{n}" for n in range(5)]
    assert not list(tmp_path.rglob("*.tmp"))


def test_token_only_for_the_hub_origin(monkeypatch):
    monkeypatch.setenv("HF_TOKEN", "hf_unit_test_token")
    crawler = crawler_with({"HUB_ENDPOINT": "http://127.0.0.1:9", "DOWNLOAD_VERIFY_CERTIFICATES": True})
    mw = HubAuthMiddleware.from_crawler(crawler)
    hub = Request("http://127.0.0.1:9/api/models")
    mw.process_request(hub)
    assert hub.headers[b"Authorization"] == b"Bearer hf_unit_test_token"
    for url in ("http://127.0.0.1:10/api/models", "http://localhost:9/api/models", "https://evil.example/x"):
        other = Request(url, headers={"Authorization": "Bearer hf_unit_test_token"})
        mw.process_request(other)
        assert b"Authorization" not in other.headers
