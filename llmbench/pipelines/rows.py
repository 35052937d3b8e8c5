"""The rows an item carries, so each pipeline has one path for single items and pages.

A single item (leaderboard, model_pages, benchmarks spiders) is a list of one row; a page item
(items.HubModelsPage, hub spider) is its lists of rows, one per item class. A pipeline filters a list in
place; a row it rejects costs that row alone and is counted as Scrapy counts a dropped item: a single
item raises DropItem, as before; a page's row is removed from the page and announced with Scrapy's
documented `item_dropped` signal (so CoreStats' `item_dropped_count` and
`item_dropped_reasons_count/DropItem` and any user handler see it) and logged the way Scrapy logs a drop.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from llmbench.items import PAGE_CLASSES

logger = logging.getLogger(__name__)


def is_page(item: Any) -> bool:
    return isinstance(item, PAGE_CLASSES)


def row_lists(item: Any) -> list[list[Any]]:
    """The item's non-empty lists of rows, one per item class: a page's own lists (to filter in place), or
    [[item]]."""
    return [rows for rows in item.row_lists() if rows] if is_page(item) else [[item]]


def rows_of(item: Any) -> list[Any]:
    """Every row an item carries, in order (a page's models, then their eval results)."""
    return [row for rows in row_lists(item) for row in rows]


def drop_rows(crawler: Crawler, item: Any, rows: list[Any], dropped: list[tuple[Any, str]],
              level: int | str | None = None) -> None:
    """Remove `dropped` (row, reason) from `rows`, one of `item`'s lists. A single item raises DropItem.
    Each row is logged at `level` (default DEFAULT_DROPITEM_LOG_LEVEL, as Scrapy logs a dropped item)."""
    if not dropped:
        return
    if not is_page(item):
        raise DropItem(dropped[0][1], log_level=logging.getLevelName(level) if isinstance(level, int) else level)
    gone = {id(row) for row, _ in dropped}
    rows[:] = [row for row in rows if id(row) not in gone]
    spider = crawler.spider
    if level is None:
        level = crawler.settings.get("DEFAULT_DROPITEM_LOG_LEVEL", "WARNING")
    level = getattr(logging, level) if isinstance(level, str) else level
    for row, reason in dropped:
        exception = DropItem(reason)
        logger.log(level, "Dropped: %s (a row of %s)", reason, getattr(item, "url", type(item).__name__))
        crawler.signals.send_catch_log(signals.item_dropped, item=row, response=None, exception=exception,
                                       spider=spider)


def filter_rows(crawler: Crawler, item: Any, check: Callable[[list[Any]], list[tuple[Any, str]]]) -> Any:
    """Run `check` over each of the item's lists of rows (one class each) and drop the (row, reason) it
    returns: the whole of a pipeline's process_item when it only drops rows."""
    for rows in row_lists(item):
        drop_rows(crawler, item, rows, check(rows))
    return item
