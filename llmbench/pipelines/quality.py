"""Count missing and invalid fields in stats without dropping anything (alltheplaces style).

Stats: `quality/<dataset>/missing/<field>` for nulls and `quality/<dataset>/invalid/<field>` for values
of the wrong kind (negative counts, non-string list entries, out-of-range scores). Compare them between
runs: a field that suddenly goes missing means the source changed.

Numbers that are not numbers are rejected field by field, the row kept: a NaN or ±Infinity in a float
field (JSON's `NaN`/`Infinity`, a parquet NaN) and an integer outside int64 (which no parquet file can
hold) are stored as null and counted in `quality/<dataset>/non_finite/<field>` and
`quality/<dataset>/out_of_range/<field>`, with one warning per crawl giving the counts. So no such value
reaches a statistic. A required field is never blanked (its parser rejects the entry; here it is counted
as invalid).

The counts are kept in a plain dict and added to the stats every STATS_EVERY rows (checked per item) and when the spider
closes (before the summary and run record read them): a stats call per field per item cost more than
the checks themselves.
"""

from __future__ import annotations

import logging
import math
from collections import Counter
from collections.abc import Callable
from dataclasses import fields, is_dataclass
from datetime import datetime
from functools import partial
from itertools import chain
from operator import is_not
from types import NoneType
from typing import Any

import pyarrow as pa
from scrapy.crawler import Crawler

from llmbench.items import columns_of, field_types
from llmbench.pipelines.rows import row_lists

logger = logging.getLogger(__name__)

STATS_EVERY = 1000  # items between two updates of the crawler stats
INT64 = (-(2 ** 63), 2 ** 63 - 1)


def rejection(type_: pa.DataType) -> Callable[[Any], str | None]:
    """For a value that does not fit (`problem_check` said so): `non_finite` or `out_of_range` when it is
    a number the column cannot hold (stored as null instead), else None (kept, counted as invalid)."""
    if pa.types.is_floating(type_):
        return lambda value: ("non_finite" if isinstance(value, float) and not math.isfinite(value) else None)
    if pa.types.is_integer(type_):
        return lambda value: ("out_of_range" if type(value) is int and not INT64[0] <= value <= INT64[1]
                              else "non_finite" if isinstance(value, float) and not math.isfinite(value) else None)
    return lambda value: None


def problem_check(type_: pa.DataType) -> Callable[[Any], bool]:
    """A function telling whether a non-null value does not fit the column type (chosen once per column).

    Each check tries the exact type first (what JSON and the parsers produce), then the general rule."""
    if pa.types.is_integer(type_):
        return lambda value: (not 0 <= value <= INT64[1] if type(value) is int
                              else isinstance(value, bool) or not isinstance(value, int) or value < 0)
    if pa.types.is_floating(type_):
        return lambda value: (not math.isfinite(value) if type(value) is float
                              else isinstance(value, bool) or not isinstance(value, (int, float))
                              or (isinstance(value, float) and not math.isfinite(value)))
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


def column_fits(type_: pa.DataType, values: list[Any]) -> bool:
    """True when every non-null value surely fits the column type (`problem_check` would find nothing), read
    with C-level passes; False means "look value by value", not that a value is wrong."""
    types = set(map(type, values))
    types.discard(NoneType)
    if pa.types.is_string(type_):
        return types <= {str}
    if pa.types.is_timestamp(type_):
        return types <= {datetime}
    if pa.types.is_boolean(type_):
        return types <= {bool}
    present = list(filter(partial(is_not, None), values))
    if pa.types.is_integer(type_):
        return types <= {int} and (not present or (min(present) >= 0 and max(present) <= INT64[1]))
    if pa.types.is_floating(type_):
        return types <= {float} and all(map(math.isfinite, present))
    if pa.types.is_list(type_):
        return types <= {list} and set(map(type, chain.from_iterable(present))) <= {str}
    return True


def value_problem(type_: pa.DataType, value: Any) -> bool:
    """True when `value` does not fit the column type."""
    return problem_check(type_)(value)


class QualityPipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.logged: set[tuple[str, str]] = set()
        self.checks: dict[type, list[tuple[str, Callable[[Any], bool], str, str]]] = {}
        self.rejections: dict[type, list[Callable[[Any], str | None] | None]] = {}
        self.counts: Counter[str] = Counter()
        self.rejected: Counter[str] = Counter()  # `<dataset>.<field> <kind>` over the whole crawl, for the log
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
            required = {f.name for f in fields(item_class) if f.metadata.get("required")}
            self.rejections[item_class] = [None if name in required else rejection(type_)
                                           for name, type_ in field_types(item_class)]
        return self.checks[item_class]

    def process_item(self, item: Any) -> Any:
        for rows in row_lists(item):
            if is_dataclass(rows[0]):
                self.check(rows)
        if self.unreported >= STATS_EVERY:
            self.report()
        return item

    def check(self, rows: list[Any]) -> None:
        """Count the missing and invalid fields of rows of one class (numbers no column can hold: nulled).

        Column by column: a column whose values all fit (`column_fits`, C-level passes over the column) is
        done; only a column with a misfit is checked value by value."""
        counts = self.counts
        item_class = type(rows[0])
        checks = self.checks.get(item_class) or self._checks_for(item_class)
        columns = columns_of(item_class, rows)
        for position, ((name, problem, missing, invalid), (_, type_)) in enumerate(
                zip(checks, field_types(item_class), strict=True)):
            values = columns[name]
            nulls = values.count(None)
            if nulls:
                counts[missing] += nulls
            if nulls == len(values) or column_fits(type_, values):
                continue
            for row, value in zip(rows, values, strict=True):
                if value is not None and problem(value):
                    self._problem(row, position, name, value, invalid)
        self.unreported += len(rows)

    def _problem(self, item: Any, position: int, name: str, value: Any, invalid: str) -> None:
        """A value that does not fit: a number the column cannot hold is stored as null and counted under its
        kind; anything else is kept and counted as invalid."""
        dataset = type(item).dataset
        check = self.rejections[type(item)][position]
        kind = check(value) if check is not None else None
        if kind is None:
            self.counts[invalid] += 1
            self._log_once(dataset, name, value)
            return
        setattr(item, name, None)
        self.counts[f"quality/{dataset}/{kind}/{name}"] += 1
        self.rejected[f"{dataset}.{name} {kind.replace('_', '-')}"] += 1

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
        if self.rejected:  # one line per crawl, whatever the number of values
            logger.warning("%d values that are not numbers (NaN, ±Infinity) or beyond int64 stored as null: %s "
                           "(stats quality/<dataset>/non_finite|out_of_range/<field>)", sum(self.rejected.values()),
                           ", ".join(f"{key} ×{count}" for key, count in sorted(self.rejected.items())))
