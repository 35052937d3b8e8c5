"""ITEM_PROCESSOR: Scrapy's pipeline manager, which also takes an ItemBatch and runs each stage over its members.

A member is handled as Scrapy handles an item: DropItem drops that member alone (logged through the log
formatter, `item_dropped` sent with the member, so CoreStats and the spiders' receivers count it); any
other exception costs that member alone and is reported as Scrapy reports it (`item_error`, which makes
the crawl fail). Stages run in ITEM_PIPELINES order, each over the whole page before the next, and a
stage may return an awaitable as in Scrapy. `item_scraped_count` counts the members that came through.

A pipeline that neither drops nor fails single items may also define `process_batch(items) -> items`,
given a batch's members at once (QualityPipeline counts a column at a time); it is used for batches
instead of calling `process_item` per member. An exception there loses the batch, loudly.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy import signals
from scrapy.exceptions import DropItem
from scrapy.utils.defer import ensure_awaitable
from scrapy.utils.log import logformatter_adapter
from twisted.python.failure import Failure

from llmbench.batches import ItemBatch
from llmbench.pipelines.item_count import CountingItemPipelineManager

logger = logging.getLogger(__name__)


class BatchItemPipelineManager(CountingItemPipelineManager):
    async def process_item_async(self, item: Any) -> Any:
        if not isinstance(item, ItemBatch):
            return await super().process_item_async(item)
        kept = item.items
        for method in self.methods["process_item"]:
            kept = await self._stage(method, kept, item.response)
        assert self.crawler is not None  # built by from_crawler
        self.crawler.stats.inc_value("item_scraped_count", len(kept))
        item.items = kept
        return item

    async def _stage(self, method: Any, batch: list[Any], response: Any) -> list[Any]:
        """One pipeline over every member; what it returns goes on, what it drops or fails on does not."""
        process_batch = getattr(getattr(method, "__self__", None), "process_batch", None)
        if process_batch is not None:
            return process_batch(batch)
        with_spider = method in self._mw_methods_requiring_spider
        kept = []
        for member in batch:
            try:
                output = method(member, self._spider) if with_spider else method(member)
                if output is not member:  # the usual answer is the member itself; else maybe an awaitable
                    output = await ensure_awaitable(output)
            except DropItem as exc:
                await self._report(member, exc, signals.item_dropped, response)
                continue
            except Exception as exc:
                await self._report(member, exc, signals.item_error, response, Failure())
                continue
            kept.append(output)
        return kept

    async def _report(self, member: Any, exc: Exception, signal: Any, response: Any,
                      failure: Failure | None = None) -> None:
        """What Scrapy's scraper does for an item dropped or failed in the pipelines, for one member."""
        assert self.crawler is not None
        spider, formatter = self.crawler.spider, self.crawler.logformatter
        if signal is signals.item_dropped:
            logkws = formatter.dropped(member, exc, response, spider)
            extra: dict[str, Any] = {"exception": exc}
        else:
            logkws = formatter.item_error(member, exc, response, spider)
            extra = {"failure": failure}
        if logkws is not None:
            logger.log(*logformatter_adapter(logkws), extra={"spider": spider, "item": member},
                       exc_info=failure is not None)
        await self.crawler.signals.send_catch_log_async(signal=signal, item=member, response=response, spider=spider,
                                                        **extra)
