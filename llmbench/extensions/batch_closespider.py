"""Scrapy's CloseSpider, counting an ItemBatch's members for CLOSESPIDER_ITEMCOUNT.

Scrapy counts `item_scraped` signals; the hub and leaderboard spiders send one per page (an ItemBatch
of up to 500 models), so `-s CLOSESPIDER_ITEMCOUNT=100` would have stopped after 100 pages. Here it
stops once 100 items came through the pipelines, as it does for a spider that yields items one by one
(pages already in flight still finish, as in Scrapy). It takes CloseSpider's place in
EXTENSIONS_BASE (settings.py); every other CLOSESPIDER_* setting is Scrapy's own.
"""

from __future__ import annotations

from typing import Any

from scrapy.extensions.closespider import CloseSpider

from llmbench.batches import ItemBatch


class BatchCloseSpider(CloseSpider):
    def item_scraped(self, item: Any, spider: Any) -> None:
        before = self.counter["itemcount"]
        self.counter["itemcount"] += len(item) if isinstance(item, ItemBatch) else 1
        self.counter["pagecount_since_last_item"] = 0
        if before < self.close_on["itemcount"] <= self.counter["itemcount"]:
            self._close_spider("closespider_itemcount")
