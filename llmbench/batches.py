"""A page of items that travels through Scrapy as one item, and through the pipelines as its members.

Why: Scrapy's per-item machinery (the spider output generators, the pipeline chain's awaitables, the
`item_scraped` signal) costs about 120 µs per item on the 2-core machine, more than reading a Hub model
from its JSON. The hub spider yields one ItemBatch per API page of up to 500 models; the item processor
(pipelines/batch_processor.py) runs every pipeline over the members, and the feed exporter
(extensions/batch_feeds.py) exports the members: pipelines, stats, `item_dropped`/`item_error` signals
and feed exports still see one model per item. Only a receiver of `item_scraped` sees the batch.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True, repr=False)
class ItemBatch:
    items: list[Any] = field(default_factory=list)
    response: Any = None  # the response the items were read from, passed on with each member's signals

    def __len__(self) -> int:
        return len(self.items)

    def __repr__(self) -> str:
        return f"<ItemBatch of {len(self.items)} items from {getattr(self.response, 'url', None)}>"


def members(item: Any) -> list[Any]:
    """The items an item stands for: a batch's members, else the item itself."""
    return item.items if isinstance(item, ItemBatch) else [item]
