"""The tidy table every statistic and figure uses (models.parquet): one row per model, the datasets
joined, each column converted once from Arrow to numpy or pandas.

One row per model. When the leaderboard holds several rows for a model (precisions, revisions), the row kept is the
most recent evaluation (latest submission date; rows without one last), then the preferred precision (bfloat16,
float16, 8bit, 4bit, GPTQ, other), then the smallest revision sha: a deterministic rule that does not pick the best
score. Sizes use the best available source: the Hub's metadata (safetensors/gguf), then the model_pages result, then
the leaderboard's own column; `size_source` records which. Models are matched by their canonical id (`canonical_id`
where the Hub redirects a legacy, renamed or other-case id, else `model_id`), case-insensitively. Low-cardinality
text becomes categoricals; dates datetime64.

Columns of the tidy table (models.parquet): model_id, canonical_id, type, weight_type, base_model,
precision, revision, average, ifeval, bbh,
math, gpqa, musr, mmlu_pro, co2_kg, license, license_class, downloads, likes, pipeline_tag, on_hub, params,
params_b, log10_params_b, size_source, size_exact, score_per_b, score_per_kg, is_moe, is_merged,
is_official_provider, upload_date, submission_date, board_params_b, hub_params_b, quantized, evaluations (rows the
board holds for the model), on_hub_crawl. Built column-wise in Arrow and numpy from the columns analysis/data/read.py
reads; analysis/data/quality.py then applies the data-quality rules.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analysis.data.licenses import license_class
from analysis.data.read import HUB_COLUMNS, SIZE_COLUMNS, AnalysisInputError, read_inputs
from llmbench.parsing.leaderboard import BENCHMARKS

PRECISION_ORDER = {"bfloat16": 0, "float16": 1, "8bit": 2, "4bit": 3, "GPTQ": 4}
POPULATIONS = ("join", "leaderboard")


def _canonical(table: pa.Table) -> pa.ChunkedArray:
    """Each row's join key: `canonical_id` where the Hub redirects the id, else `model_id`."""
    ids = table.column("model_id")
    if "canonical_id" in table.column_names and table.column("canonical_id").null_count < table.num_rows:
        ids = pc.coalesce(table.column("canonical_id"), ids)  # (no copy of a million ids when none redirects)
    return ids


def hub_key(frame: pd.DataFrame) -> pd.Series:
    """The id the Hub lists a row under (its canonical id where the Hub redirects), lower-cased: the
    key eval results, which carry Hub ids, are matched on."""
    ids = frame["model_id"] if "canonical_id" not in frame else frame["canonical_id"].fillna(frame["model_id"])
    return ids.str.lower()


def _codes(*tables: pa.Table) -> tuple[list[np.ndarray], pa.Array]:
    """Each table's join keys as codes into one dictionary of lower-cased ids (equal ids, any case,
    share a code): one hashing pass over every table's keys, and the join is integer indexing."""
    keys = pa.chunked_array([c for t in tables for c in pc.cast(_canonical(t), pa.string()).chunks], type=pa.string())
    ascii_only = pc.all(pc.string_is_ascii(keys)).as_py() is not False
    encoded = pc.dictionary_encode(pc.ascii_lower(keys) if ascii_only else pc.utf8_lower(keys))  # ASCII: faster
    dictionary = encoded.chunk(0).dictionary if encoded.num_chunks else pa.array([], pa.string())
    codes = np.concatenate([c.indices.to_numpy(zero_copy_only=False) for c in encoded.chunks]) \
        if encoded.num_chunks else np.empty(0, np.int32)
    bounds = np.cumsum([0, *(t.num_rows for t in tables)])
    return [codes[bounds[i]:bounds[i + 1]] for i in range(len(tables))], dictionary


def _crawled(table: pa.Table) -> np.ndarray:
    return pc.fill_null(table.column("crawled_at").cast(pa.int64()), 0).to_numpy(zero_copy_only=False)


def one_row_per_model(board: pa.Table | pd.DataFrame) -> pa.Table:
    """The documented one-row rule (per canonical id), plus `evaluations`, sorted by that id; a
    re-crawled evaluation counts once (its latest crawl)."""
    if isinstance(board, pd.DataFrame):
        board = pa.Table.from_pandas(board, preserve_index=False)
    (codes,), keys = _codes(board)
    return _one_row(board, codes, keys)[0]


def _one_row(board: pa.Table, codes: np.ndarray, keys: pa.Array) -> tuple[pa.Table, np.ndarray]:
    """`one_row_per_model` from the board's key codes; also the kept rows' codes."""
    counts = np.bincount(codes, minlength=len(keys))
    repeated = np.flatnonzero(counts[codes] > 1)
    kept = np.flatnonzero(counts[codes] == 1)
    if len(repeated):
        rows = pa.table({c: pc.cast(board.column(c).take(repeated), pa.string())
                         for c in ("model_id", "submission_date", "precision", "revision")}).to_pandas()
        ranked = pd.DataFrame({
            "row": repeated, "code": codes[repeated], "crawled": _crawled(board)[repeated],
            "model_id": rows["model_id"].astype(str).to_numpy(),
            "precision_name": rows["precision"].fillna("").astype(str).to_numpy(),
            "submitted": rows["submission_date"].fillna("").astype(str).to_numpy(),
            "precision": rows["precision"].map(PRECISION_ORDER).fillna(9).to_numpy(),
            "revision": rows["revision"].fillna("").astype(str).to_numpy(),
        }).sort_values(["crawled", "row"], ascending=False, kind="stable")
        ranked = ranked.drop_duplicates(["model_id", "precision_name", "revision"])  # each evaluation's latest crawl
        evaluations = ranked["code"].value_counts()
        counts[evaluations.index.to_numpy()] = evaluations.to_numpy()
        ranked = ranked.sort_values(["code", "submitted", "precision", "revision"],
                                    ascending=[True, False, True, True], kind="stable")
        kept = np.concatenate([kept, ranked.drop_duplicates("code")["row"].to_numpy()])
    rank = np.empty(len(keys), dtype=np.int64)
    rank[pc.sort_indices(keys).to_numpy()] = np.arange(len(keys))
    placed = np.full(len(keys), -1, dtype=np.int64)  # one kept row per id: placed by its id's rank, no sort
    placed[rank[codes[kept]]] = kept
    kept = placed[placed >= 0]
    kept_codes = codes[kept]
    evaluations = pa.array(counts[kept_codes], pa.int64())
    # taken column by column, each source column let go once taken: the peak is one table, not two
    names, columns, indices = board.column_names, board.columns, pa.array(kept)
    del board
    taken = []
    for position in range(len(columns)):
        taken.append(columns[position].take(indices))
        columns[position] = None
    return pa.table([*taken, evaluations], names=[*names, "evaluations"]), kept_codes


def lookup(left_codes: np.ndarray, right: pa.Table, right_codes: np.ndarray, n_keys: int) -> np.ndarray:
    """For each code of `left_codes`, the row of `right` with that canonical id, else -1; when `right`
    holds a model twice (two runs on one day), its most recently crawled row."""
    rows = np.arange(right.num_rows)
    if np.bincount(right_codes).max(initial=0) > 1:
        rows = np.lexsort((rows, _crawled(right), right_codes))
        last = np.concatenate((right_codes[rows][1:] != right_codes[rows][:-1], [True]))
        rows = rows[last]
    position = np.full(n_keys, -1, dtype=np.int64)
    position[right_codes[rows]] = rows
    return position[left_codes]


def _gather(table: pa.Table | None, rows: np.ndarray, column: str, type_: pa.DataType) -> pa.Array:
    if table is None:
        return pa.nulls(len(rows), type_)
    return table.column(column).take(pa.array(rows, mask=rows < 0)).combine_chunks()


def build_table(data_dir: str | Path, population: str = "join", snapshot: str | None = None,
                inputs: dict | None = None) -> pd.DataFrame:
    if population not in POPULATIONS:
        raise AnalysisInputError(f"--population must be one of {POPULATIONS}")
    inputs = inputs or read_inputs(data_dir, snapshot, hub_required=population == "join")
    hub, sizes = inputs["hub_models"], inputs["model_sizes"]
    board = inputs.pop("leaderboard")
    (board_codes, *codes), keys = _codes(board, *(t for t in (hub, sizes) if t is not None))
    board, board_codes = _one_row(board, board_codes, keys)
    hub_codes, size_codes = (codes.pop(0) if t is not None else None for t in (hub, sizes))
    if hub is not None:
        hub_row = lookup(board_codes, hub, hub_codes, len(keys))
        if population == "join":
            board = board.filter(pa.array(hub_row >= 0))
            board_codes, hub_row = board_codes[hub_row >= 0], hub_row[hub_row >= 0]
            if board.num_rows == 0:
                raise AnalysisInputError(
                    f"no model is in both `leaderboard` and `hub_models` ({hub.num_rows} models) under {data_dir}: "
                    "crawl the hub with a larger -a limit, or use --population leaderboard")
    else:
        hub_row = np.full(board.num_rows, -1, dtype=np.int64)
    size_row = lookup(board_codes, sizes, size_codes, len(keys)) if sizes is not None else \
        np.full(board.num_rows, -1, dtype=np.int64)
    joined = {"hub_" + c: _gather(hub, hub_row, c, pa.string() if c in ("license", "params_source", "pipeline_tag")
                                  else pa.float64()) for c in HUB_COLUMNS}
    joined |= {"page_" + c: _gather(sizes, size_row, c, pa.float64()) for c in SIZE_COLUMNS}
    columns = dict(zip(board.column_names, board.columns, strict=True))
    del board, inputs, hub, sizes
    table = finish(columns, joined, hub_row >= 0)
    pa.default_memory_pool().release_unused()  # hand the inputs' memory back before the statistics
    return table


def _floats(array: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """As float64; an integer beyond 2^53 (a params of 10^18 + 1) is rounded to the nearest float, not
    refused (Arrow's safe cast raises): analysis/data/quality.py then excludes it as implausible."""
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
    analysis/data/read.py) is parsed once per distinct date, not once per row."""
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
        "weight_type": _categories(board.pop("weight_type")),
        "base_model": _strings(board.pop("base_model")),
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
