"""Item schemas: every field's type and meaning in one place.

Each item is a dataclass whose fields carry `doc` and a pyarrow `type` in their metadata; the parquet
schema (`schema_of`), DATA.md and the quality checks are derived from these declarations.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any, ClassVar

import pyarrow as pa

TIMESTAMP = pa.timestamp("ms", tz="UTC")


def column(type_: pa.DataType, doc: str, *, required: bool = False) -> Any:
    return field(default=None, metadata={"type": type_, "doc": doc, "required": required})


@dataclass
class HubModelItem:
    """One model repo as the Hub API describes it (`hub` spider → dataset `hub_models`)."""

    dataset: ClassVar[str] = "hub_models"
    key_fields: ClassVar[tuple[str, ...]] = ("model_id",)

    model_id: str = column(pa.string(), "Repo id `owner/name`, as the Hub spells it.", required=True)
    author: str = column(pa.string(), "Namespace (user or organisation).", required=True)
    license: str = column(pa.string(), "First license of the card (`cardData.license`, string or list), "
                          "else the `license:` tag; null when none is declared.")
    languages: list = column(pa.list_(pa.string()), "Card languages (`cardData.language`, string or list), "
                             "empty when none are declared.")
    pipeline_tag: str = column(pa.string(), "Task, e.g. `text-generation`.")
    library: str = column(pa.string(), "Library, e.g. `transformers`, `gguf`, `peft`.")
    tags: list = column(pa.list_(pa.string()), "All Hub tags.")
    downloads: int = column(pa.int64(), "Downloads in the last 30 days.")
    downloads_all_time: int = column(pa.int64(), "Downloads since the repo was created.")
    likes: int = column(pa.int64(), "Hub likes (hearts).")
    created_at: Any = column(TIMESTAMP, "Creation time (2022-03-02T23:29:04Z means before dates were tracked).")
    last_modified: Any = column(TIMESTAMP, "Last commit time.")
    gated: str = column(pa.string(), "`no`, `auto` or `manual`.")
    base_models: list = column(pa.list_(pa.string()), "Parent repos (`baseModels`, else `cardData.base_model`).")
    base_model_relation: str = column(pa.string(), "`finetune`, `quantized`, `adapter` or `merge`; null if none.")
    params: int = column(pa.int64(), "Parameter count; null when unknown or when the only number is an "
                         "under-reported quantized total (see `params_reported`).")
    params_source: str = column(pa.string(), "Where `params` came from: `safetensors` or `gguf`; "
                                "`safetensors-quantized` when the reported total was rejected.")
    params_reported: int = column(pa.int64(), "The raw `safetensors.total` / `gguf.total` as the Hub reports it.")
    quantized: bool = column(pa.bool_(), "Packed-integer quantized weights (GPTQ/AWQ/4-bit/8-bit): "
                             "safetensors counts each packed element once, so its total under-reports.")
    crawled_at: Any = column(TIMESTAMP, "When this row was fetched.", required=True)
    endpoint: str = column(pa.string(), "Hub endpoint that served it.", required=True)


ITEM_CLASSES: tuple[type, ...] = (HubModelItem,)


def schema_of(item_class: type) -> pa.Schema:
    """The explicit pyarrow schema of an item class, with field docs as metadata."""
    return pa.schema(
        [
            pa.field(f.name, f.metadata["type"], nullable=not f.metadata.get("required"),
                     metadata={"doc": f.metadata["doc"]})
            for f in fields(item_class)
        ],
        metadata={"dataset": item_class.dataset},
    )


def required_fields(item_class: type) -> list[str]:
    return [f.name for f in fields(item_class) if f.metadata.get("required")]
