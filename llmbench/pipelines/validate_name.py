"""Drop items (or a page's rows) whose model name is not a valid Hub repo id; the reason goes to stats and
one log line.

Whether an item class has a `model_id` field is worked out once per class; dataclass items are then
read as plain attributes, not through a per-item ItemAdapter (which rebuilds the field list each time).
"""

from __future__ import annotations

import logging
from dataclasses import fields, is_dataclass
from typing import Any

from itemadapter import ItemAdapter
from scrapy.crawler import Crawler

from llmbench.pipelines.rows import filter_rows
from llmbench.repo_ids import repo_id_problem

logger = logging.getLogger(__name__)

NAME_FIELD = "model_id"


def has_name_field(item_class: type) -> bool | None:
    """True/False for dataclass items (read directly); None for other kinds (read through ItemAdapter)."""
    if is_dataclass(item_class):
        return any(f.name == NAME_FIELD for f in fields(item_class))
    return None


class ValidateNamePipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.named: dict[type, bool | None] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ValidateNamePipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        return filter_rows(self.crawler, item, self.invalid)

    def invalid(self, rows: list[Any]) -> list[tuple[Any, str]]:
        """(row, reason) for each row of one class whose model name is not a valid repo id; counted, logged."""
        item_class = type(rows[0])
        named = self.named.get(item_class, ...)
        if named is ...:
            named = self.named[item_class] = has_name_field(item_class)
        if named is False:
            return []
        invalid = []
        for row in rows:
            if named is None:
                adapter = ItemAdapter(row)
                if NAME_FIELD not in adapter.field_names():
                    continue
                value = adapter.get(NAME_FIELD)
            else:
                value = getattr(row, NAME_FIELD)
            problem = repo_id_problem(value)
            if problem is None:
                continue
            self.crawler.stats.inc_value(f"validate/dropped/{problem}")
            self.crawler.stats.inc_value("validate/dropped")
            logger.warning("dropped %s: model name %r is not a valid repo id (%s)", type(row).__name__, value, problem)
            invalid.append((row, f"invalid model name {value!r}: {problem}"))
        return invalid
