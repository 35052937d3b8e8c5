"""The replica's safetensors files and Range answers, with huggingface_hub's `get_safetensors_metadata`
as the judge: it must read back exactly the API's `safetensors.parameters` (replica/repos/weights.py,
replica/files/blobs.py)."""

from __future__ import annotations

import json
import struct
from collections import Counter

import pytest
from huggingface_hub import HfApi

from llmbench.replica.files.blobs import Blob, Unsatisfiable, requested_range
from llmbench.replica.repos.records import GGUF_ONLY, QUANT_PACKED
from llmbench.replica.repos.weights import (
    INDEX_FILE,
    SINGLE_FILE,
    build_files,
    decode_header,
    encode_header,
    repo_weight_files,
    tensors_for,
    weight_filenames,
)
from tests.replica_client import request

GRANTED = {"Authorization": "Bearer hf_granted"}


def counts(tensors) -> dict[str, int]:
    per_dtype: Counter[str] = Counter()
    for _, dtype, shape in tensors:
        n = 1
        for d in shape:
            n *= d
        per_dtype[dtype] += n
    return dict(per_dtype)


# -- building and parsing headers --------------------------------------------------------------------
def test_header_is_length_prefixed_json_padded_to_eight_bytes():
    entries = {"__metadata__": {"format": "pt"}, "w": {"dtype": "BF16", "shape": [2, 3], "data_offsets": [0, 12]}}
    header = encode_header(entries)
    (length,) = struct.unpack("<Q", header[:8])
    assert length == len(header) - 8 and length % 8 == 0 and header[8:].rstrip(b" ").endswith(b"}")
    assert decode_header(header + b"\0" * 12) == entries
    with pytest.raises(ValueError):
        decode_header(header[:20])


@pytest.mark.parametrize("parameters", [
    {"BF16": 7_241_732_123}, {"F32": 1}, {"F16": 999}, {"BF16": 137_022_720},
    {"I32": 14_664_900_864, "F16": 550_072_320}, {"U32": 80_000_000, "BF16": 25_600_003, "F32": 3840},
])
def test_tensors_add_up_to_the_counts_exactly(parameters):
    tensors = tensors_for(parameters, "llama")
    assert counts(tensors) == parameters
    assert len({name for name, _, _ in tensors}) == len(tensors), "tensor names are unique"


def test_shards_are_contiguous_cover_every_tensor_and_the_index_totals_them():
    parameters = {"BF16": 70_553_706_496}
    names = weight_filenames(70_553_706_496, packed=False)
    assert names[0] == INDEX_FILE and len(names) == 15 and names[1] == "model-00001-of-00014.safetensors"
    files = build_files(parameters, "llama", names)
    index = json.loads(files.index)
    assert set(index["weight_map"].values()) == set(names[1:]), "no shard is empty"
    data_bytes = 0
    for name, weight in files.files.items():
        header = decode_header(weight.header)
        header.pop("__metadata__")
        ends = sorted(tuple(t["data_offsets"]) for t in header.values())
        assert ends[0][0] == 0 and all(a[1] == b[0] for a, b in zip(ends, ends[1:], strict=False))
        assert weight.size == len(weight.header) + ends[-1][1]
        assert all(index["weight_map"][t] == name for t in header)
        data_bytes += ends[-1][1]
    assert index["metadata"]["total_size"] == data_bytes == 2 * 70_553_706_496
    assert weight_filenames(7_000_000_000, packed=False) == [SINGLE_FILE]
    assert weight_filenames(70_000_000_000, packed=True) == [SINGLE_FILE]


def test_every_catalogue_repo_with_a_safetensors_block_has_files_holding_its_counts(catalog):
    """The arithmetic behind every repo (cheap); the HTTP path is checked on each shape below."""
    checked = 0
    for record in catalog.real_records:
        block = record.api.get("safetensors") or record.unlisted_safetensors
        names = [s["rfilename"] for s in record.api["siblings"] if "safetensors" in s["rfilename"]]
        if block is None:
            assert not names or record.storage == GGUF_ONLY
            continue
        assert counts(tensors_for(block["parameters"], None)) == block["parameters"]
        assert sum(block["parameters"].values()) == block["total"]
        assert names == weight_filenames(block["total"], packed=record.storage == QUANT_PACKED)
        checked += 1
    assert checked > 2000


# -- Range parsing -------------------------------------------------------------------------------------
@pytest.mark.parametrize("header,expected", [
    ("bytes=0-100000", (0, 999)), ("bytes=8-15", (8, 15)), ("bytes=990-", (990, 999)), ("bytes=-10", (990, 999)),
    ("bytes=-5000", (0, 999)), (None, None), ("", None), ("bytes=0-1,5-6", None), ("items=0-1", None),
    ("bytes=9-3", None), ("bytes=-", None),
])
def test_requested_range(header, expected):
    assert requested_range(header, 1000) == expected


@pytest.mark.parametrize("header", ["bytes=1000-", "bytes=1000-2000", "bytes=-0"])
def test_unsatisfiable_ranges(header):
    with pytest.raises(Unsatisfiable):
        requested_range(header, 1000)


def test_blob_reads_stored_bytes_then_zeros():
    blob = Blob(b"abc", 10, "0" * 64)
    assert blob.read(0, 10) == b"abc" + bytes(7) and blob.read(2, 5) == b"c\0\0" and blob.read(8, 10) == bytes(2)


# -- over HTTP: huggingface_hub as the judge -----------------------------------------------------------
@pytest.fixture(scope="module")
def hub(catalog, replica_certificate):
    from llmbench.replica.ratelimit import RateLimitConfig
    from llmbench.replica.server import ReplicaThread

    with ReplicaThread(catalog=catalog, limits=RateLimitConfig(enabled=False), granted_tokens=["hf_granted"],
                       certificate=replica_certificate) as running:
        yield running


def shapes(catalog) -> dict[str, str]:
    """One repo id of each shape: single file, sharded, GPTQ (I32+F16), MLX (U32+BF16), header over 100 kB, gated."""
    found: dict[str, str] = {}
    for record in catalog.real_records:
        api = record.api
        if "safetensors" not in api:
            continue
        names = {s["rfilename"] for s in api["siblings"]}
        dtypes = set(api["safetensors"]["parameters"])
        weights = repo_weight_files(api) if SINGLE_FILE in names and "big_header" not in found else None
        kind = ("gated" if api["gated"] else "gptq" if "I32" in dtypes else "mlx" if "U32" in dtypes else
                "sharded" if INDEX_FILE in names else "single")
        if weights is not None and len(weights.files[SINGLE_FILE].header) > 100_008 and not api["gated"]:
            kind = "big_header"
        found.setdefault(kind, record.repo_id)
    return found


def test_get_safetensors_metadata_reads_the_api_counts_on_every_shape(hub, catalog):
    api = HfApi(endpoint=hub.hub_url, token="hf_granted")
    chosen = shapes(catalog)
    assert set(chosen) == {"single", "sharded", "gptq", "mlx", "big_header", "gated"}
    for kind, repo_id in chosen.items():
        hub.log.clear()
        metadata = api.get_safetensors_metadata(repo_id)
        block = catalog.get(repo_id).api["safetensors"]
        assert metadata.parameter_count == block["parameters"], kind
        assert sum(metadata.parameter_count.values()) == block["total"]
        siblings = {s["rfilename"] for s in catalog.get(repo_id).api["siblings"]}
        assert metadata.sharded is (INDEX_FILE in siblings), kind
        cdn = [r for r in hub.log.records if r.origin == "cdn"]
        assert cdn and all(r.authorization is None for r in cdn)
        # per file the first 100,001 bytes, then (a longer header) the rest of it
        files = repo_weight_files(catalog.get(repo_id).api).files
        assert len(cdn) == sum(1 + (len(files[name].header) > 100_001) for name in metadata.files_metadata), kind
        assert kind != "big_header" or len(cdn) == 2
    legacy = api.get_safetensors_metadata("gpt2")  # the 307 to openai-community/gpt2 is followed
    assert legacy.parameter_count == {"F32": 137_022_720}  # the real gpt2 (safetensors docs, metadata parsing)
    unlisted = next(r for r in catalog.real_records if r.unlisted_safetensors and not r.api["gated"])
    assert api.model_info(unlisted.repo_id).safetensors is None  # no block in the API; the files have headers
    assert api.get_safetensors_metadata(unlisted.repo_id).parameter_count == unlisted.unlisted_safetensors["parameters"]


def test_range_answers_on_the_resolver_and_the_cdn(hub, catalog):
    repo_id = shapes(catalog)["sharded"]
    base = f"{hub.hub_url}/{repo_id}/resolve/main"
    status, headers, whole = request(f"{base}/{INDEX_FILE}")
    size = len(whole)
    assert status == 200 and headers["Accept-Ranges"] == "bytes" and "Content-Range" not in headers
    status, headers, body = request(f"{base}/{INDEX_FILE}", {"Range": "bytes=0-9"})
    assert status == 206 and body == whole[:10] and headers["Content-Range"] == f"bytes 0-9/{size}"
    assert int(headers["Content-Length"]) == 10
    status, headers, body = request(f"{base}/{INDEX_FILE}", {"Range": f"bytes={size - 5}-"})
    assert status == 206 and body == whole[-5:] and headers["Content-Range"] == f"bytes {size - 5}-{size - 1}/{size}"
    status, headers, _ = request(f"{base}/{INDEX_FILE}", {"Range": f"bytes={size}-"})
    assert status == 416 and headers["Content-Range"] == f"bytes */{size}"

    shard = json.loads(whole)["weight_map"]["model.norm.weight"]
    status, headers, _ = request(f"{base}/{shard}", {"Range": "bytes=0-7"})  # the resolver redirects whatever the range
    assert status == 302 and headers["Location"].startswith(hub.cdn_url)
    location, size = headers["Location"], int(headers["X-Linked-Size"])
    status, headers, first = request(location, {"Range": "bytes=0-7"})
    assert status == 206 and headers["Content-Range"] == f"bytes 0-7/{size}" and len(first) == 8
    (length,) = struct.unpack("<Q", first)
    status, headers, header = request(location, {"Range": f"bytes=8-{length + 7}"})
    assert status == 206 and int(headers["Content-Length"]) == length and "model.norm.weight" in json.loads(header)
    status, headers, tail = request(location, {"Range": f"bytes={size - 3}-{size + 100}"})
    assert status == 206 and tail == bytes(3) and headers["Content-Range"] == f"bytes {size - 3}-{size - 1}/{size}"
    status, headers, _ = request(location, {"Range": f"bytes={size}-"})
    assert status == 416 and headers["Content-Range"] == f"bytes */{size}"
    status, headers, body = request(location, method="HEAD")  # the multi-GB file: its size, never its body
    assert status == 200 and int(headers["Content-Length"]) == size > 1e9 and body == b""
