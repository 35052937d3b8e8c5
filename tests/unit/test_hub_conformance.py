"""Recorded real Hub responses (tests/fixtures/hub-samples, sources in its SOURCES.md) through our parsers.

Each recording must parse to the values it really holds; and the direct field reading of
`item_from_api` must agree with huggingface_hub's own `ModelInfo` on every recording and on the
replica's whole catalogue (the fields are read without building a ModelInfo, for speed).
"""

from __future__ import annotations

import json
from dataclasses import asdict, fields
from datetime import UTC, datetime
from pathlib import Path

import pytest
from huggingface_hub import ModelInfo

from llmbench.items import HubModelItem, row_of
from llmbench.parsing.hub_models import as_list, base_models_from_tags, first_license, item_from_api, next_link
from llmbench.parsing.sizes import model_header, size_from_page_json

SAMPLES = Path(__file__).parents[1] / "fixtures" / "hub-samples"
NOW = datetime(2026, 11, 28, tzinfo=UTC)


def sample(name: str):
    return json.loads((SAMPLES / name).read_text(encoding="utf-8"))


def item(data: dict):
    return item_from_api(data, endpoint="https://huggingface.co", crawled_at=NOW)


def test_gated_safetensors_model_info():
    got = item(sample("model_info_meta-llama_Llama-3.2-3B.json"))
    assert (got.model_id, got.author, got.gated, got.license) == ("meta-llama/Llama-3.2-3B", "meta-llama", "manual",
                                                                 "llama3.2")
    assert got.languages == ["en", "de", "fr", "it", "pt", "hi", "es", "th"]
    assert (got.params, got.params_source, got.quantized) == (3212749824, "safetensors", False)
    assert got.downloads == 235716 and got.likes == 286 and got.library == "transformers"
    assert got.created_at == datetime(2024, 9, 18, 15, 23, 48, tzinfo=UTC)
    assert got.base_models == [] and got.base_model_relation is None and got.license_name is None


def test_gptq_model_info_is_quantized():
    got = item(sample("model_info_TheBloke_DiscoLM-120b-GPTQ.json"))
    assert got.quantized and got.params is None
    assert (got.params_source, got.params_reported) == ("safetensors-quantized", 15214973184)
    assert got.base_models == ["DiscoResearch/DiscoLM-120b"] and got.license == "llama2"
    assert got.last_modified == datetime(2023, 12, 3, 10, 31, 1, tzinfo=UTC)


def test_gguf_only_model_info_gets_its_parent_from_the_tags():
    got = item(sample("model_info_ggml-org_gemma-3-1b-it-GGUF.json"))
    assert (got.params, got.params_source) == (999885952, "gguf")
    assert got.pipeline_tag is None and got.library is None and got.license == "gemma"
    assert got.base_models == ["google/gemma-3-1b-it"]
    assert got.base_model_relation == "quantized", "no baseModels block: the base_model:quantized: tag says so"


def test_list_entries_default_fields():
    kimi, minimax = (item(e) for e in sample("list_models_default_no_expand.json"))
    assert kimi.model_id == "moonshotai/Kimi-K2-Thinking" and kimi.author == "moonshotai"
    assert kimi.license == "other" and kimi.license_name is None, "only the tag: the name is in the card"
    assert (kimi.downloads, kimi.likes, kimi.params) == (5119, 578, None)
    assert minimax.license == "mit" and minimax.created_at == datetime(2025, 10, 22, 13, 45, 10, tzinfo=UTC)
    assert not minimax.quantized, "fp8 stores one weight per element"


def test_list_entries_with_expand():
    first, second = (item(e) for e in sample("list_models_with_expand_TRIMMED.json"))
    assert first.library == "gguf" and first.pipeline_tag == "text-generation" and first.downloads == 6
    assert second.pipeline_tag is None and second.library == "transformers" and second.tags == ["gguf"]


def test_custom_license_name_and_link():
    # cardData as quoted from live answers (docs/hub-api.md §4)
    card = {"license": "other", "license_name": "openmdw-1.1", "license_link": "https://example.org/openmdw"}
    got = item({"id": "org/m", "cardData": card, "tags": ["license:other"]})
    assert (got.license, got.license_name, got.license_link) == ("other", "openmdw-1.1", "https://example.org/openmdw")
    flux = item({"id": "org/f", "cardData": {"license": "other", "license_name": "flux-1-dev-non-commercial-license"}})
    assert flux.license_name == "flux-1-dev-non-commercial-license" and flux.license_link is None
    named_but_open = item({"id": "org/o", "cardData": {"license": "mit", "license_name": "ignored"}})
    assert named_but_open.license_name is None


def test_link_header_cursor_and_several_lines():
    header = (SAMPLES / "link_header_list_models.txt").read_text().strip()
    url = next_link(header)
    assert url.startswith("https://huggingface.co/api/models?search=qwen3.8&limit=2&filter=gguf&cursor=eyIkb3Ii")
    assert url.endswith("%3D%3D"), "the cursor stays percent-encoded"
    assert next_link(['<https://huggingface.co/ai>; rel="ai-catalog"', header]) == url
    assert next_link([header, '<https://huggingface.co/api>; rel="api-catalog"']) == url
    assert next_link(['<https://huggingface.co/api>; rel="api-catalog"']) is None


def test_model_page_header_props():
    props = (SAMPLES / "page_TheBloke_Mistral-7B-v0.1-GGUF_ModelHeader_props.json").read_text(encoding="utf-8")
    html = f"<div data-target=\"ModelHeader\" data-props='{props.replace(chr(39), '&#39;')}'></div>"
    assert model_header(html)["id"] == "TheBloke/Mistral-7B-v0.1-GGUF"
    finding = size_from_page_json(html)
    assert (finding.params, finding.exact, finding.note) == (7241732096, True, "gguf.total")
    assert base_models_from_tags(model_header(html)["tags"]) == (["mistralai/Mistral-7B-v0.1"], "quantized")


def model_info_reading(data: dict) -> dict:
    """The same fields as huggingface_hub's ModelInfo reads them (the reference for the direct reading)."""
    info = ModelInfo(**data)
    card = info.card_data
    tags = list(info.tags or [])
    block = info.base_models if isinstance(info.base_models, dict) else {}
    gguf = info.gguf if isinstance(info.gguf, dict) else {}
    return {"model_id": info.id, "author": info.author or info.id.split("/", 1)[0], "tags": tags,
            "license": first_license(card.license if card is not None else None, tags),
            "languages": as_list(card.language) if card is not None else [], "pipeline_tag": info.pipeline_tag,
            "library": info.library_name, "downloads": info.downloads, "downloads_all_time": info.downloads_all_time,
            "likes": info.likes, "created_at": info.created_at, "last_modified": info.last_modified,
            "gated": "no" if info.gated in (False, None) else str(info.gated),
            "params_reported": info.safetensors.total if info.safetensors else gguf.get("total"),
            **({"base_models": [m["id"] for m in block["models"]], "base_model_relation": block.get("relation")}
               if block.get("models") else {})}


def same_as_model_info(data: dict) -> None:
    expected = model_info_reading(data)
    got = item(data)
    assert {name: getattr(got, name) for name in expected} == expected


@pytest.mark.parametrize("name", ["model_info_meta-llama_Llama-3.2-3B.json",
                                  "model_info_TheBloke_DiscoLM-120b-GPTQ.json",
                                  "model_info_ggml-org_gemma-3-1b-it-GGUF.json"])
def test_direct_reading_equals_model_info_on_recordings(name):
    same_as_model_info(sample(name))


def test_direct_reading_equals_model_info_on_the_replica_catalogue(catalog):
    records = list(catalog)
    assert len(records) > 1000
    for record in records:
        same_as_model_info(dict(record.api))


def test_rows_are_what_dataclasses_asdict_gave(catalog):
    """The shallow row read that replaced `dataclasses.asdict` writes the same values."""
    items = [item(dict(record.api)) for record in catalog]
    items += [item(sample(name)) for name in ("model_info_meta-llama_Llama-3.2-3B.json",
                                              "model_info_ggml-org_gemma-3-1b-it-GGUF.json")]
    assert all(row_of(i) == asdict(i) for i in items)
    assert list(row_of(items[0])) == [f.name for f in fields(HubModelItem)]
