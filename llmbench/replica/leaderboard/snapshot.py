"""The real Open LLM Leaderboard v2 snapshot, rebuilt into the shapes the live service served.

The package ships the final formatted CSV (4,576 rows, 2025-03-21) gzipped. This module turns it back
into the `/api/leaderboard/formatted` JSON objects (reference: docs/leaderboard.md §10-11) and into the raw
`open-llm-leaderboard/contents` rows (§9), so the replica serves recorded data, not invented data.
"""

from __future__ import annotations

import csv
import gzip
import io
from functools import lru_cache
from importlib import resources
from typing import Any

# The board's benchmarks and their raw `contents` column names, as the live service named them. Kept
# here, not imported from the parser: the replica states the service's facts independently of the client.
BENCHMARKS = ("ifeval", "bbh", "math", "gpqa", "musr", "mmlu_pro")
RAW_BENCH_COLUMNS = {"ifeval": "IFEval", "bbh": "BBH", "math": "MATH Lvl 5", "gpqa": "GPQA", "musr": "MUSR",
                     "mmlu_pro": "MMLU-PRO"}

SNAPSHOT_FILE = "open_llm_leaderboard_v2_formatted_2025-03-21.csv.gz"

MODEL_KEYS = ("name", "sha", "precision", "type", "weight_type", "architecture")
FEATURE_KEYS = ("is_not_available_on_hub", "is_merged", "is_moe", "is_flagged", "is_official_provider")

# Raw `Type` strings by formatted type (docs/leaderboard.md §7).
RAW_TYPES = {
    "pretrained": ("🟢 pretrained", "🟢"),
    "continuouslypretrained": ("🟩 continuously pretrained", "🟩"),
    "fine-tunedondomain-specificdatasets": ("🔶 fine-tuned on domain-specific datasets", "🔶"),
    "chatmodels": ("💬 chat models (RLHF, DPO, IFT, ...)", "💬"),
    "basemergesandmoerges": ("🤝 base merges and moerges", "🤝"),
    "multimodal": ("🌸 multimodal", "🌸"),
    "❓other": ("❓ other", "❓"),
}

# Column order of the raw `contents` dataset (docs/leaderboard.md §9).
RAW_COLUMNS = (
    "eval_name", "Precision", "Type", "T", "Weight type", "Architecture", "Model", "fullname",
    "Model sha", "Average ⬆️", "Hub License", "Hub ❤️", "#Params (B)", "Available on the hub", "MoE",
    "Flagged", "Chat Template", "CO₂ cost (kg)", "IFEval Raw", "IFEval", "BBH Raw", "BBH",
    "MATH Lvl 5 Raw", "MATH Lvl 5", "GPQA Raw", "GPQA", "MUSR Raw", "MUSR", "MMLU-PRO Raw",
    "MMLU-PRO", "Merged", "Official Providers", "Upload To Hub Date", "Submission Date",
    "Generation", "Base Model",
)


def _bool(text: str) -> bool:
    if text not in ("TRUE", "FALSE"):
        raise ValueError(f"not a CSV boolean: {text!r}")
    return text == "TRUE"


def formatted_from_csv_row(row: dict[str, str]) -> dict[str, Any]:
    """One CSV row → one `/api/leaderboard/formatted` object, keys in the live order."""
    model: dict[str, Any] = {key: row[f"model_{key}"] for key in MODEL_KEYS}
    model["average_score"] = float(row["model_average_score"])
    model["has_chat_template"] = _bool(row["model_has_chat_template"])
    evaluations = {
        bench: {
            "name": row[f"evaluations_{bench}_name"],
            "value": float(row[f"evaluations_{bench}_value"]),
            "normalized_score": float(row[f"evaluations_{bench}_normalized_score"]),
        }
        for bench in BENCHMARKS
    }
    features = {key: _bool(row[f"features_{key}"]) for key in FEATURE_KEYS}
    metadata = {
        "upload_date": row["metadata_upload_date"],
        "submission_date": row["metadata_submission_date"],
        "generation": int(row["metadata_generation"]),
        "base_model": row["metadata_base_model"],
        "hub_license": row["metadata_hub_license"],
        "hub_hearts": int(row["metadata_hub_hearts"]),
        "params_billions": float(row["metadata_params_billions"]),
        "co2_cost": float(row["metadata_co2_cost"]),
    }
    return {
        "id": row["id"],
        "model": model,
        "evaluations": evaluations,
        "features": features,
        "metadata": metadata,
    }


@lru_cache(maxsize=1)
def formatted_rows() -> tuple[dict[str, Any], ...]:
    """All 4,576 rows in dataset (CSV) order. Cached: treat the result as read-only."""
    blob = resources.files("llmbench.replica.leaderboard").joinpath("data", SNAPSHOT_FILE).read_bytes()
    text = gzip.decompress(blob).decode("utf-8")
    return tuple(formatted_from_csv_row(row) for row in csv.DictReader(io.StringIO(text)))


def model_link_html(fullname: str) -> str:
    """The raw `Model` column: the Hub link, two spaces, the details-dataset link (§9)."""
    style = "color: var(--link-text-color); text-decoration: underline;text-decoration-style: dotted;"
    details = fullname.replace("/", "__", 1)
    return (
        f'<a target="_blank" href="https://huggingface.co/{fullname}" style="{style}">{fullname}</a>'
        f'  <a target="_blank" href="https://huggingface.co/datasets/open-llm-leaderboard/{details}-details"'
        f' style="{style}">📑</a>'
    )


def raw_from_formatted(row: dict[str, Any]) -> dict[str, Any]:
    """One formatted object → one raw `contents` row (§9), columns in dataset order."""
    model, meta, feats, evals = row["model"], row["metadata"], row["features"], row["evaluations"]
    raw_type, symbol = RAW_TYPES[model["type"]]
    fullname = model["name"]
    out: dict[str, Any] = {
        "eval_name": f"{fullname.replace('/', '_')}_{model['precision']}",
        "Precision": model["precision"],
        "Type": raw_type,
        "T": symbol,
        "Weight type": model["weight_type"],
        "Architecture": model["architecture"],
        "Model": model_link_html(fullname),
        "fullname": fullname,
        "Model sha": model["sha"],
        "Average ⬆️": model["average_score"],
        "Hub License": meta["hub_license"],
        "Hub ❤️": meta["hub_hearts"],
        "#Params (B)": meta["params_billions"],
        "Available on the hub": feats["is_not_available_on_hub"],
        "MoE": feats["is_moe"],
        "Flagged": feats["is_flagged"],
        "Chat Template": model["has_chat_template"],
        "CO₂ cost (kg)": meta["co2_cost"],
    }
    for bench in BENCHMARKS:
        name = RAW_BENCH_COLUMNS[bench]
        out[f"{name} Raw"] = evals[bench]["value"]
        out[name] = evals[bench]["normalized_score"]
    out.update(
        {
            "Merged": feats["is_merged"],
            "Official Providers": feats["is_official_provider"],
            "Upload To Hub Date": meta["upload_date"],
            "Submission Date": meta["submission_date"],
            "Generation": meta["generation"],
            "Base Model": meta["base_model"],
        }
    )
    return {key: out[key] for key in RAW_COLUMNS}
