"""Drop repeated items or page rows (same key fields, within a page and across items); on a resumed
crawl, rows already on disk count as seen, and dropping them is expected: logged at DEBUG (one INFO
line says how many are on disk), where a repeat within the crawl is a WARNING.

Dataclass items are keyed by reading their attributes (an `operator.attrgetter` built once per class),
not through a per-item ItemAdapter; other kinds of item still go through ItemAdapter.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import is_dataclass
from operator import attrgetter
from typing import Any

from itemadapter import ItemAdapter
from scrapy.crawler import Crawler

from llmbench.pipelines.rows import drop_rows, row_lists
from llmbench.storage import crawl_date, partition_keys

logger = logging.getLogger(__name__)
ON_DISK = "already on disk (resumed crawl):"


class DedupPipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.resuming = bool(crawler.settings.get("JOBDIR"))
        self.data_dir = crawler.settings.get("DATA_DIR")
        self.crawl_date = crawl_date(crawler.settings.get("CRAWL_DATE"))
        self.seen: dict[type, set[tuple]] = {}
        self.on_disk: dict[type, set[tuple]] = {}  # keys written by the run this one resumes
        self.key_readers: dict[type, Callable[[Any], tuple] | None] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DedupPipeline:
        return cls(crawler)

    def _seen_for(self, item_class: type) -> set[tuple]:
        if item_class not in self.seen:
            self.on_disk[item_class] = self._on_disk(item_class) if self.resuming else set()
            self.seen[item_class] = set(self.on_disk[item_class])
        return self.seen[item_class]

    def _on_disk(self, item_class: type) -> set[tuple]:
        keys = partition_keys(self.data_dir, item_class.dataset, self.crawl_date)
        if keys:
            logger.info("resuming: %d %s rows already on disk are skipped", len(keys), item_class.dataset)
        return keys

    def _key_reader(self, item_class: type) -> Callable[[Any], tuple] | None:
        """How to read an item's key (a tuple of its key fields), worked out once per class; None: no key."""
        if item_class not in self.key_readers:
            key_fields = getattr(item_class, "key_fields", None)
            if not key_fields:
                reader = None
            elif is_dataclass(item_class):
                getter = attrgetter(*key_fields)
                reader = (lambda item: (getter(item),)) if len(key_fields) == 1 else getter
            else:
                reader = lambda item: tuple(ItemAdapter(item).get(k) for k in key_fields)  # noqa: E731
            self.key_readers[item_class] = reader
        return self.key_readers[item_class]

    def process_item(self, item: Any) -> Any:
        for rows in row_lists(item):
            repeated = self.repeated(rows)
            on_disk = self.on_disk.get(type(rows[0])) or set()
            if on_disk:
                written = [(row, reason) for row, reason in repeated if reason.startswith(ON_DISK)]
                drop_rows(self.crawler, item, rows, written, level=logging.DEBUG)
                repeated = [(row, reason) for row, reason in repeated if not reason.startswith(ON_DISK)]
            drop_rows(self.crawler, item, rows, repeated)
        return item

    def repeated(self, rows: list[Any]) -> list[tuple[Any, str]]:
        """(row, reason) for each row of one class whose key was seen before (in this list too); counted."""
        item_class = type(rows[0])
        read_key = self._key_reader(item_class)
        if read_key is None:
            return []
        seen = self.seen.get(item_class) or self._seen_for(item_class)
        keys = list(map(read_key, rows))
        fresh = set(keys)
        if len(fresh) == len(keys) and seen.isdisjoint(fresh):  # the common case: every key new, C loops only
            seen.update(fresh)
            return []
        repeated = []
        for row, key in zip(rows, keys, strict=True):
            if key in seen:
                on_disk = key in (self.on_disk.get(item_class) or ())
                repeated.append((row, f"{ON_DISK} {item_class.dataset} row {key}" if on_disk
                                 else f"duplicate {item_class.dataset} row {key}"))
            else:
                seen.add(key)
        if repeated:
            self.crawler.stats.inc_value(f"dedup/{item_class.dataset}/duplicates", len(repeated))
        return repeated
