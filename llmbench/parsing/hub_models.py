"""Turn Hub API JSON into `HubModelItem`s, reading each field directly and checking its type.

Normalization: cardData's `license`, `language` and `base_model` come as a string or a list; the
item always holds one license (the first), a list of languages and a list of base models. A custom
license (`license: other`) is named by the card's `license_name` / `license_link` (docs/hub-api.md §4).
Parents come from `baseModels`, else the card, else the `base_model:[<relation>:]<id>` tags.
Quantized repos under-report parameters (docs/model-sizes.md §2): such a total is kept in `params_reported` and
`params` stays null for the size spider.

The fields are read as huggingface_hub's `ModelInfo` reads them (tests/unit/test_hub_conformance.py proves
the rows identical) but without building one: that round trip cost more than the rest of the row.
A field of an unexpected type raises HubShapeError: that entry is skipped, never its page.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from llmbench.items import HubModelItem
from llmbench.parsing.quantization import is_quantized

API_EXPAND = (
    "author", "downloads", "downloadsAllTime", "likes", "tags", "createdAt", "lastModified", "pipeline_tag",
    "library_name", "gated", "cardData", "config", "safetensors", "gguf", "baseModels", "evalResults",
    "model-index",
)
RELATIONS = ("adapter", "finetune", "merge", "quantized")
_LINK_NEXT = re.compile(r'<([^>]+)>\s*;\s*rel="?next"?')


class HubShapeError(ValueError):
    """The API answered with JSON of a shape we do not know."""


def next_link(link_header: str | list[str] | None) -> str | None:
    """The `rel="next"` URL among one or several `Link` header values, unchanged."""
    values = [link_header] if isinstance(link_header, str) else (link_header or [])
    for value in values:
        match = _LINK_NEXT.search(value)
        if match:
            return match.group(1)
    return None


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


def base_models_from_tags(tags: list[str]) -> tuple[list[str], str | None]:
    """Parents and relation from `base_model:<relation>:<id>` tags, else plain `base_model:<id>` tags."""
    if "base_model:" not in " ".join(tags):  # most repos: decided in one C call, not the loop below
        return [], None
    related: list[str] = []
    plain: list[str] = []
    relation = None
    for tag in tags:
        if not tag.startswith("base_model:"):
            continue
        head, sep, tail = tag[len("base_model:"):].partition(":")
        if sep and head in RELATIONS:
            relation = relation or head
            related.append(tail)
        elif not sep:
            plain.append(head)
    return list(dict.fromkeys(related or plain)), relation


def _typed(data: dict[str, Any], key: str, kinds: type | tuple[type, ...], model_id: str) -> Any:
    value = data.get(key)
    if value is None or type(value) is kinds:  # the usual case, decided without isinstance
        return value
    if isinstance(value, kinds) and not (isinstance(value, bool) and bool not in kinds):
        return value
    raise HubShapeError(f"model {model_id}: `{key}` is {type(value).__name__} {str(value)[:40]!r}")


def _date(data: dict[str, Any], key: str, model_id: str) -> datetime | None:
    value = _typed(data, key, str, model_id)
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        raise HubShapeError(f"model {model_id}: `{key}` is not an ISO time with a zone: {value[:40]!r}")
    return parsed


def _safetensors(data: dict[str, Any], model_id: str) -> dict[str, Any] | None:
    block = _typed(data, "safetensors", dict, model_id)
    if not block:
        return None
    if not isinstance(block.get("parameters"), dict) or isinstance(block.get("total"), bool) \
            or not isinstance(block.get("total"), int):
        raise HubShapeError(f"model {model_id}: `safetensors` lacks an integer total: {str(block)[:60]!r}")
    return block


def choose_params(safetensors: dict | None, gguf: dict | None, quantized: bool) -> tuple[int | None, str | None,
                                                                                            int | None]:
    """(params, params_source, params_reported)."""
    if safetensors is not None:
        total = safetensors["total"]
        if quantized:
            return None, "safetensors-quantized", total
        return total, "safetensors", total
    if gguf and isinstance(gguf.get("total"), int):
        return gguf["total"], "gguf", gguf["total"]
    return None, None, None


# The type each plain field must have; checked in one pass, the values then read directly.
FIELD_TYPES: tuple[tuple[str, type | tuple[type, ...]], ...] = (
    ("tags", list), ("cardData", dict), ("config", dict), ("gguf", dict), ("baseModels", dict),
    ("gated", (bool, str)), ("author", str), ("pipeline_tag", str), ("library_name", str), ("downloads", int),
    ("downloadsAllTime", int), ("likes", int),
)


def _check_types(data: dict[str, Any], model_id: str) -> None:
    """HubShapeError for the first field of FIELD_TYPES with a value of another type (None is allowed)."""
    get = data.get
    for key, kinds in FIELD_TYPES:
        value = get(key)
        if value is not None and type(value) is not kinds:  # the usual case ends here
            _typed(data, key, kinds, model_id)


def item_from_api(data: Any, *, endpoint: str, crawled_at: datetime) -> HubModelItem:
    """One `/api/models` entry → one item. Raises HubShapeError when the entry is unusable."""
    if not isinstance(data, dict) or not isinstance(data.get("id"), str):
        raise HubShapeError(f"model entry without an id: {str(data)[:120]}")
    model_id = data["id"]
    _check_types(data, model_id)
    tags = data.get("tags") or []
    if tags and set(map(type, tags)) != {str} and not all(isinstance(tag, str) for tag in tags):
        raise HubShapeError(f"model {model_id}: `tags` holds a non-string")
    card = data.get("cardData") or {}
    config = data.get("config")
    safetensors = _safetensors(data, model_id)
    gguf = data.get("gguf")
    base_block = data.get("baseModels") or {}
    base_models = [m["id"] for m in base_block.get("models") or () if isinstance(m, dict) and m.get("id")]
    relation = base_block.get("relation")
    if not base_models:
        tag_models, relation = base_models_from_tags(tags)
        base_models = as_list(card.get("base_model")) or tag_models
    quantized = is_quantized(safetensors["parameters"] if safetensors else None, tags, config)
    params, source, reported = choose_params(safetensors, gguf, quantized)
    license_ = first_license(card.get("license"), tags)
    custom = license_ == "other"
    gated = data.get("gated")
    return HubModelItem(
        model_id=model_id,
        author=data.get("author") or model_id.split("/", 1)[0],
        license=license_,
        license_name=_typed(card, "license_name", str, model_id) if custom else None,
        license_link=_typed(card, "license_link", str, model_id) if custom else None,
        languages=as_list(card.get("language")),
        pipeline_tag=data.get("pipeline_tag"),
        library=data.get("library_name"),
        tags=tags,
        downloads=data.get("downloads"),
        downloads_all_time=data.get("downloadsAllTime"),
        likes=data.get("likes"),
        created_at=_date(data, "createdAt", model_id),
        last_modified=_date(data, "lastModified", model_id),
        gated="no" if gated in (False, None) else str(gated),
        base_models=base_models,
        base_model_relation=relation,
        params=params,
        params_source=source,
        params_reported=reported,
        quantized=quantized,
        crawled_at=crawled_at,
        endpoint=endpoint,
    )
