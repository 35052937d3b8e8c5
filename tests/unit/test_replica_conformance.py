"""The replica's answers have the keys and value types of recorded real answers for the same kind of repo
(recordings: tests/fixtures/hub-samples/, sources in SOURCES.md)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from llmbench.replica.repos.records import GGUF_ONLY, QUANT_PACKED, SAFETENSORS
from tests.replica_client import get_json, request

SAMPLES = Path(__file__).parents[1] / "fixtures" / "hub-samples"
# Fields the Hub added after a recording was made (usedStorage: in the 2025 GGUF recording, not the 2023/24 ones).
NEWER_FIELDS = {"usedStorage"}


def sample(name: str) -> Any:
    return json.loads((SAMPLES / name).read_text())


# `gated` is false or "auto"/"manual"; `cardData` is the card's free-form YAML passed through (a license or
# language may be a string or a list), so below it only its being an object is compared. `model-index` is null
# for a card without one (the recordings) and the card's list of entries otherwise (docs/model-index.md).
EITHER = {".gated": {"boolean", "string"}, ".model-index": {"null", "array"}}
FREE_FORM = {".cardData"}
OPTIONAL = {"library_name", "pipeline_tag"}  # absent on some repos (GGUF), as on the Hub


def kind(value: Any) -> str:
    return {bool: "boolean", int: "number", float: "number", str: "string", list: "array", dict: "object",
            type(None): "null"}[type(value)]


def type_mismatches(recorded: Any, replica: Any, path: str = "") -> list[str]:
    """Where the two differ in JSON type, for keys both have (descending into objects and arrays' first element)."""
    if {kind(recorded), kind(replica)} <= EITHER.get(path, set()):
        return []
    if kind(recorded) != kind(replica):
        return [f"{path or '.'}: recorded {kind(recorded)}, replica {kind(replica)}"]
    if path in FREE_FORM:
        return []
    if isinstance(recorded, dict):
        return [m for key in recorded.keys() & replica.keys()
                for m in type_mismatches(recorded[key], replica[key], f"{path}.{key}")]
    if isinstance(recorded, list) and recorded and replica:
        return type_mismatches(recorded[0], replica[0], f"{path}[0]")
    return []


def assert_conforms(recorded: dict, replica: dict, *, nested: tuple[str, ...] = ()) -> None:
    assert set(recorded) - set(replica) <= OPTIONAL, "keys the Hub sends and the replica does not"
    assert set(replica) - set(recorded) <= NEWER_FIELDS, "keys the replica invents"
    assert type_mismatches(recorded, replica) == []
    for key in nested:  # objects whose own keys are fixed by the Hub (not free-form card metadata)
        assert set(replica[key]) <= set(recorded[key]), key


@pytest.fixture(scope="module")
def info(replica):
    def fetch(record) -> dict:
        status, _, body = get_json(f"{replica.hub_url}/api/models/{record.repo_id}")
        assert status == 200
        return body
    return fetch


def test_default_model_info_of_a_gated_safetensors_repo(catalog, info):
    record = next(r for r in catalog.real_records if r.storage == SAFETENSORS and r.api["gated"] == "manual")
    assert_conforms(sample("model_info_meta-llama_Llama-3.2-3B.json"), info(record),
                    nested=("config", "safetensors", "transformersInfo"))


def test_gptq_repo(catalog, info):
    record = next(r for r in catalog.real_records if r.storage == QUANT_PACKED and r.repo_id.endswith("-GPTQ"))
    recorded = sample("model_info_TheBloke_DiscoLM-120b-GPTQ.json")
    replica = info(record)
    assert_conforms(recorded, replica, nested=("config", "safetensors", "transformersInfo"))
    assert set(replica["safetensors"]["parameters"]) == set(recorded["safetensors"]["parameters"])  # I32 + F16


@pytest.mark.parametrize("task", [False, True])
def test_gguf_only_repo(catalog, info, task):
    record = next(r for r in catalog.real_records if r.storage == GGUF_ONLY and ("pipeline_tag" in r.api) == task)
    recorded = sample("model_info_ggml-org_gemma-3-1b-it-GGUF.json")
    replica = info(record)
    if task:  # a GGUF repo that declares its task carries the task's widget too
        recorded = recorded | {"pipeline_tag": "text-generation", "widgetData": [{"text": "…"}]}
    assert_conforms(recorded, replica, nested=("config", "gguf"))
    assert replica["config"] == {} and set(recorded["gguf"]) - set(replica["gguf"]) <= {"chat_template"}


def test_expanded_model_info_and_list_items(replica):
    recorded = sample("list_models_with_expand_TRIMMED.json")
    asked = sorted({key for item in recorded for key in item} - {"_id", "id"})
    query = "&".join(f"expand[]={name}" for name in asked)
    _, _, items = get_json(f"{replica.hub_url}/api/models?limit=20&search=gguf&{query}")
    assert items
    for item in items:
        assert {"_id", "id"} <= set(item) <= {"_id", "id", *asked}
        assert type_mismatches(recorded[0], item) == []
    _, _, one = get_json(f"{replica.hub_url}/api/models/{items[0]['id']}?{query}")
    assert one == items[0]


def test_default_list_page(replica):
    recorded = sample("list_models_default_no_expand.json")
    _, _, items = get_json(f"{replica.hub_url}/api/models?limit=50&pipeline_tag=text-generation")
    assert any(set(item) == set(recorded[0]) for item in items)
    for item in items:
        assert set(item) <= set(recorded[0]) and set(recorded[0]) - set(item) <= OPTIONAL
        assert type_mismatches(recorded[0], item) == []


def test_link_and_rate_limit_headers_are_formed_as_recorded(make_replica):
    from llmbench.replica.ratelimit import RateLimitConfig

    replica = make_replica(limits=RateLimitConfig())
    recorded_link = (SAMPLES / "link_header_list_models.txt").read_text().strip()
    link_form = re.compile(r'^<(https?://[^>]+/api/models\?[^>]*cursor=[A-Za-z0-9%_-]+)>; rel="next"$')
    assert link_form.match(recorded_link)
    _, headers, _ = request(f"{replica.hub_url}/api/models?limit=2&filter=gguf")
    assert any(link_form.match(line) for line in headers.getall("Link"))
    recorded = dict(line.split(": ", 1) for line in (SAMPLES / "headers_api_model_info_2026-06-08.txt")
                    .read_text().splitlines()[1:] if ": " in line)
    assert re.fullmatch(r'"api";r=\d+;t=\d+', recorded["RateLimit"])
    limited = request(f"{replica.hub_url}/api/models/nobody/nothing")[1]  # an error answer counts too
    for name in ("RateLimit", "RateLimit-Policy"):
        pattern = re.sub(r"\d+", r"\\d+", re.escape(recorded[name]))
        assert re.fullmatch(pattern, limited[name]), name


def test_model_page_header_json(replica, catalog):
    from parsel import Selector

    recorded = sample("page_TheBloke_Mistral-7B-v0.1-GGUF_ModelHeader_props.json")
    record = next(r for r in catalog.real_records if r.storage == GGUF_ONLY and "pipeline_tag" in r.api)
    _, _, body = request(f"{replica.hub_url}/{record.repo_id}")
    props = json.loads(Selector(text=body.decode()).css('div[data-target="ModelHeader"]::attr(data-props)').get())
    # authLight: only for a signed-in visitor; pwcLink: Papers with Code, retired since the recording
    assert set(recorded) - set(props) == {"authLight"}
    assert set(props) <= set(recorded)
    added_2025 = {"isQuantized", "mlxFilePaths", "xetEnabled"}  # newer than the 2024 recording
    assert set(recorded["model"]) - set(props["model"]) <= OPTIONAL | {"pwcLink", "inference", "transformersInfo"}
    assert set(props["model"]) - set(recorded["model"]) <= added_2025
    assert type_mismatches(recorded["model"], props["model"]) == []
    assert type_mismatches(recorded["author"], props["author"]) == []
