"""Read the crawled datasets and build the one tidy table every statistic and figure uses.

One row per model. When the leaderboard holds several rows for a model (precisions, revisions), the
row kept is the most recent evaluation (latest submission date; rows without one last), then the
preferred precision (bfloat16, float16, 8bit, 4bit, GPTQ, other), then the smallest revision sha:
a deterministic rule that does not pick the best score. Sizes use the best available source: the
Hub's metadata (safetensors/gguf), then the model_pages result, then the leaderboard's own column;
`size_source` records which.

Columns of the tidy table (models.parquet): model_id, type, precision, revision, average, ifeval,
bbh, math, gpqa, musr, mmlu_pro, co2_kg, license, license_class, downloads, likes, on_hub, params,
params_b, log10_params_b, size_source, size_exact, score_per_b, score_per_kg, is_moe, is_merged,
is_official_provider, upload_date, submission_date, board_params_b, hub_params_b, quantized,
evaluations (rows the board holds for the model), on_hub_crawl.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from analysis.licenses import license_class
from analysis.read import AnalysisInputError, read_columns
from llmbench.parsing.leaderboard import BENCHMARKS

PRECISION_ORDER = {"bfloat16": 0, "float16": 1, "8bit": 2, "4bit": 3, "GPTQ": 4}
POPULATIONS = ("join", "leaderboard")
BOARD_COLUMNS = ["type", "average", *BENCHMARKS, "co2_kg", "license", "params_billions", "submission_date",
                 "available_on_hub", "is_moe", "is_merged", "is_official_provider", "upload_date"]
BOARD_OPTIONAL = ("type", "co2_kg", "license", "params_billions", "submission_date", "available_on_hub", "is_moe",
                  "is_merged", "is_official_provider", "upload_date", "revision", *BENCHMARKS)
HUB_COLUMNS = ["params", "license", "downloads", "likes", "params_source", "quantized", "pipeline_tag"]
HUB_OPTIONAL = ("license", "downloads", "likes", "params_source", "quantized", "pipeline_tag")
SIZE_COLUMNS = ["params", "params_source", "exact"]

__all__ = ["AnalysisInputError", "POPULATIONS", "build_table", "one_row_per_model", "read_inputs", "finish"]


def read_inputs(data_dir: str | Path, snapshot: str | None = None, hub_required: bool = True) -> dict:
    """The three datasets, with only the columns the analysis uses (hub_models/model_sizes may be None)."""
    return {"leaderboard": read_columns(data_dir, "leaderboard", BOARD_COLUMNS, snapshot, optional=BOARD_OPTIONAL),
            "hub_models": read_columns(data_dir, "hub_models", HUB_COLUMNS, snapshot, required=hub_required,
                                       optional=HUB_OPTIONAL),
            "model_sizes": read_columns(data_dir, "model_sizes", SIZE_COLUMNS, snapshot, required=False,
                                        optional=("params_source", "exact"))}


def one_row_per_model(board: pd.DataFrame) -> pd.DataFrame:
    """The documented one-row rule; only the rows of models with several evaluations are sorted."""
    key = board["model_id"].str.lower()
    per_key = key.value_counts()
    counts = key.map(per_key)
    repeated = board[(counts > 1).to_numpy()]
    ranked = repeated.assign(
        _key=key[repeated.index],
        _submitted=repeated["submission_date"].fillna(""),
        _precision=repeated["precision"].map(PRECISION_ORDER).fillna(9),
        _revision=repeated["revision"].fillna(""),
    ).sort_values(["_key", "_submitted", "_precision", "_revision"], ascending=[True, False, True, True])
    kept = ranked.drop_duplicates("_key", keep="first").drop(columns=["_submitted", "_precision", "_revision"])
    single = board[(counts == 1).to_numpy()].assign(_key=key[(counts == 1).to_numpy()])
    return pd.concat([single, kept]).assign(evaluations=lambda t: t["_key"].map(per_key))


def build_table(data_dir: str | Path, population: str = "join", snapshot: str | None = None,
                inputs: dict | None = None) -> pd.DataFrame:
    if population not in POPULATIONS:
        raise AnalysisInputError(f"--population must be one of {POPULATIONS}")
    inputs = inputs or read_inputs(data_dir, snapshot, hub_required=population == "join")
    board, hub, sizes = inputs["leaderboard"], inputs["hub_models"], inputs["model_sizes"]
    board = one_row_per_model(board)
    if hub is not None:
        hub = hub.assign(_key=hub["model_id"].str.lower()).drop_duplicates("_key")
        hub = hub[["_key", "params", "license", "downloads", "likes", "params_source", "quantized"]].rename(
            columns={"params": "hub_params", "license": "hub_license", "params_source": "hub_params_source",
                     "quantized": "hub_quantized"}).assign(on_hub_crawl=True)
        how = "inner" if population == "join" else "left"
        table = board.merge(hub, on="_key", how=how)
        if table.empty:
            raise AnalysisInputError(
                f"no model is in both `leaderboard` ({len(board)} models) and `hub_models` ({len(hub)} models) "
                f"under {data_dir}: crawl the hub with a larger -a limit, or use --population leaderboard")
    else:
        table = board.assign(hub_params=np.nan, hub_license=None, downloads=np.nan, likes=np.nan,
                             hub_params_source=None, hub_quantized=None, on_hub_crawl=False)
    if sizes is not None:
        sizes = sizes.assign(_key=sizes["model_id"].str.lower()).drop_duplicates("_key")
        sizes = sizes[["_key", "params", "params_source", "exact"]].rename(
            columns={"params": "page_params", "params_source": "page_source", "exact": "page_exact"})
        table = table.merge(sizes, on="_key", how="left")
    else:
        table = table.assign(page_params=np.nan, page_source=None, page_exact=None)
    return finish(table)


def _positive(column: pd.Series) -> np.ndarray:
    values = pd.to_numeric(column, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    return np.isfinite(values) & (values > 0)


def _text(column: pd.Series) -> np.ndarray:
    return column.astype(object).where(column.notna(), "").to_numpy(dtype=object)


def finish(table: pd.DataFrame) -> pd.DataFrame:
    """The tidy table, computed column-wise (no Python loop over rows)."""
    hub_p = pd.to_numeric(table["hub_params"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    page_p = pd.to_numeric(table["page_params"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    board_b = pd.to_numeric(table["params_billions"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    has_hub, has_page, has_board = _positive(table["hub_params"]), _positive(table["page_params"]), \
        _positive(table["params_billions"])
    use_page, use_board = ~has_hub & has_page, ~has_hub & ~has_page & has_board
    params = np.select([has_hub, use_page, use_board], [hub_p, page_p, board_b * 1e9], np.nan)
    source = np.select([has_hub, use_page, use_board],
                       ["hub:" + _text(table["hub_params_source"]), "model_pages:" + _text(table["page_source"]),
                        np.full(len(table), "leaderboard", dtype=object)], "unknown").astype(object)
    page_exact = table["page_exact"].astype(object).fillna(False).astype(bool).to_numpy()
    hub_license = table["hub_license"].astype(object)
    usable_license = hub_license.notna() & (hub_license != "")
    out = pd.DataFrame({
        "model_id": table["model_id"].to_numpy(),
        "type": table["type"].to_numpy(),
        "precision": table["precision"].to_numpy(),
        "revision": table["revision"].to_numpy(),
        "average": table["average"].to_numpy(dtype=float, na_value=np.nan),
        **{b: table[b].to_numpy(dtype=float, na_value=np.nan) for b in BENCHMARKS},
        "co2_kg": table["co2_kg"].to_numpy(dtype=float, na_value=np.nan),
        "license": hub_license.where(usable_license, table["license"]).to_numpy(),
        "downloads": pd.to_numeric(table["downloads"], errors="coerce").to_numpy(dtype=float, na_value=np.nan),
        "likes": pd.to_numeric(table["likes"], errors="coerce").to_numpy(dtype=float, na_value=np.nan),
        "on_hub": table["available_on_hub"].to_numpy(),
        "params": params,
        "size_source": source,
        "size_exact": has_hub | (use_page & page_exact),
        "is_moe": table["is_moe"].astype(object).fillna(False).astype(bool).to_numpy(),
        "is_merged": table["is_merged"].astype(object).fillna(False).astype(bool).to_numpy(),
        "is_official_provider": table["is_official_provider"].astype(object).fillna(False).astype(bool).to_numpy(),
        "upload_date": table["upload_date"].to_numpy(),
        "submission_date": table["submission_date"].to_numpy(),
        "board_params_b": np.where(has_board, board_b, np.nan),
        "hub_params_b": np.where(has_hub, hub_p / 1e9, np.nan),
        "quantized": table["hub_quantized"].astype(object).fillna(False).astype(bool).to_numpy(),
        "evaluations": table["evaluations"].to_numpy(dtype=np.int64),
        "on_hub_crawl": table["on_hub_crawl"].astype(object).fillna(False).astype(bool).to_numpy(),
    })
    classes = {value: license_class(value) for value in pd.unique(out["license"])}
    out["license_class"] = out["license"].map(classes)
    out["params_b"] = out["params"] / 1e9
    with np.errstate(divide="ignore", invalid="ignore"):
        out["log10_params_b"] = np.log10(out["params_b"].where(out["params_b"] > 0))
        out["score_per_b"] = out["average"] / out["params_b"]
        out["score_per_kg"] = out["average"] / out["co2_kg"]
    return out.sort_values("model_id", kind="stable").reset_index(drop=True)
