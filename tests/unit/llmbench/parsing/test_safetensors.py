"""Reading parameter counts from safetensors headers and the shard index (llmbench/parsing/safetensors.py),
on headers written by the replica's writer and on broken or hostile ones."""

from __future__ import annotations

import json
import struct

import pytest

from llmbench.parsing.safetensors import (
    MAX_HEADER,
    HeaderError,
    add_counts,
    header_counts,
    header_length,
    index_files,
    size_from_headers,
)
from llmbench.replica.repos.weights import build_files, weight_filenames
from llmbench.spiders.model_pages import ModelPagesSpider


def test_counts_of_a_written_header_are_the_counts_written():
    parameters = {"U32": 80_000_000, "BF16": 25_600_003, "F32": 3840}
    weight = build_files(parameters, "llama", ["model.safetensors"]).files["model.safetensors"]
    length = header_length(weight.header[:8])
    assert header_counts(weight.header[8:8 + length]) == parameters


def test_scalars_count_one_and_metadata_is_skipped():
    header = json.dumps({"__metadata__": {"format": "pt"},
                         "step": {"dtype": "I64", "shape": [], "data_offsets": [0, 8]},
                         "w": {"dtype": "F16", "shape": [3, 0], "data_offsets": [8, 8]}}).encode()
    assert header_counts(header) == {"I64": 1, "F16": 0}


@pytest.mark.parametrize("first,problem", [
    (b"\x01\x02", "only 2 bytes"), (struct.pack("<Q", MAX_HEADER + 1), "outside"), (struct.pack("<Q", 0), "outside"),
])
def test_bad_header_lengths(first, problem):
    with pytest.raises(HeaderError, match=problem):
        header_length(first)


@pytest.mark.parametrize("header,problem", [
    (b"\xff\xfe", "not JSON"), (b"[1, 2]", "not a JSON object"), (b'{"w": {"dtype": "F16"}}', "lacks"),
    (b'{"w": {"dtype": "F16", "shape": [2, -1]}}', "bad dimension"),
    (b'{"w": {"dtype": "F16", "shape": [true]}}', "bad dimension"),
])
def test_bad_headers(header, problem):
    with pytest.raises(HeaderError, match=problem):
        header_counts(header)


def test_index_files_each_once_in_first_mention_order():
    files = build_files({"BF16": 12_000_000_000}, "llama", weight_filenames(12_000_000_000, packed=False))
    # the index is written with sorted keys (as save_pretrained does): `lm_head.weight`, in the last shard, first
    assert index_files(files.index) == ["model-00002-of-00002.safetensors", "model-00001-of-00002.safetensors"]


@pytest.mark.parametrize("index,problem", [
    (b"{", "not JSON"), (b"{}", "no weight_map"), (b'{"weight_map": {}}', "no weight_map"),
    (b'{"weight_map": {"a": "../../etc/passwd.safetensors"}}', "unusable"),
    (b'{"weight_map": {"a": "/abs.safetensors"}}', "unusable"), (b'{"weight_map": {"a": "x.bin"}}', "unusable"),
    (b'{"weight_map": {"a": 3}}', "unusable"),
])
def test_bad_indexes(index, problem):
    with pytest.raises(HeaderError, match=problem):
        index_files(index)


def test_findings():
    both = add_counts({"BF16": 10}, {"BF16": 5, "F32": 2})
    assert both == {"BF16": 15, "F32": 2}
    finding = size_from_headers(both, 2)
    assert (finding.params, finding.exact, finding.source) == (17, True, "safetensors_header")
    assert finding.describe() == "safetensors_header: 17 (exact; 2 files: BF16 15, F32 2)"
    packed = size_from_headers({"I32": 100, "F16": 10}, 1)
    assert packed.params is None and "packed-quantized" in packed.note
    assert size_from_headers({}, 1).params is None


@pytest.mark.parametrize("row,skip", [
    (None, None),
    ({"params_source": None, "tags": ["transformers", "safetensors"]}, None),
    ({"params_source": None, "tags": ["transformers", "pytorch"]}, "no `safetensors` tag"),
    ({"params_source": None, "tags": None}, "no `safetensors` tag"),
    ({"params_source": "safetensors-quantized", "tags": ["safetensors", "gptq"]}, "packed-quantized"),
])
def test_when_the_hub_row_says_the_headers_are_not_worth_reading(row, skip):
    why = ModelPagesSpider.no_headers_to_read(row)
    assert (why is None) if skip is None else (skip in why)
