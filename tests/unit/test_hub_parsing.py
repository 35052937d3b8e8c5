"""Unit tests: Hub JSON → items, normalization, quantized flagging, names, schema round-trip."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from llmbench.items import HubModelItem, schema_of
from llmbench.parsing.hub_models import HubShapeError, as_list, is_quantized, item_from_api, next_link
from llmbench.pipelines.parquet_writer import to_row
from llmbench.repo_ids import repo_id_problem

NOW = datetime(2026, 11, 25, tzinfo=UTC)

LLAMA = {  # docs/hub-api.md §4, trimmed real response
    "_id": "66eaf084b3b3239188f66fa7", "id": "meta-llama/Llama-3.2-3B", "author": "meta-llama",
    "createdAt": "2024-09-18T15:23:48.000Z", "lastModified": "2024-10-24T15:07:40.000Z", "gated": "manual",
    "downloads": 235716, "likes": 286, "library_name": "transformers", "pipeline_tag": "text-generation",
    "tags": ["transformers", "safetensors", "llama", "text-generation", "en", "license:llama3.2"],
    "cardData": {"license": "llama3.2", "language": ["en", "de", "fr"], "library_name": "transformers"},
    "config": {"architectures": ["LlamaForCausalLM"], "model_type": "llama"},
    "safetensors": {"parameters": {"BF16": 3212749824}, "total": 3212749824},
}
DISCOLM_GPTQ = {  # docs/hub-api.md §4, docs/model-sizes.md §2: quantized, real
    "id": "TheBloke/DiscoLM-120b-GPTQ", "author": "TheBloke", "gated": False, "pipeline_tag": "text-generation",
    "tags": ["transformers", "safetensors", "llama", "text-generation", "base_model:DiscoResearch/DiscoLM-120b",
             "license:llama2", "4-bit", "region:us"],
    "config": {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "quantization_config": {"bits": 4}},
    "cardData": {"base_model": "DiscoResearch/DiscoLM-120b", "license": "llama2", "language": ["en"]},
    "safetensors": {"parameters": {"I32": 14664900864, "F16": 550072320}, "total": 15214973184},
}


def test_real_response_to_item():
    item = item_from_api(LLAMA, endpoint="https://huggingface.co", crawled_at=NOW)
    assert item.model_id == "meta-llama/Llama-3.2-3B" and item.author == "meta-llama"
    assert item.license == "llama3.2" and item.languages == ["en", "de", "fr"]
    assert item.params == 3212749824 and item.params_source == "safetensors" and not item.quantized
    assert item.gated == "manual" and item.created_at == datetime(2024, 9, 18, 15, 23, 48, tzinfo=UTC)
    assert item.downloads == 235716 and item.base_models == []


def test_quantized_total_is_not_taken_as_params():
    item = item_from_api(DISCOLM_GPTQ, endpoint="e", crawled_at=NOW)
    assert item.quantized and item.params is None
    assert item.params_source == "safetensors-quantized" and item.params_reported == 15214973184
    assert item.base_models == ["DiscoResearch/DiscoLM-120b"] and item.gated == "no"


@pytest.mark.parametrize(("params", "tags", "config", "expected"), [
    ({"BF16": 10}, [], None, False),
    ({"U32": 10, "BF16": 2}, [], None, True),  # mlx 4-bit
    ({"BF16": 10}, ["8-bit"], None, True),
    ({"F16": 10}, [], {"quantization_config": {"bits": 4}}, True),
    ({"F8_E4M3": 10, "BF16": 1}, [], None, False),  # FP8 counts one element per weight
])
def test_quantized_rule(params, tags, config, expected):
    assert is_quantized(params, tags, config) is expected


def test_card_string_or_list_forms_and_gguf():
    data = {"id": "a/b-GGUF", "tags": ["gguf", "license:mit"], "gguf": {"total": 7241732096, "architecture": "llama"},
            "cardData": {"license": ["apache-2.0", "mit"], "language": "fr", "base_model": ["x/y", "z/w"]},
            "baseModels": {"relation": "quantized", "models": [{"_id": "1", "id": "x/y"}]}}
    item = item_from_api(data, endpoint="e", crawled_at=NOW)
    assert item.license == "apache-2.0" and item.languages == ["fr"]
    assert item.params == 7241732096 and item.params_source == "gguf"
    assert item.base_models == ["x/y"] and item.base_model_relation == "quantized"
    assert item.author == "a"  # default list payload has no author
    bare = item_from_api({"id": "a/c", "tags": ["license:mit"]}, endpoint="e", crawled_at=NOW)
    assert bare.license == "mit" and bare.languages == [] and bare.params is None


@pytest.mark.parametrize("bad", [{}, {"id": 5}, "text", None])
def test_unusable_entries_raise(bad):
    with pytest.raises(HubShapeError):
        item_from_api(bad, endpoint="e", crawled_at=NOW)


def test_as_list():
    assert as_list(None) == [] and as_list("en") == ["en"] and as_list(["en", None, ""]) == ["en"]


def test_next_link():
    header = '<https://huggingface.co/api/models?limit=10&cursor=eyIk%3D>; rel="next"'
    assert next_link(header) == "https://huggingface.co/api/models?limit=10&cursor=eyIk%3D"
    assert next_link(None) is None and next_link('<x>; rel="prev"') is None


@pytest.mark.parametrize(("name", "problem"), [
    ("meta-llama/Llama-3.2-3B", None),
    ("Qwen/Qwen2.5-0.5B-Instruct", None),
    ("01-ai/Yi-1.5-34B", None),
    ("LeroyDyer/_Spydaz_Web_AI_BIBLE_002", None),
    ("org/model_", None),
    ("org/model-", "bad_characters"),
    ("org/mödel", "bad_characters"),
    ("gpt2", None),
    ("bert-base-uncased", None),
    ("/gpt2", "bad_characters"),
    ("../../etc/passwd", "too_many_slashes"),
    ("x" * 97, "too_long"),
    ("a/b/c", "too_many_slashes"),
    ("org/model--x", "double_separator"),
    ("org/model..x", "double_separator"),
    ("org/-model", "bad_characters"),
    ("org/model name", "bad_characters"),
    ("org/model.git", "git_suffix"),
    ("org/" + "x" * 97, "too_long"),
    ("", "missing"),
    (None, "missing"),
])
def test_repo_id_rules(name, problem):
    assert repo_id_problem(name) == problem


def test_parquet_schema_round_trip():
    item = item_from_api(LLAMA, endpoint="https://huggingface.co", crawled_at=NOW)
    schema = schema_of(HubModelItem)
    table = pa.Table.from_pylist([to_row(item)], schema=schema)
    sink = io.BytesIO()
    pq.write_table(table, sink)
    back = pq.read_table(io.BytesIO(sink.getvalue()))
    assert back.schema.equals(schema, check_metadata=False)
    row = back.to_pylist()[0]
    assert row["params"] == 3212749824 and row["languages"] == ["en", "de", "fr"]
    assert row["created_at"] == item.created_at
    assert back.schema.field("params").metadata[b"doc"].startswith(b"Parameter count")
    # an all-null first batch keeps its declared types
    empty = pa.Table.from_pylist([{"model_id": "a/b", "author": "a", "crawled_at": NOW, "endpoint": "e"}],
                                 schema=schema)
    assert empty.schema.field("params").type == pa.int64()
