"""Turn Hub API JSON into `HubModelItem`s, with huggingface_hub's `ModelInfo` doing the parsing.

Normalization: cardData's `license`, `language` and `base_model` come as a string or a list; the
item always holds one license (the first), a list of languages and a list of base models.
Quantized repos under-report parameters (hub.md §9): packed integer tensors hold several weights per
element, so such a total is kept in `params_reported` and `params` stays null for the size spider.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from huggingface_hub import ModelInfo

from llmbench.items import HubModelItem

API_EXPAND = (
    "author", "downloads", "downloadsAllTime", "likes", "tags", "createdAt", "lastModified", "pipeline_tag",
    "library_name", "gated", "cardData", "config", "safetensors", "gguf", "baseModels", "evalResults",
)
PACKED_DTYPES = {"I32", "U32", "U8", "I8"}
FLOAT_DTYPES = {"F16", "BF16", "F32"}
QUANT_TAGS = {"4-bit", "8-bit", "gptq", "awq", "bitsandbytes", "exl2"}
_LINK_NEXT = re.compile(r'<([^>]+)>\s*;\s*rel="?next"?')


class HubShapeError(ValueError):
    """The API answered with JSON of a shape we do not know."""


def next_link(link_header: str | None) -> str | None:
    """The `rel="next"` URL of a `Link` header, unchanged."""
    if not link_header:
        return None
    match = _LINK_NEXT.search(link_header)
    return match.group(1) if match else None


def as_list(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value if v not in (None, "")]
    return [str(value)]


def first_license(card_license: Any, tags: list[str]) -> str | None:
    licenses = as_list(card_license)
    if licenses:
        return licenses[0]
    for tag in tags:
        if tag.startswith("license:"):
            return tag.split(":", 1)[1]
    return None


def is_quantized(safetensors: dict[str, int] | None, tags: list[str], config: dict | None) -> bool:
    """The rule of hub.md §9: packed ints mixed with floats, a quantization tag, or a quantization_config."""
    dtypes = set((safetensors or {}).keys())
    if dtypes & PACKED_DTYPES and dtypes & FLOAT_DTYPES:
        return True
    if QUANT_TAGS & {t.lower() for t in tags}:
        return True
    return bool(config and config.get("quantization_config"))


def choose_params(info: ModelInfo, quantized: bool) -> tuple[int | None, str | None, int | None]:
    """(params, params_source, params_reported)."""
    if info.safetensors is not None:
        total = int(info.safetensors.total)
        if quantized:
            return None, "safetensors-quantized", total
        return total, "safetensors", total
    gguf = info.gguf if isinstance(info.gguf, dict) else None
    if gguf and isinstance(gguf.get("total"), int):
        return gguf["total"], "gguf", gguf["total"]
    return None, None, None


def item_from_api(data: dict[str, Any], *, endpoint: str, crawled_at: datetime) -> HubModelItem:
    """One `/api/models` entry → one item. Raises HubShapeError when the entry is unusable."""
    if not isinstance(data, dict) or not isinstance(data.get("id"), str):
        raise HubShapeError(f"model entry without an id: {str(data)[:120]}")
    try:
        info = ModelInfo(**data)
    except (KeyError, TypeError, ValueError) as exc:
        raise HubShapeError(f"unparseable model entry {data.get('id')}: {exc}") from exc
    tags = list(info.tags or [])
    card = info.card_data
    base_block = info.base_models if isinstance(info.base_models, dict) else {}
    base_models = [m["id"] for m in base_block.get("models", []) if isinstance(m, dict) and m.get("id")]
    if not base_models and card is not None:
        base_models = as_list(card.base_model)
    quantized = is_quantized(info.safetensors.parameters if info.safetensors else None, tags,
                             info.config if isinstance(info.config, dict) else None)
    params, source, reported = choose_params(info, quantized)
    gated = info.gated
    return HubModelItem(
        model_id=info.id,
        author=info.author or info.id.split("/", 1)[0],
        license=first_license(card.license if card is not None else None, tags),
        languages=as_list(card.language) if card is not None else [],
        pipeline_tag=info.pipeline_tag,
        library=info.library_name,
        tags=tags,
        downloads=info.downloads,
        downloads_all_time=info.downloads_all_time,
        likes=info.likes,
        created_at=info.created_at,
        last_modified=info.last_modified,
        gated="no" if gated in (False, None) else str(gated),
        base_models=base_models,
        base_model_relation=base_block.get("relation"),
        params=params,
        params_source=source,
        params_reported=reported,
        quantized=quantized,
        crawled_at=crawled_at,
        endpoint=endpoint,
    )
