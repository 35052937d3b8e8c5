"""Drop repeated items (same key fields); on a resumed crawl, rows already on disk count as seen."""

from __future__ import annotations

import logging
from typing import Any

from itemadapter import ItemAdapter
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from llmbench.storage import crawl_date, partition_keys

logger = logging.getLogger(__name__)


class DedupPipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.resuming = bool(crawler.settings.get("JOBDIR"))
        self.data_dir = crawler.settings.get("DATA_DIR")
        self.crawl_date = crawl_date(crawler.settings.get("CRAWL_DATE"))
        self.seen: dict[type, set[tuple]] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DedupPipeline:
        return cls(crawler)

    def _seen_for(self, item_class: type) -> set[tuple]:
        if item_class not in self.seen:
            self.seen[item_class] = self._on_disk(item_class) if self.resuming else set()
        return self.seen[item_class]

    def _on_disk(self, item_class: type) -> set[tuple]:
        keys = partition_keys(self.data_dir, item_class.dataset, self.crawl_date)
        if keys:
            logger.info("resuming: %d %s rows already on disk are skipped", len(keys), item_class.dataset)
        return keys

    def process_item(self, item: Any) -> Any:
        key_fields = getattr(type(item), "key_fields", None)
        if not key_fields:
            return item
        adapter = ItemAdapter(item)
        key = tuple(adapter.get(k) for k in key_fields)
        seen = self._seen_for(type(item))
        if key in seen:
            self.crawler.stats.inc_value(f"dedup/{type(item).dataset}/duplicates")
            raise DropItem(f"duplicate {type(item).dataset} row {key}")
        seen.add(key)
        return item
