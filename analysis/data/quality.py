"""Data quality before statistics: each rule, what it matched, and what the analysis did about it.

Rules (ids are stable, in results.json `quality.rules`):
- `implausible_size`: a size under 10 M parameters (no model on the board is that small; such
  counts are tokenizer-only or adapter repos) or above 10 T (10^13; no model is that large: a
  corrupt or hostile count, e.g. 10^18), or infinite. Size excluded.
- `non_finite`: an infinite score or CO₂ (a NaN reads as missing). The value is blanked: it reaches
  no statistic and no figure.
- `quantized_total`: a repo the Hub crawl found packed-quantized from its tensors (integer dtypes
  mixed with float, a quantization tag or `quantization_config`; never from the name: a
  "…-bnb-4bit" fine-tune merged back to bf16 has a right count) whose size is that packed total.
  Counted here; the size audit (analysis/data/size_audit.py, class `packed_quantized`) uses the
  base model's count or excludes the size, unless `model_pages` resolved it (base model, page JSON).
- `board_hub_disagree`: the board's size differs from the Hub's exact count by more than 5 %.
  Corrected: the Hub's count is used.
- `no_size`: no source gives a size. Left out of every size statistic.
- `no_co2`: an evaluation without CO₂ (null or ≤ 0 on the board). Left out of per-kg statistics.
- `duplicate_evaluations`: models the board evaluated more than once (precisions, revisions); one
  row kept by the documented rule (analysis/data/tidy.py).
- `undated`: no upload date (or the Hub's 2022-03-02 placeholder). Left out of the density fit.
Plus the crawl's own counts, from the run records DATA_DIR/_runs/*.json when present.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

MIN_PARAMS_B = 0.01
MAX_PARAMS_B = 10_000.0  # 10^13 parameters
SCORES = ("average", "ifeval", "bbh", "math", "gpqa", "musr", "mmlu_pro", "co2_kg")
DISAGREE = 0.05
PLACEHOLDER_DATE = np.datetime64("2022-03-02")
EXAMPLES = 10


def _starts(column: pd.Series, prefix: str) -> np.ndarray:
    """`column.str.startswith(prefix)` for a categorical, tested once per category, not once per row."""
    if not isinstance(column.dtype, pd.CategoricalDtype):
        return column.astype(str).str.startswith(prefix).to_numpy(dtype=bool)
    matches = np.array([str(c).startswith(prefix) for c in column.cat.categories] + [False])
    return matches[column.cat.codes.to_numpy()]  # code -1 (missing) reads the final False


def apply(table: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The table with excluded sizes blanked (`size_excluded` says why) and the rules' report."""
    params_b = table["params_b"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        small = (params_b < MIN_PARAMS_B) | (params_b > MAX_PARAMS_B)  # NaN: neither (no size, its own rule)
    present = [c for c in SCORES if c in table]
    infinite = np.zeros(len(table), dtype=bool)
    for column in present:
        infinite |= np.isinf(table[column].to_numpy(dtype=float))
    from_pages = _starts(table["size_source"], "model_pages:")
    packed = table["quantized"].to_numpy(dtype=bool) & ~from_pages & np.isfinite(params_b) & ~small
    hub, board = table["hub_params_b"].to_numpy(), table["board_params_b"].to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        gap = np.abs(board - hub) / hub
    disagree = np.isfinite(gap) & (gap > DISAGREE)
    reason = np.select([small], ["implausible_size"], "")  # packed totals: decided by the size audit
    excluded = reason != ""
    out = table.assign(size_excluded=reason)
    for column in ("params_b", "log10_params_b", "score_per_b"):
        out[column] = out[column].where(~excluded)
    for column in [*present, *(c for c in ("score_per_b", "score_per_kg") if c in out)]:  # and their ratios
        values = out[column].to_numpy(dtype=float)
        out[column] = np.where(np.isfinite(values), values, np.nan)
    dates = out["upload_date"].to_numpy()
    undated = np.isnat(dates) | (dates == PLACEHOLDER_DATE)
    rules = {
        "implausible_size": _rule(table, small, "size under 10 M or over 10 T parameters", "size excluded",
                                  ["params_b", "size_source", "average"]),
        "non_finite": _rule(table, infinite, "an infinite score or CO₂", "value blanked: left out of every "
                            "statistic and figure", present),
        "quantized_total": _rule(table, packed, "packed-quantized repo (the Hub's dtypes, tags or "
                                 "quantization_config) sized by a packed safetensors total", "audited: the base "
                                 "model's count, else excluded (size_audit packed_quantized)",
                                 ["params_b", "size_source", "average"]),
        "board_hub_disagree": _rule(table.assign(relative_gap=gap), disagree, "board size differs from the Hub's "
                                    "exact count by more than 5 %", "corrected: the Hub's count is used",
                                    ["board_params_b", "hub_params_b", "relative_gap"], by="relative_gap"),
        "no_size": _rule(table, np.isnan(params_b), "no source gives a size", "left out of size statistics",
                         ["average"]),
        "no_co2": _rule(table, ~np.isfinite(table["co2_kg"].to_numpy()), "evaluation without CO₂ (null or ≤ 0)",
                        "left out of per-kg statistics", ["average"]),
        "duplicate_evaluations": _rule(table, table["evaluations"].to_numpy() > 1, "model evaluated more than "
                                       "once on the board", "one row kept (latest evaluation, then precision, "
                                       "then revision)", ["evaluations"], by="evaluations"),
        "undated": _rule(table, undated, "no upload date, or the 2022-03-02 placeholder", "left out of the density "
                         "fit", ["average"]),
    }
    rules["duplicate_evaluations"]["extra_rows"] = int((table["evaluations"] - 1).clip(lower=0).sum())
    return out, {"n_models": int(len(table)), "rules": rules}


def _rule(table: pd.DataFrame, mask: np.ndarray, rule: str, action: str, columns: list[str],
          by: str | None = None) -> dict[str, Any]:
    matched = table.loc[mask, ["model_id", *columns]]
    if by is not None:
        matched = matched.sort_values(by, ascending=False)
    examples = [{k: _plain(v) for k, v in row.items()} for row in matched.head(EXAMPLES).to_dict("records")]
    return {"rule": rule, "action": action, "count": int(mask.sum()), "examples": examples}


def _plain(value: Any) -> Any:
    if isinstance(value, (np.floating, float)):
        return None if not np.isfinite(value) else float(value)
    if isinstance(value, np.integer):
        return int(value)
    return value if value is None or isinstance(value, (int, str, bool)) else str(value)


def run_records(data_dir: Path) -> list[dict[str, Any]]:
    """The crawls' own counts, from DATA_DIR/_runs/*.json; an unreadable record is listed as such."""
    records = []
    for path in sorted((Path(data_dir) / "_runs").glob("*.json")):
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
            stats = record.get("stats") or {}
        except (OSError, ValueError, AttributeError) as exc:
            records.append({"file": path.name, "status": f"unreadable: {exc}"})
            continue
        if not isinstance(stats, dict):
            stats = {}
        records.append({
            "file": path.name, "spider": record.get("spider"), "status": record.get("status"),
            "reason": record.get("reason"), "started": record.get("started"),
            # items as Scrapy counts them (the hub spider's are list pages); rows: what the crawl wrote
            "items": stats.get("item_scraped_count"),
            "rows": sum(v for k, v in stats.items() if isinstance(v, int) and str(k).startswith("parquet/")
                        and str(k).endswith("/items")),
            "dropped": stats.get("item_dropped_count"),
            "responses": stats.get("response_received_count"),
            "http_429": stats.get("downloader/response_status_count/429", 0),
            "errors": sum(v for k, v in stats.items() if isinstance(v, int) and any(
                word in str(k) for word in ("error", "failure", "invalid", "exception"))),
        })
    return records
