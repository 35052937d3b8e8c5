"""Count missing and invalid fields in stats without dropping anything (alltheplaces style).

Stats: `quality/<dataset>/missing/<field>` for nulls and `quality/<dataset>/invalid/<field>` for values
of the wrong kind (negative counts, non-string list entries, out-of-range scores). Compare them between
runs: a field that suddenly goes missing means the source changed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import is_dataclass
from datetime import datetime
from typing import Any

import pyarrow as pa
from scrapy.crawler import Crawler

from llmbench.items import field_types

logger = logging.getLogger(__name__)


def problem_check(type_: pa.DataType) -> Callable[[Any], bool]:
    """A function telling whether a non-null value does not fit the column type (chosen once per column)."""
    if pa.types.is_integer(type_):
        return lambda value: isinstance(value, bool) or not isinstance(value, int) or value < 0
    if pa.types.is_floating(type_):
        return lambda value: isinstance(value, bool) or not isinstance(value, (int, float)) or value != value
    if pa.types.is_boolean(type_):
        return lambda value: not isinstance(value, bool)
    if pa.types.is_string(type_):
        return lambda value: not isinstance(value, str)
    if pa.types.is_timestamp(type_):
        return lambda value: not isinstance(value, datetime)
    if pa.types.is_list(type_):
        return lambda value: not isinstance(value, list) or any(not isinstance(v, str) for v in value)
    return lambda value: False


def value_problem(type_: pa.DataType, value: Any) -> bool:
    """True when `value` does not fit the column type."""
    return problem_check(type_)(value)


class QualityPipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.logged: set[tuple[str, str]] = set()
        self.checks: dict[type, list[tuple[str, Callable[[Any], bool], str, str]]] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> QualityPipeline:
        return cls(crawler)

    def _checks_for(self, item_class: type) -> list[tuple[str, Callable[[Any], bool], str, str]]:
        """Per field: name, type check and stat names, worked out once per item class."""
        if item_class not in self.checks:
            dataset = item_class.dataset
            self.checks[item_class] = [(name, problem_check(type_), f"quality/{dataset}/missing/{name}",
                                        f"quality/{dataset}/invalid/{name}") for name, type_ in field_types(item_class)]
        return self.checks[item_class]

    def process_item(self, item: Any) -> Any:
        if not is_dataclass(item):
            return item
        stats = self.crawler.stats
        values = vars(item)
        for name, problem, missing, invalid in self._checks_for(type(item)):
            value = values[name]
            if value is None:
                stats.inc_value(missing)
            elif problem(value):
                stats.inc_value(invalid)
                dataset = type(item).dataset
                if (dataset, name) not in self.logged:
                    self.logged.add((dataset, name))
                    logger.warning("%s.%s has an invalid value %r (counted in stats; logged once)",
                                   dataset, name, value)
        return item
