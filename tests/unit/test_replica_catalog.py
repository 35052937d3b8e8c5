"""The catalogue in-process: deterministic per seed, indexed case-insensitively, paginated by cursor."""

from __future__ import annotations

import pytest

from llmbench.replica.catalog import Catalog
from llmbench.replica.hub_api.pagination import decode_cursor, encode_cursor
from llmbench.replica.repos.records import GGUF_ONLY, QUANT_PACKED, RepoSpec, api_record
from llmbench.replica.repos.synthesis import seeded


def test_same_seed_same_catalogue_other_seed_other_draws(catalog):
    again = Catalog(seed=0)
    assert [r.api for r in again.real_records[:200]] == [r.api for r in catalog.real_records[:200]]
    other = Catalog(seed=1)
    assert [r.repo_id for r in other.real_records[:50]] == [r.repo_id for r in catalog.real_records[:50]]
    downloads = [r.api["downloads"] for r in catalog.real_records[:50]]
    assert [r.api["downloads"] for r in other.real_records[:50]] != downloads


def test_storage_shares_are_those_the_spider_tests_rely_on(catalog):
    storages = [r.storage for r in catalog.real_records]
    assert 3_000 < len(storages) < 4_576
    assert storages.count(GGUF_ONLY) > 100 and storages.count(QUANT_PACKED) > 100


def test_lookup_is_case_insensitive_and_extra_repos_are_computed(catalog):
    record = catalog.real_records[0]
    assert catalog.get(record.repo_id.upper()) is record
    extra = Catalog(seed=0, extra_models=10)
    assert len(extra) == len(catalog) + 10
    filler = extra.record(len(catalog) + 3)
    assert extra.get(filler.repo_id).api == filler.api
    assert extra.get("synthetic-org-003/synthetic-model-0000011") is None


@pytest.mark.parametrize("sort,key", [(None, (0, "a" * 24)), ("downloads", (-42, "b" * 24)),
                                      ("createdAt", ("".join(chr(0x10FFFF - ord(c)) for c in "2024-01-01"), "c" * 24))])
def test_cursor_round_trip(sort, key):
    assert decode_cursor(encode_cursor(key, sort), sort) == key


def test_foreign_cursor_is_refused():
    with pytest.raises(ValueError):
        decode_cursor("bm90IGEgY3Vyc29y", "downloads")


def test_spec_becomes_a_record_with_the_derived_fields():
    from datetime import UTC, datetime

    spec = RepoSpec(repo_id="TheBloke/X-GPTQ", created=datetime(2024, 1, 2, tzinfo=UTC), pipeline="text-generation",
                    storage=QUANT_PACKED, library="transformers", base="org/X", relation="quantized",
                    params=7_000_000_000, arch="LlamaForCausalLM", model_type="llama")
    api = api_record(spec, seeded(0, spec.repo_id))
    assert api["baseModels"] == {"relation": "quantized", "models": [{"_id": api["baseModels"]["models"][0]["_id"],
                                                                      "id": "org/X"}]}
    assert "base_model:quantized:org/X" in api["tags"] and "gptq" in api["tags"]
    assert set(api["safetensors"]["parameters"]) == {"I32", "F16"} and api["safetensors"]["total"] < spec.params
