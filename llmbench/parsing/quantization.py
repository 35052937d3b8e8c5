"""The one rule for "quantized", shared by the Hub API parser and the model-page parser.

Packed integer tensors (GPTQ, AWQ, bitsandbytes, mlx 4-bit) hold several weights per element, so a
safetensors total under-counts the parameters of such a repo (docs/model-sizes.md §2). FP8 stores one weight
per element and is not "quantized" in this sense.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

PACKED_DTYPES = frozenset({"I32", "U32", "U8", "I8"})
FLOAT_DTYPES = frozenset({"F16", "BF16", "F32"})
QUANT_TAGS = frozenset({"4-bit", "8-bit", "gptq", "awq", "bitsandbytes", "exl2"})


def is_quantized(dtypes: Iterable[str] | None, tags: Iterable[str], config: dict[str, Any] | None = None,
                 flagged: bool = False) -> bool:
    """Packed ints mixed with floats, a quantization tag, a `quantization_config`, or the page's `isQuantized`."""
    if flagged:
        return True
    names = set(dtypes or ())
    if names & PACKED_DTYPES and names & FLOAT_DTYPES:
        return True
    try:
        lowered = set(map(str.lower, tags))
    except TypeError:  # a tag that is not a string (model pages): only the strings count
        lowered = {t.lower() for t in tags if isinstance(t, str)}
    if not QUANT_TAGS.isdisjoint(lowered):
        return True
    return bool(isinstance(config, dict) and config.get("quantization_config"))
