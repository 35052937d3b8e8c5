"""Count missing and invalid fields in stats without dropping anything (alltheplaces style).

Stats: `quality/<dataset>/missing/<field>` for nulls and `quality/<dataset>/invalid/<field>` for values
of the wrong kind (negative counts, non-string list entries, out-of-range scores). Compare them between
runs: a field that suddenly goes missing means the source changed.

The counts are kept in a plain dict and added to the stats every STATS_EVERY items and when the spider
closes (before the summary and run record read them): a stats call per field per item cost more than
the checks themselves.
"""

from __future__ import annotations

import logging
import math
from collections import Counter
from collections.abc import Callable
from dataclasses import is_dataclass
from datetime import datetime
from itertools import chain
from typing import Any

import pyarrow as pa
from scrapy.crawler import Crawler

from llmbench.items import field_reader, field_types

logger = logging.getLogger(__name__)

STATS_EVERY = 1000  # items between two updates of the crawler stats


def problem_check(type_: pa.DataType) -> Callable[[Any], bool]:
    """A function telling whether a non-null value does not fit the column type (chosen once per column).

    Each check tries the exact type first (what JSON and the parsers produce), then the general rule."""
    if pa.types.is_integer(type_):
        return lambda value: (value < 0 if type(value) is int
                              else isinstance(value, bool) or not isinstance(value, int) or value < 0)
    if pa.types.is_floating(type_):
        return lambda value: (value != value if type(value) is float
                              else isinstance(value, bool) or not isinstance(value, (int, float)) or value != value)
    if pa.types.is_boolean(type_):
        return lambda value: not isinstance(value, bool)
    if pa.types.is_string(type_):
        return lambda value: type(value) is not str and not isinstance(value, str)
    if pa.types.is_timestamp(type_):
        return lambda value: not isinstance(value, datetime)
    if pa.types.is_list(type_):
        return lambda value: not isinstance(value, list) or not (
            not value or set(map(type, value)) == {str} or all(isinstance(v, str) for v in value))
    return lambda value: False


def fast_fit_check(type_: pa.DataType) -> Callable[[list[Any]], bool]:
    """A check that non-null values all fit, made of C-level calls (True: none to look at one by one).

    False only means "look closer": the values then go through `problem_check` one by one."""
    exact = {pa.types.is_integer: int, pa.types.is_floating: float, pa.types.is_boolean: bool,
             pa.types.is_string: str, pa.types.is_timestamp: datetime, pa.types.is_list: list}
    kind = next((k for test, k in exact.items() if test(type_)), None)
    if kind is int:
        return lambda values: set(map(type, values)) == {int} and min(values) >= 0
    if kind is float:
        return lambda values: set(map(type, values)) == {float} and not any(map(math.isnan, values))
    if kind is list:
        return lambda values: (set(map(type, values)) == {list}
                               and set(map(type, chain.from_iterable(values))) <= {str})
    if kind is not None:
        return lambda values: set(map(type, values)) == {kind}
    return lambda values: True


def value_problem(type_: pa.DataType, value: Any) -> bool:
    """True when `value` does not fit the column type."""
    return problem_check(type_)(value)


class QualityPipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.logged: set[tuple[str, str]] = set()
        self.checks: dict[type, list[tuple[str, Callable[[Any], bool], str, str]]] = {}
        self.counts: Counter[str] = Counter()
        self.fits: dict[type, list[Callable[[list[Any]], bool]]] = {}
        self.unreported = 0

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
        counts = self.counts
        values = vars(item)
        for name, problem, missing, invalid in self.checks.get(type(item)) or self._checks_for(type(item)):
            value = values[name]
            if value is None:
                counts[missing] += 1
            elif problem(value):
                counts[invalid] += 1
                self._log_once(type(item).dataset, name, value)
        self.unreported += 1
        if self.unreported >= STATS_EVERY:
            self.report()
        return item

    def process_batch(self, items: list[Any]) -> list[Any]:
        """The same counts for a batch's members, a column at a time (pipelines/batch_processor.py)."""
        groups: dict[type, list[Any]] = {}
        for item in items:
            groups.setdefault(type(item), []).append(item)
        for item_class, group in groups.items():
            if not is_dataclass(item_class):
                continue
            columns = zip(*map(field_reader(item_class), group), strict=True)
            fits = self._fits_for(item_class)
            for (name, problem, missing, invalid), fit, column in zip(self._checks_for(item_class), fits, columns,
                                                                      strict=True):
                nulls = column.count(None)
                if nulls:
                    self.counts[missing] += nulls
                    column = [v for v in column if v is not None]
                if column and not fit(column):
                    for value in filter(problem, column):
                        self.counts[invalid] += 1
                        self._log_once(item_class.dataset, name, value)
        self.unreported += len(items)
        if self.unreported >= STATS_EVERY:
            self.report()
        return items

    def _fits_for(self, item_class: type) -> list[Callable[[list[Any]], bool]]:
        if item_class not in self.fits:
            self.fits[item_class] = [fast_fit_check(type_) for _, type_ in field_types(item_class)]
        return self.fits[item_class]

    def _log_once(self, dataset: str, name: str, value: Any) -> None:
        if (dataset, name) not in self.logged:
            self.logged.add((dataset, name))
            logger.warning("%s.%s has an invalid value %r (counted in stats; logged once)", dataset, name, value)

    def report(self) -> None:
        """Add the counts gathered since the last report to the crawler stats."""
        stats = self.crawler.stats
        for key, count in self.counts.items():
            stats.inc_value(key, count)
        self.counts.clear()
        self.unreported = 0

    def close_spider(self) -> None:
        self.report()
