"""Read the crawled datasets and build the one tidy table every statistic and figure uses.

One row per model. When the leaderboard holds several rows for a model (precisions, revisions), the
row kept is the most recent evaluation (latest submission date; rows without one last), then the
preferred precision (bfloat16, float16, 8bit, 4bit, GPTQ, other), then the smallest revision sha:
a deterministic rule that does not pick the best score. Sizes use the best available source: the
Hub's metadata (safetensors/gguf), then the model_pages result, then the leaderboard's own column;
`size_source` records which.

Columns of the tidy table (also in results.json): model_id, type, precision, revision, average,
ifeval, bbh, math, gpqa, musr, mmlu_pro, co2_kg, license, license_class, params, params_b,
log10_params_b, size_source, size_exact, downloads, likes, on_hub, score_per_b, score_per_kg.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.licenses import license_class
from llmbench.parsing.leaderboard import BENCHMARKS
from llmbench.storage import DatasetError, read_snapshot

PRECISION_ORDER = {"bfloat16": 0, "float16": 1, "8bit": 2, "4bit": 3, "GPTQ": 4}
POPULATIONS = ("join", "leaderboard")


class AnalysisInputError(RuntimeError):
    """Input that cannot be analysed; the message names the file or dataset and what is missing."""


def read(data_dir: str | Path, dataset: str, snapshot: str | None = None, required: bool = True) -> pd.DataFrame | None:
    try:
        return read_snapshot(data_dir, dataset, snapshot).to_pandas()
    except DatasetError as exc:
        if required:
            raise AnalysisInputError(str(exc)) from exc
        return None


def one_row_per_model(board: pd.DataFrame) -> pd.DataFrame:
    ranked = board.assign(
        _key=board["model_id"].str.lower(),
        _submitted=board["submission_date"].fillna(""),
        _precision=board["precision"].map(PRECISION_ORDER).fillna(9),
        _revision=board["revision"].fillna(""),
    ).sort_values(["_key", "_submitted", "_precision", "_revision"], ascending=[True, False, True, True])
    return ranked.drop_duplicates("_key", keep="first").drop(columns=["_submitted", "_precision", "_revision"])


def build_table(data_dir: str | Path, population: str = "join", snapshot: str | None = None) -> pd.DataFrame:
    if population not in POPULATIONS:
        raise AnalysisInputError(f"--population must be one of {POPULATIONS}")
    board = read(data_dir, "leaderboard", snapshot)
    hub = read(data_dir, "hub_models", snapshot, required=population == "join")
    sizes = read(data_dir, "model_sizes", snapshot, required=False)
    board = one_row_per_model(board)
    if hub is not None:
        hub = hub.assign(_key=hub["model_id"].str.lower()).drop_duplicates("_key")
        hub = hub[["_key", "params", "license", "downloads", "likes", "params_source"]].rename(
            columns={"params": "hub_params", "license": "hub_license", "params_source": "hub_params_source"})
        how = "inner" if population == "join" else "left"
        table = board.merge(hub, on="_key", how=how)
        if table.empty:
            raise AnalysisInputError(
                f"no model is in both `leaderboard` ({len(board)} models) and `hub_models` ({len(hub)} models) "
                f"under {data_dir}: crawl the hub with a larger -a limit, or use --population leaderboard")
    else:
        table = board.assign(hub_params=np.nan, hub_license=None, downloads=np.nan, likes=np.nan,
                             hub_params_source=None)
    if sizes is not None:
        sizes = sizes.assign(_key=sizes["model_id"].str.lower()).drop_duplicates("_key")
        sizes = sizes[["_key", "params", "params_source", "exact"]].rename(
            columns={"params": "page_params", "params_source": "page_source", "exact": "page_exact"})
        table = table.merge(sizes, on="_key", how="left")
    else:
        table = table.assign(page_params=np.nan, page_source=None, page_exact=None)
    return finish(table)


def finish(table: pd.DataFrame) -> pd.DataFrame:
    params = []
    source = []
    exact = []
    for hub_p, hub_src, page_p, page_src, page_ex, board_b in zip(
            table["hub_params"], table["hub_params_source"], table["page_params"], table["page_source"],
            table["page_exact"], table["params_billions"], strict=True):
        if _known(hub_p):
            params.append(float(hub_p))
            source.append(f"hub:{hub_src}")
            exact.append(True)
        elif _known(page_p):
            params.append(float(page_p))
            source.append(f"model_pages:{page_src}")
            exact.append(bool(page_ex))
        elif _known(board_b):
            params.append(float(board_b) * 1e9)
            source.append("leaderboard")
            exact.append(False)
        else:
            params.append(np.nan)
            source.append("unknown")
            exact.append(False)
    out = pd.DataFrame({
        "model_id": table["model_id"],
        "type": table["type"],
        "precision": table["precision"],
        "revision": table["revision"],
        "average": table["average"].astype(float),
        **{b: table[b].astype(float) for b in BENCHMARKS},
        "co2_kg": table["co2_kg"].astype(float),
        "license": [h if isinstance(h, str) and h else lb for h, lb in zip(table["hub_license"], table["license"],
                                                                           strict=True)],
        "downloads": table["downloads"].astype(float),
        "likes": table["likes"].astype(float),
        "on_hub": table["available_on_hub"],
        "params": params,
        "size_source": source,
        "size_exact": exact,
    })
    out["license_class"] = out["license"].map(license_class)
    out["params_b"] = out["params"] / 1e9
    out["log10_params_b"] = np.log10(out["params_b"].where(out["params_b"] > 0))
    out["score_per_b"] = out["average"] / out["params_b"]
    out["score_per_kg"] = out["average"] / out["co2_kg"]
    return out.sort_values("model_id").reset_index(drop=True)


def _known(value) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value)) and value > 0
