"""Cursor pagination over the catalog as the Hub does it: a sort key, `_id` as tie-breaker, and an
opaque base64 cursor holding the Mongo-style continuation query (docs/hub-api.md §3)."""

from __future__ import annotations

import base64
import json
from bisect import bisect_right
from collections.abc import Callable, Sequence
from typing import Any, Protocol


class Records(Protocol):
    def __len__(self) -> int: ...
    def record(self, index: int) -> Any: ...


def _negate(value: Any) -> Any:
    if isinstance(value, (int, float)):
        return -value
    if isinstance(value, str):  # ISO timestamps: invert characters so ascending sort is newest first
        return "".join(chr(0x10FFFF - ord(c)) for c in value)
    return 0


def encode_cursor(key: tuple[Any, str], sort: str | None) -> str:
    """Base64 of a Mongo-style continuation query, as the real Hub's cursors are."""
    neg, oid = key
    if sort:
        value = -neg if isinstance(neg, (int, float)) else "".join(chr(0x10FFFF - ord(c)) for c in neg)
        query = {"$or": [{sort: {"$lt": value}}, {sort: value, "_id": {"$gt": oid}}]}
    else:
        query = {"_id": {"$gt": oid}}
    return base64.b64encode(json.dumps(query, separators=(",", ":")).encode()).decode()


def decode_cursor(cursor: str, sort: str | None) -> tuple[Any, str]:
    """Inverse of `encode_cursor`; raises ValueError on a cursor that is not ours."""
    try:
        query = json.loads(base64.b64decode(cursor.encode(), validate=False))
        if sort:
            second = query["$or"][1]
            value, oid = second[sort], second["_id"]["$gt"]
            return _negate(value), oid
        return 0, query["_id"]["$gt"]
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise ValueError("invalid cursor") from exc


def sort_index(records: Records, sort: str | None) -> tuple[list[tuple[Any, str]], list[int]]:
    """Keys `(−value, _id)` ascending and the record indexes in that order (newest/largest first)."""
    keyed = []
    for index in range(len(records)):
        api = records.record(index).api
        value = api.get(sort, 0) if sort else 0
        keyed.append(((_negate(value), api["_id"]), index))
    keyed.sort()
    return [k for k, _ in keyed], [i for _, i in keyed]


def page(records: Records, keys: Sequence[tuple[Any, str]], order: Sequence[int], *, sort: str | None,
         cursor: str | None, limit: int, predicate: Callable[[Any], bool]) -> tuple[list[Any], str | None]:
    """One page of matching records after `cursor`, and the next cursor (None on the last page)."""
    start = bisect_right(keys, decode_cursor(cursor, sort)) if cursor else 0
    out: list[Any] = []
    position = start
    while position < len(order) and len(out) < limit:
        record = records.record(order[position])
        if predicate(record):
            out.append(record)
        position += 1
    more = any(predicate(records.record(order[p])) for p in range(position, len(order)))
    if not out or not more:
        return out, None
    return out, encode_cursor(keys[position - 1], sort)
