"""The files a replica repo serves besides its API record: `config.json` and the README model card."""

from __future__ import annotations

import json
import math
import random
from typing import Any

# Typical decoder dimensions by family: used to write config.json files whose dimensions are
# consistent with the repo's real parameter count (so a config-based estimate has something to do).
FAMILY_VOCAB = {"llama": 128256, "mistral": 32768, "qwen2": 151936, "gemma2": 256000, "phi3": 32064,
                "gemma": 256000, "mixtral": 32000, "qwen2_moe": 151936, "granite": 49155}


def decoder_dims(params: int, vocab: int) -> dict[str, int]:
    """Dimensions of a standard decoder (GQA 4:1, SwiGLU 3.5×) whose size is close to `params`."""
    best: dict[str, int] = {}
    best_err = math.inf
    for hidden in (512, 768, 896, 1024, 1536, 2048, 2560, 3072, 3584, 4096, 5120, 6144, 8192, 12288, 16384):
        heads = max(1, hidden // 128)
        kv = max(1, heads // 4)
        inter = int(hidden * 3.5) // 256 * 256
        per_layer = 2 * hidden * hidden + 2 * hidden * (kv * 128) + 3 * hidden * inter + 2 * hidden
        embed = 2 * vocab * hidden
        layers = round((params - embed) / per_layer)
        if layers < 2 or layers > 160:
            continue
        err = abs(embed + layers * per_layer - params) / params
        if err < best_err:
            best_err = err
            best = {"hidden_size": hidden, "num_hidden_layers": layers, "intermediate_size": inter,
                    "num_attention_heads": heads, "num_key_value_heads": kv, "head_dim": 128,
                    "vocab_size": vocab}
    return best


def config_file(arch: str | None, model_type: str | None, params: int | None,
                rng: random.Random, *, full_dims: bool) -> dict[str, Any] | None:
    """`config.json`: architecture only, or (`full_dims`) dimensions that add up to `params`."""
    if not arch:
        return None
    config: dict[str, Any] = {"architectures": [arch], "model_type": model_type,
                              "torch_dtype": "bfloat16", "transformers_version": "4.44.2"}
    if full_dims and params:
        vocab = FAMILY_VOCAB.get(model_type or "", 32000)
        config.update(decoder_dims(params, vocab))
        config["tie_word_embeddings"] = False
        config["max_position_embeddings"] = rng.choice([4096, 8192, 32768, 131072])
    return config


def readme(api: dict[str, Any], params: int | None, *, state_size: bool) -> str:
    """The model card: YAML front matter from `cardData`, a title, and (`state_size`) the size in prose."""
    front = ["---"] + [f"{key}: {json.dumps(value)}" for key, value in api.get("cardData", {}).items()] + ["---"]
    body = [f"# {api['id'].split('/', 1)[1]}", ""]
    if state_size and params:
        billions = params / 1e9
        text = f"{billions:.1f}B" if billions >= 1 else f"{params / 1e6:.0f}M"
        body.append(f"This model has {text} parameters and was trained by {api['author']}.")
    else:
        body.append(f"A text-generation model published by {api['author']}.")
    return "\n".join(front + [""] + body) + "\n"
