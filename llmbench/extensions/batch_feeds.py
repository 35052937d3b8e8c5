"""Scrapy's FeedExporter, exporting an ItemBatch's members one by one (`-O models.parquet` gets models).

It takes FeedExporter's place in EXTENSIONS_BASE (settings.py); everything else about feeds (FEEDS,
formats, item filters, batches of files) is Scrapy's own.
"""

from __future__ import annotations

from typing import Any

from scrapy.extensions.feedexport import FeedExporter

from llmbench.batches import ItemBatch


class BatchFeedExporter(FeedExporter):
    def item_scraped(self, item: Any, spider: Any) -> None:
        if not isinstance(item, ItemBatch):
            super().item_scraped(item, spider)
            return
        for member in item.items:
            super().item_scraped(member, spider)
