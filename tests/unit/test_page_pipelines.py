"""The hub spider's page items (items.HubModelsPage) through each pipeline and the feed exporters, on a
real crawler object: a bad row costs that row alone (counted as Scrapy counts a dropped item), dedup
works within a page and across pages, and a feed gets one row per model."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime

import pyarrow as pa
import pyarrow.parquet as pq
from scrapy import Spider, signals
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from llmbench.exporters import JsonLinesRowsExporter, ParquetItemExporter
from llmbench.items import EvalResultItem, HubModelItem, HubModelsPage, schema_of
from llmbench.pipelines.dedup import DedupPipeline
from llmbench.pipelines.parquet_writer import ParquetWriterPipeline
from llmbench.pipelines.quality import QualityPipeline
from llmbench.pipelines.validate_name import ValidateNamePipeline
from llmbench.storage import read_snapshot

NOW = datetime(2026, 11, 25, tzinfo=UTC)
URL = "https://hub.test/api/models?cursor=1"


def crawler_with(settings=None):
    crawler = get_crawler(Spider, settings or {})
    crawler.spider = Spider.from_crawler(crawler, "t")
    return crawler


def model(model_id: str, **kw) -> HubModelItem:
    return HubModelItem(model_id=model_id, author=model_id.split("/")[0], crawled_at=NOW, endpoint="e", **kw)


def result(model_id: str, value: float = 1.0) -> EvalResultItem:
    return EvalResultItem(model_id=model_id, dataset_id="d/x", task_id="t", value=value, filename="f.yaml",
                          crawled_at=NOW)


def page(*ids: str, results: tuple[str, ...] = ()) -> HubModelsPage:
    return HubModelsPage(URL, [model(i) for i in ids], [result(i) for i in results])


def ids(p: HubModelsPage) -> list[str]:
    return [m.model_id for m in p.models]


def test_a_page_with_an_invalid_name_keeps_the_rest_and_counts_a_dropped_item():
    crawler = crawler_with()
    dropped = []  # what Scrapy's CoreStats counts as item_dropped_count

    def on_dropped(item, exception, **kw):
        dropped.append((type(item).__name__, type(exception)))

    crawler.signals.connect(on_dropped, signal=signals.item_dropped)
    pipe = ValidateNamePipeline.from_crawler(crawler)
    out = pipe.process_item(page("org/a", "a/b/c", "org/c", results=("a/b/c", "org/a")))
    assert ids(out) == ["org/a", "org/c"]
    assert [r.model_id for r in out.eval_results] == ["org/a"]
    assert dropped == [("HubModelItem", DropItem), ("EvalResultItem", DropItem)]
    stats = crawler.stats
    assert stats.get_value("validate/dropped/too_many_slashes") == 2 and stats.get_value("validate/dropped") == 2


def test_dedup_within_a_page_and_across_pages():
    crawler = crawler_with()
    seen_dropped = []

    def on_dropped(item, exception, **kw):
        seen_dropped.append(str(exception))

    crawler.signals.connect(on_dropped, signal=signals.item_dropped)
    pipe = DedupPipeline.from_crawler(crawler)
    first = pipe.process_item(page("org/a", "org/b", "org/a", results=("org/a", "org/a")))
    assert ids(first) == ["org/a", "org/b"] and len(first.eval_results) == 1
    second = pipe.process_item(page("org/b", "org/c"))
    assert ids(second) == ["org/c"]
    stats = crawler.stats
    assert stats.get_value("dedup/hub_models/duplicates") == 2
    assert stats.get_value("dedup/eval_results/duplicates") == 1
    assert len(seen_dropped) == 3 and all(reason.startswith("duplicate ") for reason in seen_dropped)


def test_quality_counts_a_pages_rows_and_nulls_what_no_column_holds():
    crawler = crawler_with()
    pipe = QualityPipeline.from_crawler(crawler)
    p = HubModelsPage(URL, [model("org/a", downloads=-3), model("org/b", params=2 ** 70)],
                      [result("org/a", float("nan"))])
    out = pipe.process_item(p)
    assert ids(out) == ["org/a", "org/b"] and out.models[1].params is None
    pipe.close_spider()
    stats = crawler.stats
    assert stats.get_value("quality/hub_models/invalid/downloads") == 1
    assert stats.get_value("quality/hub_models/out_of_range/params") == 1
    assert stats.get_value("quality/eval_results/invalid/value") == 1  # required: counted, never blanked
    assert stats.get_value("quality/hub_models/missing/likes") == 2


def test_the_writer_writes_a_pages_rows_into_each_dataset(tmp_path):
    crawler = crawler_with({"DATA_DIR": str(tmp_path), "PARQUET_BATCH_ITEMS": 3, "PARQUET_BATCH_SECONDS": 60})
    pipe = ParquetWriterPipeline.from_crawler(crawler)
    pipe.process_item(page("org/a", "org/b", results=("org/a",)))
    pipe.process_item(page("org/c", "org/d", results=("org/d",)))
    pipe.process_item(model("org/e"))  # a single item beside pages
    pipe.close_spider()
    assert sorted(read_snapshot(tmp_path, "hub_models").column("model_id").to_pylist()) == [
        "org/a", "org/b", "org/c", "org/d", "org/e"]
    assert sorted(read_snapshot(tmp_path, "eval_results").column("model_id").to_pylist()) == ["org/a", "org/d"]
    stats = crawler.stats
    assert stats.get_value("parquet/hub_models/items") == 5 and stats.get_value("parquet/eval_results/items") == 2


def test_the_parquet_feed_has_one_row_per_model():
    out = io.BytesIO()
    exporter = ParquetItemExporter(out)
    exporter.start_exporting()
    exporter.export_item(page("org/a", "org/b", results=("org/a",)))
    exporter.export_item(page("org/c"))
    exporter.finish_exporting()
    table = pq.read_table(io.BytesIO(out.getvalue()))
    assert table.column("model_id").to_pylist() == ["org/a", "org/b", "org/c"]


def test_the_jsonlines_feed_has_one_line_per_row():
    out = io.BytesIO()
    exporter = JsonLinesRowsExporter(out)
    exporter.start_exporting()
    exporter.export_item(page("org/a", "org/b", results=("org/a",)))
    exporter.export_item(model("org/c"))
    exporter.finish_exporting()
    rows = [json.loads(line) for line in out.getvalue().decode().splitlines()]
    assert [(r["model_id"], "downloads" in r) for r in rows] == [
        ("org/a", True), ("org/b", True), ("org/a", False), ("org/c", True)]


def test_rows_already_on_disk_are_dropped_quietly_on_a_resume_and_repeats_loudly(tmp_path, caplog):
    """A resumed crawl re-reads the page it was on: its rows on disk are expected (DEBUG, one INFO line
    counts them); a row repeated within the crawl is still a WARNING."""
    day = "2026-11-25"
    partition = tmp_path / "hub_models" / f"crawl_date={day}"
    partition.mkdir(parents=True)
    table = pa.Table.from_pylist([vars(model("org/a"))], schema=schema_of(HubModelItem))
    pq.write_table(table, partition / "part-000000-x-00001.parquet")
    crawler = crawler_with({"JOBDIR": str(tmp_path / "job"), "DATA_DIR": str(tmp_path), "CRAWL_DATE": day})
    pipe = DedupPipeline.from_crawler(crawler)
    with caplog.at_level("DEBUG"):
        out = pipe.process_item(page("org/a", "org/b", "org/b"))
    assert ids(out) == ["org/b"]
    drops = [(r.levelname, r.getMessage()) for r in caplog.records if r.getMessage().startswith("Dropped")]
    assert [level for level, _ in drops] == ["DEBUG", "WARNING"], drops
    assert "already on disk" in drops[0][1] and "duplicate hub_models row" in drops[1][1]
    assert crawler.stats.get_value("dedup/hub_models/duplicates") == 2
