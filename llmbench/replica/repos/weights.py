"""The safetensors weight files of a replica repo: real headers whose tensors add up, per dtype, to the
repo's API `safetensors.parameters`, so `get_safetensors_metadata` returns the API's own counts.

Format (https://huggingface.co/docs/safetensors/index#format): 8 bytes little-endian header length N, N
bytes of JSON (`{"__metadata__": {...}, name: {"dtype", "shape", "data_offsets": [begin, end]}}`, padded
with spaces to a multiple of 8 as the `safetensors` writer does), then the tensor data. A sharded repo has
`model-0000i-of-0000n.safetensors` files and `model.safetensors.index.json` with `metadata.total_size`
(bytes of tensor data) and `weight_map` (tensor → file), as `transformers`' `save_pretrained` writes them.

Real: the format, the file names, the index layout, the Llama-style tensor names and shapes. Synthetic:
the dimensions (chosen to add up to the count, `card_and_config.decoder_dims`), a 1-D remainder tensor
(`lm_head.bias`, `…scales`) that makes the count exact, and the data region, which is all zero bytes
served on demand (never held in memory); the files' sha256 is a declared one (of the header and size).
"""

from __future__ import annotations

import hashlib
import json
import struct
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any

from .card_and_config import FAMILY_VOCAB, decoder_dims

SINGLE_FILE = "model.safetensors"
INDEX_FILE = "model.safetensors.index.json"
SHARD_PARAMS = 5_000_000_000  # about one shard per 5 B parameters (10 GB of BF16), as save_pretrained's 5GB default
DTYPE_BYTES = {"F64": 8, "I64": 8, "U64": 8, "F32": 4, "I32": 4, "U32": 4, "F16": 2, "BF16": 2, "I16": 2,
               "U16": 2, "I8": 1, "U8": 1, "BOOL": 1, "F8_E4M3": 1, "F8_E5M2": 1}
PACKED = ("I32", "U32", "I8", "U8", "I64", "U64", "I16", "U16")
PROJECTIONS = ("self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj",
               "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj")
SECONDARY_SUFFIXES = ("scales", "biases", "qzeros", "g_idx")


def weight_filenames(total: int, *, packed: bool) -> list[str]:
    """The safetensors siblings of a repo with `total` parameters: one file, or the index and its shards."""
    shards = 1 if packed else max(1, total // SHARD_PARAMS)
    if shards == 1:
        return [SINGLE_FILE]
    return [INDEX_FILE] + [f"model-{i:05d}-of-{shards:05d}.safetensors" for i in range(1, shards + 1)]


Tensor = tuple[str, str, list[int]]  # (name, dtype, shape)


def _count(shape: list[int]) -> int:
    n = 1
    for d in shape:
        n *= d
    return n


def primary_tensors(dtype: str, count: int, vocab: int) -> tuple[list[Tensor], int, int]:
    """A Llama-style decoder in `dtype` with exactly `count` elements; also (layers, hidden) for the others."""
    dims = decoder_dims(count, vocab) or {"hidden_size": 64, "num_hidden_layers": 0, "intermediate_size": 256,
                                          "num_key_value_heads": 1, "head_dim": 64}
    h, inter = dims["hidden_size"], dims["intermediate_size"]
    kv = dims["num_key_value_heads"] * dims["head_dim"]
    suffix = "qweight" if dtype in PACKED else "weight"
    shapes = {"self_attn.q_proj": [h, h], "self_attn.k_proj": [kv, h], "self_attn.v_proj": [kv, h],
              "self_attn.o_proj": [h, h], "mlp.gate_proj": [inter, h], "mlp.up_proj": [inter, h],
              "mlp.down_proj": [h, inter]}
    per_layer = sum(_count(s) for s in shapes.values()) + 2 * h
    layers = max(0, min(dims["num_hidden_layers"], (count - h) // per_layer))
    rest = count - layers * per_layer - h
    if rest < 0:  # fewer elements than one norm: a single vector
        return [("lm_head.bias", dtype, [count])], 0, h
    rows = rest // (2 * h)
    tensors: list[Tensor] = []
    if rows:
        tensors.append(("model.embed_tokens.weight", dtype, [rows, h]))
    for i in range(layers):
        tensors.append((f"model.layers.{i}.input_layernorm.weight", dtype, [h]))
        tensors += [(f"model.layers.{i}.{p}.{suffix}", dtype, shapes[p]) for p in PROJECTIONS]
        tensors.append((f"model.layers.{i}.post_attention_layernorm.weight", dtype, [h]))
    tensors.append(("model.norm.weight", dtype, [h]))
    if rows:
        tensors.append(("lm_head.weight", dtype, [rows, h]))
    if rest - 2 * h * rows:
        tensors.append(("lm_head.bias", dtype, [rest - 2 * h * rows]))
    return tensors, layers, h


def secondary_tensors(dtype: str, count: int, suffix: str, layers: int, hidden: int) -> list[Tensor]:
    """`count` elements of a second dtype spread over every projection (quantization scales and the like)."""
    slots = [(i, p) for i in range(max(1, layers)) for p in PROJECTIONS]
    rows = count // (len(slots) * hidden)
    tensors: list[Tensor] = []
    if rows:
        tensors = [(f"model.layers.{i}.{p}.{suffix}", dtype, [rows, hidden]) for i, p in slots]
    left = count - rows * hidden * len(slots)
    if left:
        tensors.append((f"lm_head.{suffix}", dtype, [left]))
    return tensors


def tensors_for(parameters: dict[str, int], model_type: str | None) -> list[Tensor]:
    """Every tensor of a repo whose API says `parameters` (dtype → elements): the largest dtype is the model."""
    ordered = sorted(((d, n) for d, n in parameters.items() if n > 0), key=lambda item: -item[1])
    if not ordered:
        return []
    vocab = FAMILY_VOCAB.get(model_type or "", 32000)
    tensors, layers, hidden = primary_tensors(ordered[0][0], ordered[0][1], vocab)
    for k, (dtype, count) in enumerate(ordered[1:]):
        suffix = SECONDARY_SUFFIXES[k] if k < len(SECONDARY_SUFFIXES) else f"extra_{k}"
        tensors += secondary_tensors(dtype, count, suffix, layers, hidden)
    return tensors


def encode_header(entries: dict[str, Any]) -> bytes:
    """8-byte length + JSON, the JSON padded with spaces to a multiple of 8 (as safetensors writes it)."""
    body = json.dumps(entries, separators=(",", ":")).encode()
    body += b" " * (-len(body) % 8)
    return struct.pack("<Q", len(body)) + body


def decode_header(prefix: bytes) -> dict[str, Any]:
    """The header JSON of a file starting with `prefix` (which must hold the whole header)."""
    (length,) = struct.unpack("<Q", prefix[:8])
    if len(prefix) < 8 + length:
        raise ValueError(f"header of {length} bytes, only {len(prefix) - 8} given")
    return json.loads(prefix[8:8 + length])


@dataclass(frozen=True)
class WeightFile:
    """One safetensors file: its header bytes and its size (the data after the header is zeros)."""

    header: bytes
    size: int

    @property
    def digest(self) -> str:
        """The declared sha256 (LFS oid): of the header and the size, not of the zero bytes."""
        return hashlib.sha256(self.header + str(self.size).encode()).hexdigest()


@dataclass
class WeightFiles:
    """A repo's safetensors files by name, and (sharded) what its index JSON holds."""

    files: dict[str, WeightFile]
    weight_map: dict[str, str]
    total_size: int  # bytes of tensor data, as the index's `metadata.total_size`
    sharded: bool

    @cached_property
    def index(self) -> bytes | None:
        """`model.safetensors.index.json` as save_pretrained writes it (indent 2, sorted keys); None unsharded."""
        if not self.sharded:
            return None
        index = {"metadata": {"total_size": self.total_size}, "weight_map": self.weight_map}
        return (json.dumps(index, indent=2, sort_keys=True) + "\n").encode()


def build_files(parameters: dict[str, int], model_type: str | None, filenames: list[str]) -> WeightFiles:
    """The files named `filenames` (from `weight_filenames`), holding `parameters` between them."""
    tensors = tensors_for(parameters, model_type)
    shards = [name for name in filenames if name != INDEX_FILE]
    sizes = [_count(shape) * DTYPE_BYTES.get(dtype, 2) for _, dtype, shape in tensors]
    total_bytes = sum(sizes)
    target = -(-total_bytes // len(shards)) or 1
    groups: list[list[int]] = [[] for _ in shards]
    before = 0
    for i, size in enumerate(sizes):
        groups[min(len(shards) - 1, before // target)].append(i)
        before += size
    files: dict[str, WeightFile] = {}
    weight_map: dict[str, str] = {}
    for name, members in zip(shards, groups, strict=True):
        entries: dict[str, Any] = {"__metadata__": {"format": "pt"}}
        offset = 0
        for i in members:
            tensor, dtype, shape = tensors[i]
            entries[tensor] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + sizes[i]]}
            offset += sizes[i]
            weight_map[tensor] = name
        header = encode_header(entries)
        files[name] = WeightFile(header, len(header) + offset)
    return WeightFiles(files, weight_map, total_bytes, INDEX_FILE in filenames)


@lru_cache(maxsize=64)
def _cached(key: str, parameters: tuple[tuple[str, int], ...], model_type: str | None,
            filenames: tuple[str, ...]) -> WeightFiles:
    return build_files(dict(parameters), model_type, list(filenames))


def repo_weight_files(api: dict[str, Any], unlisted: dict[str, Any] | None = None) -> WeightFiles | None:
    """The weight files of a repo's API record, holding its `safetensors` block (or `unlisted`, the block of
    a repo whose API answer shows none); None without either. Built once, on demand."""
    block = api.get("safetensors") or unlisted
    if not isinstance(block, dict):
        return None
    filenames = tuple(s["rfilename"] for s in api.get("siblings", [])
                      if s["rfilename"] == INDEX_FILE or s["rfilename"].endswith(".safetensors"))
    if not filenames:
        return None
    model_type = (api.get("config") or {}).get("model_type")
    return _cached(api["id"], tuple(sorted(block["parameters"].items())), model_type, filenames)
