"""The machine-readable outputs: results.json (every number of the report under stable ids; the schema is
in docs/analysis.md) and models.parquet (the tidy table; `COLUMNS` says what each column holds)."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

SCHEMA = "llmbench-analysis/2"

COLUMNS = {
    "model_id": "repo id owner/name (links to the Hub in the report)",
    "canonical_id": "where the Hub redirects model_id (legacy, renamed, other case); null when it does not",
    "type, precision, revision": "the board's model type and the kept evaluation's precision and revision",
    "average, ifeval, bbh, math, gpqa, musr, mmlu_pro": "normalized scores, 0-100",
    "co2_kg": "CO₂ of the evaluation run (kg); null where the board had none",
    "license, license_class": "license id (Hub, else board) and open / restricted / unknown",
    "downloads, likes, pipeline_tag, on_hub_crawl": "from the hub crawl (null when the model is not in it)",
    "params, params_b, log10_params_b": "parameters (raw count; billions and log10 billions, null when excluded)",
    "size_source, size_exact, size_excluded": "where the size came from, whether exact, and the quality rule "
                                              "that excluded it (empty when kept)",
    "board_params_b, hub_params_b, quantized": "the board's and the Hub's own sizes; the Hub's quantized flag",
    "score_per_b, score_per_kg": "average per billion parameters (audited size) and per kg CO₂",
    "size_audit, size_rule": "the size audit's class and the rule that decided the size (docs/analysis.md)",
    "params_b_unaudited, name_params_b, base_params_b, active_params_b": "the size before the audit, the name's "
                                                                          "size label, the base model's size and "
                                                                          "the active parameters (MoE), in billions",
    "weight_type, base_model": "the board's weight type (Original, Adapter, Delta) and base model",
    "is_moe, is_merged, is_official_provider, on_hub": "the board's flags",
    "upload_date, submission_date, evaluations": "dates (UTC) and how many evaluations the board holds",
}


def document(table: pd.DataFrame, meta: dict[str, Any], sections: dict[str, Any]) -> dict[str, Any]:
    return {
        "schema": SCHEMA,
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        **meta,
        "n_models": int(len(table)),
        "size_sources": {str(k): int(v) for k, v in table["size_source"].value_counts(dropna=False).items() if v},
        "columns": COLUMNS,
        **sections,
    }


def plain(value: Any) -> Any:
    """JSON-ready: NaN and infinities become null, numpy scalars Python numbers, dates ISO strings."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value) if math.isfinite(value) else None
    if value is None or isinstance(value, str):
        return value
    return str(value)


def write(path: Path, doc: dict[str, Any]) -> None:
    path.write_text(json.dumps(plain(doc), indent=1, allow_nan=False, ensure_ascii=False), encoding="utf-8")


def write_models(path: Path, table: pd.DataFrame) -> None:
    """models.parquet: the tidy table of the main population."""
    pq.write_table(pa.Table.from_pandas(table, preserve_index=False), path, use_dictionary=_repetitive(table))


def _repetitive(table: pd.DataFrame) -> list[str]:
    """Columns worth dictionary-encoding in models.parquet: trying it on a million distinct ids and
    floats (parquet's default) costs a third of the write and saves nothing."""
    return [c for c in table.columns if isinstance(table[c].dtype, pd.CategoricalDtype) or c == "size_excluded"]
