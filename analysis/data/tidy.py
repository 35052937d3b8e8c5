"""The tidy table from the joined columns: one conversion per column, Arrow to numpy or pandas.

Sizes use the best available source (the Hub's metadata, then model_pages, then the board's own
column; `size_source` says which); low-cardinality text becomes categoricals; dates datetime64.
analysis/load.py documents the columns.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analysis.licenses import license_class
from llmbench.parsing.leaderboard import BENCHMARKS


def _floats(array: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """As float64; an integer beyond 2^53 (a params of 10^18 + 1) is rounded to the nearest float, not
    refused (Arrow's safe cast raises): analysis/quality.py then excludes it as implausible."""
    return pc.cast(array, pa.float64(), safe=False).to_numpy(zero_copy_only=False)


def _flags(array: pa.Array | pa.ChunkedArray) -> np.ndarray:
    return pc.fill_null(pc.cast(array, pa.bool_()), False).to_numpy(zero_copy_only=False)


def _single(array: pa.Array | pa.ChunkedArray) -> pa.Array:
    array = pc.cast(array, pa.string())
    return array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array


def _strings(array: pa.Array | pa.ChunkedArray) -> pd.Series:
    return pd.Series(pd.array(_single(array), dtype="str"))


def _categories(array: pa.Array | pa.ChunkedArray) -> pd.Categorical:
    """A low-cardinality text column (type, precision, license) as a categorical: a few bytes a row.
    Categories in order of first appearance; dictionary-encoded text (as read) is not decoded."""
    if not pa.types.is_dictionary(array.type):
        encoded = pc.dictionary_encode(_single(array))
        codes = pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False).astype(np.int32)
        return pd.Categorical.from_codes(codes, categories=pd.Index(encoded.dictionary.to_pylist(), dtype=object))
    chunks = array.unify_dictionaries().chunks if isinstance(array, pa.ChunkedArray) else [array]
    if not chunks:
        return pd.Categorical.from_codes(np.empty(0, np.int32), categories=pd.Index([], dtype=object))
    codes = np.concatenate([pc.fill_null(c.indices, -1).to_numpy(zero_copy_only=False) for c in chunks])
    values = pc.cast(chunks[0].dictionary, pa.string()).to_pylist()
    first = np.full(len(values) + 1, len(codes))  # each value's first row (the extra slot: null rows)
    np.minimum.at(first, codes, np.arange(len(codes)))
    used = np.flatnonzero(first[:-1] < len(codes))
    used = used[np.argsort(first[used], kind="stable")]  # as dictionary_encode numbers them
    remap = np.full(len(values) + 1, -1, dtype=np.int32)
    remap[used] = np.arange(len(used))
    return pd.Categorical.from_codes(remap[codes], categories=pd.Index([values[i] for i in used], dtype=object))


def _dates(array: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """YYYY-MM-DD text as datetime64 (NaT where empty or unparsable); dictionary-encoded text (as read,
    analysis/read.py) is parsed once per distinct date, not once per row."""
    def parse(strings: pa.Array) -> np.ndarray:
        parsed = pc.strptime(pc.cast(strings, pa.string()), format="%Y-%m-%d", unit="s", error_is_null=True)
        return parsed.to_numpy(zero_copy_only=False).astype("datetime64[s]")

    if not pa.types.is_dictionary(array.type):
        return parse(_single(array))
    parts = []
    for chunk in array.chunks if isinstance(array, pa.ChunkedArray) else [array]:
        dates = np.append(parse(chunk.dictionary), np.datetime64("NaT", "s"))  # the last: null rows
        parts.append(dates[pc.fill_null(chunk.indices, -1).to_numpy(zero_copy_only=False)])
    return np.concatenate(parts) if parts else np.empty(0, dtype="datetime64[s]")


def _sources(detailed: dict[str, tuple[np.ndarray, pa.Array]], board: np.ndarray) -> pd.Categorical:
    """`size_source` per row as a categorical ("hub:safetensors", "model_pages:config", "leaderboard",
    "unknown") without building a million strings."""
    codes = np.full(len(board), 0, dtype=np.int32)
    categories = ["unknown", "leaderboard"]
    codes[board] = 1
    for prefix, (used, names) in detailed.items():
        encoded = pc.dictionary_encode(pc.fill_null(_single(names), ""))
        local = encoded.indices.to_numpy(zero_copy_only=False)
        codes[used] = len(categories) + local[used]
        categories += [prefix + name for name in encoded.dictionary.to_pylist()]
    unique = list(dict.fromkeys(categories))
    remap = np.array([unique.index(c) for c in categories], dtype=np.int32)
    return pd.Categorical.from_codes(remap[codes], categories=unique)


def finish(board: dict[str, pa.ChunkedArray], joined: dict[str, pa.Array],
           on_hub_crawl: np.ndarray) -> pd.DataFrame:
    """The tidy table, computed column-wise (`board` comes sorted by model id). Both dicts are
    emptied as their columns are converted, so their memory goes as the table's arrives."""
    hub_p, page_p, board_b = _floats(joined.pop("hub_params")), _floats(joined.pop("page_params")), \
        _floats(board.pop("params_billions"))
    with np.errstate(invalid="ignore"):
        has_hub, has_page, has_board = hub_p > 0, page_p > 0, board_b > 0
    use_page, use_board = ~has_hub & has_page, ~has_hub & ~has_page & has_board
    params = np.select([has_hub, use_page, use_board], [hub_p, page_p, board_b * 1e9], np.nan)
    source = _sources({"hub:": (has_hub, joined.pop("hub_params_source")),
                       "model_pages:": (use_page, joined.pop("page_params_source"))}, use_board)
    hub_license = joined.pop("hub_license")
    license_ = pc.if_else(pc.fill_null(pc.not_equal(hub_license, ""), False), hub_license,
                          pc.cast(board.pop("license"), pa.string()))
    out = pd.DataFrame({
        "model_id": _strings(board.pop("model_id")),
        "canonical_id": _strings(board.pop("canonical_id")),
        "type": _categories(board.pop("type")),
        "precision": _categories(board.pop("precision")),
        "revision": _strings(board.pop("revision")),
        **{c: _floats(board.pop(c)) for c in ("average", *BENCHMARKS, "co2_kg")},
        "license": _categories(license_),
        "downloads": _floats(joined.pop("hub_downloads")),
        "likes": _floats(joined.pop("hub_likes")),
        "pipeline_tag": _categories(joined.pop("hub_pipeline_tag")),
        "on_hub": _flags(board.pop("available_on_hub")),
        "params": params,
        "size_source": source,
        "size_exact": has_hub | (use_page & _flags(joined.pop("page_exact"))),
        **{c: _flags(board.pop(c)) for c in ("is_moe", "is_merged", "is_official_provider")},
        "upload_date": _dates(board.pop("upload_date")),
        "submission_date": _dates(board.pop("submission_date")),
        "board_params_b": np.where(has_board, board_b, np.nan),
        "hub_params_b": np.where(has_hub, hub_p / 1e9, np.nan),
        "quantized": _flags(joined.pop("hub_quantized")),
        "evaluations": board.pop("evaluations").to_numpy(),
        "on_hub_crawl": on_hub_crawl,
    }, copy=False)
    classes = ["open", "restricted", "unknown"]  # per category, not per row; -1 (no license): unknown
    by_code = np.array([classes.index(license_class(v)) for v in out["license"].cat.categories] + [2], dtype=np.int8)
    out["license_class"] = pd.Categorical.from_codes(by_code[out["license"].cat.codes.to_numpy()], categories=classes)
    out["params_b"] = out["params"] / 1e9
    with np.errstate(divide="ignore", invalid="ignore"):
        out["log10_params_b"] = np.log10(out["params_b"].where(out["params_b"] > 0))
        out["score_per_b"] = out["average"] / out["params_b"]
        out["score_per_kg"] = out["average"] / out["co2_kg"]
    return out
