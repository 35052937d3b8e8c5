"""Count missing and invalid fields in stats without dropping anything (alltheplaces style).

Stats: `quality/<dataset>/missing/<field>` for nulls and `quality/<dataset>/invalid/<field>` for values
of the wrong kind (negative counts, non-string list entries, out-of-range scores). Compare them between
runs: a field that suddenly goes missing means the source changed.
"""

from __future__ import annotations

import logging
from dataclasses import fields, is_dataclass
from datetime import datetime
from typing import Any

import pyarrow as pa
from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


def value_problem(type_: pa.DataType, value: Any) -> bool:
    """True when `value` does not fit the column type."""
    if pa.types.is_integer(type_):
        return isinstance(value, bool) or not isinstance(value, int) or value < 0
    if pa.types.is_floating(type_):
        return isinstance(value, bool) or not isinstance(value, (int, float)) or value != value
    if pa.types.is_boolean(type_):
        return not isinstance(value, bool)
    if pa.types.is_string(type_):
        return not isinstance(value, str)
    if pa.types.is_timestamp(type_):
        return not isinstance(value, datetime)
    if pa.types.is_list(type_):
        return not isinstance(value, list) or any(not isinstance(v, str) for v in value)
    return False


class QualityPipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.logged: set[tuple[str, str]] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> QualityPipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        if not is_dataclass(item):
            return item
        dataset = type(item).dataset
        stats = self.crawler.stats
        for f in fields(item):
            value = getattr(item, f.name)
            if value is None:
                stats.inc_value(f"quality/{dataset}/missing/{f.name}")
            elif value_problem(f.metadata["type"], value):
                stats.inc_value(f"quality/{dataset}/invalid/{f.name}")
                if (dataset, f.name) not in self.logged:
                    self.logged.add((dataset, f.name))
                    logger.warning("%s.%s has an invalid value %r (counted in stats; logged once)",
                                   dataset, f.name, value)
        return item
