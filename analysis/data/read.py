"""Read only the columns the analysis uses from a snapshot, checking each file's schema first
(`read_inputs`: the columns of the three datasets the tidy table is built from).

A file whose column has the wrong type (or a type that differs between files of one snapshot) is a
user-facing error naming the file and the column, never a traceback. Columns the analysis can do
without (`optional`) are filled with nulls when an older crawl did not write them.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from llmbench.items import ITEM_CLASSES, schema_of
from llmbench.parsing.leaderboard import BENCHMARKS
from llmbench.storage import DatasetError, snapshot_files

SCHEMAS = {item_class.dataset: schema_of(item_class) for item_class in ITEM_CLASSES}
KEYS = {item_class.dataset: item_class.key_fields for item_class in ITEM_CLASSES}
BOARD_COLUMNS = ["canonical_id", "type", "average", *BENCHMARKS, "co2_kg", "license", "params_billions",
                 "submission_date", "available_on_hub", "is_moe", "is_merged", "is_official_provider", "upload_date",
                 "base_model", "weight_type"]
BOARD_OPTIONAL = tuple(c for c in BOARD_COLUMNS if c != "average")
HUB_COLUMNS = ["params", "license", "downloads", "likes", "params_source", "quantized", "pipeline_tag"]
SIZE_COLUMNS = ["params", "params_source", "exact"]


class AnalysisInputError(RuntimeError):
    """Input that cannot be analysed; the message names the file or dataset and what is wrong."""


def _compatible(found: pa.DataType, expected: pa.DataType) -> bool:
    if found == expected or pa.types.is_null(found):
        return True
    groups = (pa.types.is_string, pa.types.is_large_string), (pa.types.is_integer, pa.types.is_floating), \
        (pa.types.is_timestamp,), (pa.types.is_boolean,), (pa.types.is_list, pa.types.is_large_list)
    return any(any(g(expected) for g in group) and any(g(found) for g in group) for group in groups)


def _read_file(path: Path, dataset: str, columns: list[str], required: set[str],
               dictionary: tuple[str, ...] = ()) -> pa.Table:
    try:
        schema = pq.read_schema(path)
    except (pa.ArrowException, OSError) as exc:
        raise AnalysisInputError(f"corrupt parquet file {path}: {exc}") from exc
    expected = SCHEMAS[dataset]
    present = []
    for name in columns:
        if name not in schema.names:
            if name in required:
                raise AnalysisInputError(f"{path}: no column `{name}` (not a `{dataset}` file of llmbench?)")
            continue
        found, want = schema.field(name).type, expected.field(name).type
        if not _compatible(found, want):
            raise AnalysisInputError(f"{path}: column `{name}` is {found}, expected {want}")
        present.append(name)
    try:
        table = pq.read_table(path, columns=present, read_dictionary=[c for c in present if c in dictionary])
    except (pa.ArrowException, OSError) as exc:
        raise AnalysisInputError(f"corrupt parquet file {path}: {exc}") from exc
    arrays, fields = [], []
    for name in columns:
        field = expected.field(name)
        if name in dictionary and pa.types.is_string(field.type):  # a few distinct values: kept encoded
            field = pa.field(name, pa.dictionary(pa.int32(), field.type))
        if name in present:
            try:
                arrays.append(table.column(name).cast(field.type))
            except (pa.ArrowException, ValueError) as exc:
                raise AnalysisInputError(f"{path}: column `{name}` cannot be read as {field.type}: {exc}") from exc
        else:
            arrays.append(pa.nulls(table.num_rows, field.type))
        fields.append(pa.field(name, field.type))
    return pa.Table.from_arrays(arrays, schema=pa.schema(fields))


def read_columns(data_dir: str | Path, dataset: str, columns: list[str], snapshot: str | None = None,
                 required: bool = True, optional: tuple[str, ...] = (),
                 dictionary: tuple[str, ...] = ()) -> pa.Table | None:
    """The snapshot's rows with `columns` (plus the keys and `crawled_at`); None when absent and not
    `required`. Rows repeating a key (two runs on one day) are all returned: analysis/data/tidy.py keeps the
    most recently crawled while it joins, with no extra pass over the data. Text columns named in
    `dictionary` stay dictionary-encoded as parquet stores them (no million strings decoded)."""
    try:
        files = snapshot_files(data_dir, dataset, snapshot)
    except DatasetError as exc:
        if required:
            raise AnalysisInputError(str(exc)) from exc
        return None
    keys = list(KEYS[dataset])
    wanted = list(dict.fromkeys([*keys, *columns, "crawled_at"]))
    must = set(wanted) - set(optional)
    tables = [_read_file(path, dataset, wanted, must, dictionary) for path in files]
    table = pa.concat_tables(tables) if len(tables) > 1 else tables[0]
    if table.num_rows == 0:
        if required:
            raise AnalysisInputError(f"`{dataset}` snapshot under {Path(data_dir) / dataset} has no rows")
        return None
    return table.select(list(dict.fromkeys([*keys, *columns, "crawled_at"])))


def read_inputs(data_dir: str | Path, snapshot: str | None = None, hub_required: bool = True) -> dict:
    """The three datasets as Arrow tables, only the columns used (hub_models/model_sizes may be None)."""
    return {"leaderboard": read_columns(data_dir, "leaderboard", BOARD_COLUMNS, snapshot, optional=BOARD_OPTIONAL,
                                        dictionary=("type", "precision", "upload_date", "submission_date",
                                                    "weight_type")),
            "hub_models": read_columns(data_dir, "hub_models", HUB_COLUMNS, snapshot, required=hub_required,
                                       optional=tuple(HUB_COLUMNS[1:])),
            "model_sizes": read_columns(data_dir, "model_sizes", ["canonical_id", *SIZE_COLUMNS], snapshot,
                                        required=False, optional=("canonical_id", "params_source", "exact"))}
