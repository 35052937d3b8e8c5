"""#10.3 / #13.4 in process: one bad value in a parquet batch costs its row, not the batch, and fails the
crawl naming it (the crawls: tests/e2e/hostile/test_silent_success.py)."""

from __future__ import annotations

from datetime import UTC, datetime

import pyarrow.parquet as pq
from scrapy.utils.test import get_crawler

from llmbench.failures import FAILED_STAT
from llmbench.items import HubModelItem
from llmbench.pipelines.parquet_writer import ParquetWriterPipeline


def test_a_bad_value_costs_its_row_not_the_batch(tmp_path):
    crawler = get_crawler(settings_dict={"DATA_DIR": str(tmp_path), "PARQUET_BATCH_ITEMS": 1000})
    crawler.stats.open_spider()
    writer = ParquetWriterPipeline.from_crawler(crawler)
    for n in range(6):
        writer.process_item(HubModelItem(model_id=f"org/m{n}", author="org", crawled_at=datetime.now(UTC), endpoint="e",
                                         downloads="many" if n in (2, 4) else n))
    writer.close_spider()
    ids = pq.read_table(next(tmp_path.glob("hub_models/crawl_date=*/*.parquet"))).column("model_id").to_pylist()
    assert ids == ["org/m0", "org/m1", "org/m3", "org/m5"]
    assert crawler.stats.get_value("parquet/hub_models/bad_rows") == 2
    assert "org/m2" in crawler.stats.get_value(FAILED_STAT)  # logged once, with the first bad row's key
    assert not list(tmp_path.rglob("*.tmp"))
