"""Read the crawled datasets and build the one tidy table every statistic and figure uses.

One row per model. When the leaderboard holds several rows for a model (precisions, revisions), the row kept is the
most recent evaluation (latest submission date; rows without one last), then the preferred precision (bfloat16,
float16, 8bit, 4bit, GPTQ, other), then the smallest revision sha: a deterministic rule that does not pick the best
score. Sizes use the best available source: the Hub's metadata (safetensors/gguf), then the model_pages result, then
the leaderboard's own column; `size_source` records which. Models are matched by their canonical id (`canonical_id`
where the Hub redirects a legacy, renamed or other-case id, else `model_id`), case-insensitively.

Columns of the tidy table (models.parquet): model_id, canonical_id, type, precision, revision, average, ifeval, bbh,
math, gpqa, musr, mmlu_pro, co2_kg, license, license_class, downloads, likes, pipeline_tag, on_hub, params,
params_b, log10_params_b, size_source, size_exact, score_per_b, score_per_kg, is_moe, is_merged,
is_official_provider, upload_date, submission_date, board_params_b, hub_params_b, quantized, evaluations (rows the
board holds for the model), on_hub_crawl. Built column-wise in Arrow and numpy, reading only the columns used.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analysis.licenses import license_class
from analysis.read import AnalysisInputError, read_columns
from llmbench.parsing.leaderboard import BENCHMARKS

PRECISION_ORDER = {"bfloat16": 0, "float16": 1, "8bit": 2, "4bit": 3, "GPTQ": 4}
POPULATIONS = ("join", "leaderboard")
BOARD_COLUMNS = ["canonical_id", "type", "average", *BENCHMARKS, "co2_kg", "license", "params_billions",
                 "submission_date", "available_on_hub", "is_moe", "is_merged", "is_official_provider", "upload_date"]
BOARD_OPTIONAL = tuple(c for c in BOARD_COLUMNS if c != "average")
HUB_COLUMNS = ["params", "license", "downloads", "likes", "params_source", "quantized", "pipeline_tag"]
SIZE_COLUMNS = ["params", "params_source", "exact"]

__all__ = ["AnalysisInputError", "POPULATIONS", "build_table", "one_row_per_model", "read_inputs"]


def read_inputs(data_dir: str | Path, snapshot: str | None = None, hub_required: bool = True) -> dict:
    """The three datasets as Arrow tables, only the columns used (hub_models/model_sizes may be None)."""
    return {"leaderboard": read_columns(data_dir, "leaderboard", BOARD_COLUMNS, snapshot, optional=BOARD_OPTIONAL),
            "hub_models": read_columns(data_dir, "hub_models", HUB_COLUMNS, snapshot, required=hub_required,
                                       optional=tuple(HUB_COLUMNS[1:])),
            "model_sizes": read_columns(data_dir, "model_sizes", ["canonical_id", *SIZE_COLUMNS], snapshot,
                                        required=False, optional=("canonical_id", "params_source", "exact"))}


def _canonical(table: pa.Table) -> pa.Array:
    """Each row's join key: `canonical_id` where the Hub redirects the id, else `model_id`."""
    ids = table.column("model_id")
    if "canonical_id" in table.column_names:
        ids = pc.coalesce(table.column("canonical_id"), ids)
    return ids.combine_chunks()


def _codes(keys: pa.Array) -> tuple[np.ndarray, pa.Array]:
    encoded = pc.dictionary_encode(pc.utf8_lower(keys))  # equal ids, any case, share a code
    return encoded.indices.to_numpy(zero_copy_only=False), encoded.dictionary


def _crawled(table: pa.Table) -> np.ndarray:
    return pc.fill_null(table.column("crawled_at").cast(pa.int64()), 0).to_numpy(zero_copy_only=False)


def one_row_per_model(board: pa.Table | pd.DataFrame) -> pa.Table:
    """The documented one-row rule (per canonical id), plus `evaluations`, sorted by that id; a
    re-crawled evaluation counts once (its latest crawl)."""
    if isinstance(board, pd.DataFrame):
        board = pa.Table.from_pandas(board, preserve_index=False)
    codes, keys = _codes(_canonical(board))
    counts = np.bincount(codes, minlength=len(keys))
    repeated = np.flatnonzero(counts[codes] > 1)
    kept = np.flatnonzero(counts[codes] == 1)
    if len(repeated):
        rows = board.select(["model_id", "submission_date", "precision", "revision"]).take(repeated).to_pandas()
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
    kept = kept[np.argsort(rank[codes[kept]])]
    evaluations = pa.array(counts[codes[kept]], pa.int64())
    # taken column by column, each source column let go once taken: the peak is one table, not two
    names, columns, indices = board.column_names, board.columns, pa.array(kept)
    del board
    taken = []
    for position in range(len(columns)):
        taken.append(columns[position].take(indices))
        columns[position] = None
    return pa.table([*taken, evaluations], names=[*names, "evaluations"])


def lookup(left: pa.Table, right: pa.Table) -> np.ndarray:
    """For each row of `left`, the row of `right` with the same canonical id (any case), else -1; when
    `right` holds a model twice (two runs on one day), its most recently crawled row."""
    right_codes, right_keys = _codes(_canonical(right))
    rows = np.arange(right.num_rows)
    if np.bincount(right_codes).max(initial=0) > 1:
        rows = np.lexsort((rows, _crawled(right), right_codes))
        last = np.concatenate((right_codes[rows][1:] != right_codes[rows][:-1], [True]))
        rows = rows[last]
    position = np.full(len(right_keys) + 1, -1, dtype=np.int64)  # the extra slot: "not found"
    position[right_codes[rows]] = rows
    found = pc.index_in(pc.utf8_lower(_canonical(left)), value_set=right_keys)
    return position[pc.fill_null(found, -1).to_numpy(zero_copy_only=False)]


def _gather(table: pa.Table | None, rows: np.ndarray, column: str, type_: pa.DataType) -> pa.Array:
    if table is None:
        return pa.nulls(len(rows), type_)
    return table.column(column).take(pa.array(rows, mask=rows < 0)).combine_chunks()


def build_table(data_dir: str | Path, population: str = "join", snapshot: str | None = None,
                inputs: dict | None = None) -> pd.DataFrame:
    if population not in POPULATIONS:
        raise AnalysisInputError(f"--population must be one of {POPULATIONS}")
    inputs = inputs or read_inputs(data_dir, snapshot, hub_required=population == "join")
    board, hub, sizes = one_row_per_model(inputs.pop("leaderboard")), inputs["hub_models"], inputs["model_sizes"]
    if hub is not None:
        hub_row = lookup(board, hub)
        if population == "join":
            board = board.filter(pa.array(hub_row >= 0))
            hub_row = hub_row[hub_row >= 0]
            if board.num_rows == 0:
                raise AnalysisInputError(
                    f"no model is in both `leaderboard` and `hub_models` ({hub.num_rows} models) under {data_dir}: "
                    "crawl the hub with a larger -a limit, or use --population leaderboard")
    else:
        hub_row = np.full(board.num_rows, -1, dtype=np.int64)
    size_row = lookup(board, sizes) if sizes is not None else np.full(board.num_rows, -1, dtype=np.int64)
    joined = {"hub_" + c: _gather(hub, hub_row, c, pa.string() if c in ("license", "params_source", "pipeline_tag")
                                  else pa.float64()) for c in HUB_COLUMNS}
    joined |= {"page_" + c: _gather(sizes, size_row, c, pa.float64()) for c in SIZE_COLUMNS}
    columns = dict(zip(board.column_names, board.columns, strict=True))
    del board, inputs, hub, sizes
    table = finish(columns, joined, hub_row >= 0)
    pa.default_memory_pool().release_unused()  # hand the inputs' memory back before the statistics
    return table


def _floats(array: pa.Array | pa.ChunkedArray) -> np.ndarray:
    return pc.cast(array, pa.float64()).to_numpy(zero_copy_only=False)


def _flags(array: pa.Array | pa.ChunkedArray) -> np.ndarray:
    return pc.fill_null(pc.cast(array, pa.bool_()), False).to_numpy(zero_copy_only=False)


def _single(array: pa.Array | pa.ChunkedArray) -> pa.Array:
    array = pc.cast(array, pa.string())
    return array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array


def _strings(array: pa.Array | pa.ChunkedArray) -> pd.Series:
    return pd.Series(pd.array(_single(array), dtype="str"))


def _categories(array: pa.Array | pa.ChunkedArray) -> pd.Categorical:
    """A low-cardinality text column (type, precision, license) as a categorical: a few bytes a row."""
    encoded = pc.dictionary_encode(_single(array))
    codes = pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False).astype(np.int32)
    return pd.Categorical.from_codes(codes, categories=pd.Index(encoded.dictionary.to_pylist(), dtype=object))


def _dates(array: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """YYYY-MM-DD text as datetime64 (NaT where empty or unparsable)."""
    parsed = pc.strptime(_single(array), format="%Y-%m-%d", unit="s", error_is_null=True)
    return parsed.to_numpy(zero_copy_only=False).astype("datetime64[s]")


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
    classes = out["license"].map({v: license_class(v) for v in out["license"].cat.categories})
    out["license_class"] = pd.Categorical(classes, categories=["open", "restricted", "unknown"]).fillna("unknown")
    out["params_b"] = out["params"] / 1e9
    with np.errstate(divide="ignore", invalid="ignore"):
        out["log10_params_b"] = np.log10(out["params_b"].where(out["params_b"] > 0))
        out["score_per_b"] = out["average"] / out["params_b"]
        out["score_per_kg"] = out["average"] / out["co2_kg"]
    return out
