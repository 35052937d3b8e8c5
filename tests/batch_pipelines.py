"""A user's item pipeline for tests/e2e/test_hub_batches.py, loaded by `scrapy crawl` through ITEM_PIPELINES.

It is async (as a user's pipeline may be), drops the model named in LLMBENCH_TEST_DROP and raises on
the model named in LLMBENCH_TEST_FAIL. The hub spider's items are pages (llmbench.items.HubModelsPage):
it drops a page's row with llmbench's `drop_rows` (counted as Scrapy counts a dropped item), and an
error on a page loses that page."""

from __future__ import annotations

import os
from typing import Any

from scrapy.crawler import Crawler

from llmbench.pipelines.rows import drop_rows, row_lists


class PickyPipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.drop = os.environ["LLMBENCH_TEST_DROP"]
        self.fail = os.environ["LLMBENCH_TEST_FAIL"]

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PickyPipeline:
        return cls(crawler)

    async def process_item(self, item: Any) -> Any:
        for rows in row_lists(item):
            names = [getattr(row, "model_id", None) for row in rows]
            if self.fail in names:
                raise RuntimeError(f"a user's pipeline broke on {self.fail}")
            if rows and type(rows[0]).__name__ == "HubModelItem":
                drop_rows(self.crawler, item, rows,
                          [(row, f"a user does not want {self.drop}") for row in rows if row.model_id == self.drop])
        return item
