"""Parameter counts from safetensors headers read with Range requests (docs/model-sizes.md §4).

A safetensors file starts with 8 bytes (little-endian u64) giving the length N of a JSON header, then
the header: `{"__metadata__": {...}, "<tensor>": {"dtype": "BF16", "shape": [4096, 4096],
"data_offsets": [a, b]}, ...}` (https://huggingface.co/docs/safetensors/index#format). A tensor's element
count is the product of its shape (1 for a scalar); summed per dtype over every file of the repo, it is
exactly what the Hub shows as `safetensors.parameters`. A sharded repo names its files in
`model.safetensors.index.json`'s `weight_map`. As huggingface_hub's `parse_safetensors_file_metadata`
does, the first request asks for the first FIRST_READ bytes, which hold most headers whole; a longer
header takes one more ranged request. Nothing here trusts a length or shape it was given blindly.
"""

from __future__ import annotations

import json
import re
import struct

from llmbench.parsing.quantization import is_quantized
from llmbench.parsing.sizes import SizeFinding

SINGLE_FILE = "model.safetensors"
INDEX_FILE = "model.safetensors.index.json"
FIRST_READ = 100_000  # bytes asked first: huggingface_hub's choice (97% of the top 1,000 models' headers fit)
MAX_HEADER = 25_000_000  # huggingface_hub's SAFETENSORS_MAX_HEADER_LENGTH: a longer header is refused
MAX_SHARDS = 1000  # an index naming more files than any model has is not read
_SHARD = re.compile(r"^(?!/)(?!.*(?:^|/)\.\.(?:/|$))[\w.\-/]{1,200}\.safetensors$")


class HeaderError(ValueError):
    """A safetensors header or index that cannot be read (its reason is the message)."""


def header_length(first: bytes) -> int:
    """N, from a file's first 8 bytes; HeaderError for a short file or a length over MAX_HEADER."""
    if len(first) < 8:
        raise HeaderError(f"only {len(first)} bytes, not a safetensors file")
    (length,) = struct.unpack("<Q", first[:8])
    if length < 2 or length > MAX_HEADER:
        raise HeaderError(f"header length {length} outside 2 to {MAX_HEADER} bytes")
    return length


def header_counts(header: bytes) -> dict[str, int]:
    """Elements per dtype of one file's header JSON."""
    try:
        entries = json.loads(header.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise HeaderError("header is not JSON") from exc
    if not isinstance(entries, dict):
        raise HeaderError("header is not a JSON object")
    counts: dict[str, int] = {}
    for name, tensor in entries.items():
        if name == "__metadata__":
            continue
        if not isinstance(tensor, dict) or not isinstance(tensor.get("dtype"), str) \
                or not isinstance(tensor.get("shape"), list):
            raise HeaderError(f"tensor {name[:60]!r} lacks a dtype or a shape")
        elements = 1
        for dim in tensor["shape"]:
            if isinstance(dim, bool) or not isinstance(dim, int) or dim < 0:
                raise HeaderError(f"tensor {name[:60]!r} has a bad dimension {str(dim)[:20]!r}")
            elements *= dim
        dtype = tensor["dtype"][:16]
        counts[dtype] = counts.get(dtype, 0) + elements
    return counts


def index_files(text: str | bytes) -> list[str]:
    """The shard files a `model.safetensors.index.json` names, in order, each once."""
    try:
        index = json.loads(text)
    except ValueError as exc:
        raise HeaderError(f"{INDEX_FILE} is not JSON") from exc
    weight_map = index.get("weight_map") if isinstance(index, dict) else None
    if not isinstance(weight_map, dict) or not weight_map:
        raise HeaderError(f"{INDEX_FILE} has no weight_map")
    files = list(dict.fromkeys(weight_map.values()))
    bad = next((f for f in files if not isinstance(f, str) or not _SHARD.match(f)), None)
    if bad is not None:
        raise HeaderError(f"{INDEX_FILE} names an unusable file {str(bad)[:60]!r}")
    if len(files) > MAX_SHARDS:
        raise HeaderError(f"{INDEX_FILE} names {len(files)} files (over {MAX_SHARDS})")
    return files


def add_counts(total: dict[str, int], more: dict[str, int]) -> dict[str, int]:
    return {dtype: total.get(dtype, 0) + more.get(dtype, 0) for dtype in {*total, *more}}


def size_from_headers(counts: dict[str, int], files: int) -> SizeFinding:
    """The exact count the headers add up to, unless packed-quantized (then it under-counts, §2)."""
    listed = ", ".join(f"{dtype} {n}" for dtype, n in sorted(counts.items()))
    if is_quantized(counts, []):
        return SizeFinding("safetensors_header", None, note=f"packed-quantized headers ({listed}) under-count")
    where = "1 file" if files == 1 else f"{files} files"
    return SizeFinding("safetensors_header", sum(counts.values()), exact=True, note=f"{where}: {listed}")
