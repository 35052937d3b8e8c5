"""Leaderboard rows → `LeaderboardItem`s, from the app's formatted JSON, the raw `contents` dataset, or
cells read off the rendered table. Quirks handled (docs/leaderboard.md §7-8): the misnamed
`is_not_available_on_hub`, params 0/-1 and CO₂ ≤ 0 meaning unknown, empty strings for missing
values, `Removed` and `<repo> (Merge)` base models, the squashed formatted type names. A NaN or
±Infinity in a score or size is passed on: pipelines/quality.py stores it as null and counts it.
"""

from __future__ import annotations

import math
import re
from datetime import datetime
from typing import Any

from llmbench.items import LeaderboardItem

BENCHMARKS = ("ifeval", "bbh", "math", "gpqa", "musr", "mmlu_pro")
RAW_BENCH_COLUMNS = {"ifeval": "IFEval", "bbh": "BBH", "math": "MATH Lvl 5", "gpqa": "GPQA", "musr": "MUSR",
                     "mmlu_pro": "MMLU-PRO"}
# formatted `model.type` → (type, symbol)
TYPES = {
    "pretrained": ("pretrained", "🟢"),
    "continuouslypretrained": ("continuously pretrained", "🟩"),
    "fine-tunedondomain-specificdatasets": ("fine-tuned", "🔶"),
    "chatmodels": ("chat", "💬"),
    "basemergesandmoerges": ("merge", "🤝"),
    "multimodal": ("multimodal", "🌸"),
    "❓other": ("other", "❓"),
}


class LeaderboardShapeError(ValueError):
    """A row without the fields every leaderboard row has."""


def key_of(item: LeaderboardItem) -> tuple:
    """The row's identity, `LeaderboardItem.key_fields` (model, precision, revision)."""
    return tuple(getattr(item, name) for name in LeaderboardItem.key_fields)


def squash_type(raw_type: str) -> str:
    """The backend's transform of a raw `Type` string into the formatted `model.type` (§7)."""
    text = raw_type.lower().strip().split("(", 1)[0]
    return "".join(ch for ch in text if ch not in "🔶🟢🟩💬🤝🌸 ")


def type_of(formatted_type: str) -> tuple[str, str]:
    if formatted_type in TYPES:
        return TYPES[formatted_type]
    return "other", "❓"


def blank_to_none(value: Any) -> Any:
    return None if value in ("", None) else value


def positive_or_none(value: Any) -> float | None:
    """The board's 0 / -1 / negative (unknown) as None. A NaN or ±Infinity is passed on as it came: the
    quality stage (pipelines/quality.py) stores it as null and counts it, so it is neither kept nor lost
    silently."""
    if value is None:
        return None
    number = float(value)
    return number if number > 0 or not math.isfinite(number) else None


def base_model_of(value: str | None) -> tuple[str | None, bool]:
    if not value or value == "Removed":
        return None, False
    if value.endswith(" (Merge)"):
        return value.removesuffix(" (Merge)"), True
    return value, False


def item_from_formatted(row: dict[str, Any], *, source: str, url: str, crawled_at: datetime) -> LeaderboardItem:
    """One `/api/leaderboard/formatted` object → item."""
    try:
        model, evals, feats, meta = row["model"], row["evaluations"], row["features"], row["metadata"]
        kind, symbol = type_of(model["type"])
        base, merge = base_model_of(meta.get("base_model"))
        scores: dict[str, Any] = {}
        for bench in BENCHMARKS:
            scores[f"{bench}_raw"] = evals[bench]["value"]
            scores[bench] = evals[bench]["normalized_score"]
        return LeaderboardItem(
            model_id=model["name"], precision=model["precision"], revision=model.get("sha") or "",
            type=kind, type_symbol=symbol, weight_type=model.get("weight_type"),
            architecture=blank_to_none(model.get("architecture")), average=model["average_score"],
            params_billions=positive_or_none(meta.get("params_billions")),
            co2_kg=positive_or_none(meta.get("co2_cost")), license=blank_to_none(meta.get("hub_license")),
            hearts=meta.get("hub_hearts"), is_merged=bool(feats["is_merged"]), is_moe=bool(feats["is_moe"]),
            is_flagged=bool(feats["is_flagged"]), is_official_provider=bool(feats["is_official_provider"]),
            available_on_hub=bool(feats["is_not_available_on_hub"]),  # misnomer upstream: True = on the Hub
            upload_date=blank_to_none(meta.get("upload_date")),
            submission_date=blank_to_none(meta.get("submission_date")), generation=meta.get("generation"),
            base_model=base, base_model_is_merge=merge, has_chat_template=bool(model.get("has_chat_template")),
            source=source, crawled_at=crawled_at, url=url, **scores,
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise LeaderboardShapeError(f"unexpected leaderboard row {str(row)[:160]}: {exc!r}") from exc


def item_from_raw(row: dict[str, Any], *, url: str, crawled_at: datetime) -> LeaderboardItem:
    """One raw `open-llm-leaderboard/contents` row (§9) → item, through the formatted shape."""
    try:
        formatted = {
            "model": {"name": row["fullname"], "sha": row["Model sha"], "precision": row["Precision"],
                      "type": squash_type(row["Type"]), "weight_type": row["Weight type"],
                      "architecture": row["Architecture"], "average_score": row["Average ⬆️"],
                      "has_chat_template": row["Chat Template"]},
            "evaluations": {b: {"value": row[f"{c} Raw"], "normalized_score": row[c]}
                            for b, c in RAW_BENCH_COLUMNS.items()},
            "features": {"is_not_available_on_hub": row["Available on the hub"], "is_merged": row["Merged"],
                         "is_moe": row["MoE"], "is_flagged": row["Flagged"],
                         "is_official_provider": row["Official Providers"]},
            "metadata": {"upload_date": row["Upload To Hub Date"], "submission_date": row["Submission Date"],
                         "generation": row["Generation"], "base_model": row["Base Model"],
                         "hub_license": row["Hub License"], "hub_hearts": row["Hub ❤️"],
                         "params_billions": row["#Params (B)"], "co2_cost": row["CO₂ cost (kg)"]},
        }
    except KeyError as exc:
        raise LeaderboardShapeError(f"contents row without column {exc}") from exc
    return item_from_formatted(formatted, source="dataset", url=url, crawled_at=crawled_at)


_PERCENT = re.compile(r"^(-?\d+(?:\.\d+)?)\s*%$")
_KG = re.compile(r"^(-?\d+(?:\.\d+)?)\s*kg$")


def percent(text: str | None) -> float | None:
    match = _PERCENT.match((text or "").strip())
    return float(match.group(1)) if match else None


def kilograms(text: str | None) -> float | None:
    match = _KG.match((text or "").strip())
    return positive_or_none(match.group(1)) if match else None


def item_from_cells(cells: dict[str, str], *, url: str, crawled_at: datetime) -> LeaderboardItem:
    """One rendered table row (header key → cell text) → item. Only what the table shows: no raw scores."""
    name = cells.get("model_link")
    if not name:
        raise LeaderboardShapeError(f"rendered row without a Hub link: {cells}")
    href = cells.get("model_href")
    parts = name.split("/")  # `owner/name`, or a legacy `name` (the board's `gpt2`)
    if href is not None and href.rstrip("/").split("/")[-len(parts):] != parts:
        raise LeaderboardShapeError(f"link text {name!r} does not match its target {href!r}")
    kind, symbol = type_of(cells.get("model.type_title") or "")
    raw_base = (cells.get("metadata.base_model") or "").strip()
    base, merge = base_model_of(None if raw_base in ("", "-") else raw_base)
    params = cells.get("metadata.params_billions", "").removesuffix("B").strip()
    yes = {"Yes": True, "No": False}
    return LeaderboardItem(
        model_id=name, precision=cells.get("model.precision") or "", revision=(cells.get("model.sha") or "").strip("-"),
        type=kind, type_symbol=symbol,
        architecture=blank_to_none((cells.get("model.architecture") or "").strip("-")),
        average=percent(cells.get("model.average_score")),
        **{bench: percent(cells.get(f"evaluations.{bench}.normalized_score")) for bench in BENCHMARKS},
        params_billions=positive_or_none(params) if params else None,
        co2_kg=kilograms(cells.get("metadata.co2_cost")),
        license=blank_to_none((cells.get("metadata.hub_license") or "").strip("-")),
        hearts=int(cells["metadata.hub_hearts"]) if cells.get("metadata.hub_hearts", "").isdigit() else None,
        is_moe=yes.get(cells.get("features.is_moe", "")), is_flagged=yes.get(cells.get("features.is_flagged", "")),
        is_official_provider=yes.get(cells.get("features.is_official_provider", "")),
        available_on_hub=yes.get(cells.get("features.is_not_available_on_hub", "")),
        upload_date=blank_to_none((cells.get("metadata.upload_date") or "").strip("-")),
        submission_date=blank_to_none((cells.get("metadata.submission_date") or "").strip("-")),
        generation=int(cells["metadata.generation"]) if cells.get("metadata.generation", "").isdigit() else None,
        base_model=base, base_model_is_merge=merge,
        has_chat_template=yes.get(cells.get("model.has_chat_template", "")),
        source="dom", crawled_at=crawled_at, url=url,
    )
