"""Parameter counts from every place a repo can state one (docs/model-sizes.md §1-3), each with its provenance.

- `ModelHeader` JSON on the model page: safetensors or gguf totals (exact).
- The page's visible "Model size 7.24B params" text (rounded: an estimate).
- `config.json`: dimensions of a common decoder family → a computed estimate.
- The model card README: explicit statements such as "7B parameters" (an estimate).
- The model name: llama.cpp's size-label rule (`8x7B`, `1.5B`, `350M`, `7b1`), nominal (an estimate).
Nothing here guesses: every function returns None with the reason when it cannot tell, and so for a count
no model has (none at all, or above MAX_PARAMS: a corrupt or hostile 10^18, a "1e400B" read as infinite).
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import Any

from parsel import Selector

from llmbench.parsing.quantization import is_quantized

UNITS = {"K": 1e3, "M": 1e6, "B": 1e9, "T": 1e12}
MAX_PARAMS = 10 ** 13  # 10 T parameters: beyond any model (analysis/data/quality.py excludes larger sizes too)


def count_of(value: float) -> int | float:
    """A computed count rounded to an int; an infinite one (a 400-digit "size") stays a float, which
    SizeFinding then refuses, instead of failing `round`."""
    return int(round(value)) if math.isfinite(value) else value


def plausible(count: float | int | None) -> str | None:
    """Why `count` is no parameter count (not finite, under 1, over MAX_PARAMS), or None when it may be one."""
    if count is None:
        return None
    if isinstance(count, float) and not math.isfinite(count):
        return f"count {count} is not a number"
    if count < 1 or count > MAX_PARAMS:
        return f"implausible count {count:.3g} (outside 1 to 10^13)"
    return None


@dataclass(frozen=True)
class SizeFinding:
    """A parameter count (or None) from one source, whether it is exact, and why when it is None."""

    source: str
    params: int | None
    exact: bool = False
    note: str = ""

    def __post_init__(self) -> None:
        """A count no model has is no finding: params None, the reason in the note (the candidates say it)."""
        why = plausible(self.params)
        if why is not None:
            object.__setattr__(self, "params", None)
            object.__setattr__(self, "exact", False)
            object.__setattr__(self, "note", f"{why}; {self.note}" if self.note else why)

    def describe(self) -> str:
        if self.params is None:
            return f"{self.source}: none ({self.note})"
        kind = "exact" if self.exact else "estimate"
        return f"{self.source}: {self.params} ({kind}{'; ' + self.note if self.note else ''})"


# -- model name --------------------------------------------------------------------------------
_LABEL = re.compile(r"^(?:(?P<active>A)|(?P<experts>\d+)x)?(?P<int>\d+)(?:[._](?P<frac>\d+))?(?P<unit>[KMBT])"
                    r"(?P<tail>\d)?$", re.IGNORECASE)
_WORD_LABEL = re.compile(r"^(small|mini|medium|large|x?xl)$", re.IGNORECASE)
# K/M labels that are context lengths, not sizes (phi-3-mini-4k, internlm2_5-7b-chat-1m).
CONTEXT_LABELS = {"1K", "2K", "4K", "8K", "16K", "32K", "64K", "128K", "200K", "256K", "512K", "1M", "2M", "4M"}


def size_labels(model_id: str) -> list[str]:
    """The size labels of a repo name, per llama.cpp's `get_model_id_components` (total_params=0)."""
    name = model_id.rsplit("/", 1)[-1]
    parts = name.split("-")
    labels = []
    for part in parts[1:]:
        if _LABEL.match(part) or _WORD_LABEL.match(part):
            labels.append(part)
    return labels


def label_count(label: str) -> int | float | None:
    """`8x7B` → 56e9 (nominal), `7b1` → 7.1e9, `1_6B` → 1.6e9; active (`A3B`) and word labels → None."""
    match = _LABEL.match(label)
    if not match or match.group("active"):
        return None
    unit = match.group("unit").upper()
    digits = match.group("int")
    frac = match.group("frac") or match.group("tail") or ""
    value = float(f"{digits}.{frac}" if frac else digits) * UNITS[unit]
    if match.group("experts"):
        value *= int(match.group("experts"))
    return count_of(value)


def size_from_name(model_id: str) -> SizeFinding:
    """The first numeric size label that is not a context length, as a nominal count."""
    labels = size_labels(model_id)
    for label in labels:
        if label.upper() in CONTEXT_LABELS:
            continue
        count = label_count(label)
        if count is not None:
            note = "nominal: experts × size" if "x" in label.lower() else f"label {label}"
            return SizeFinding("name", count, exact=False, note=note)
    if labels:
        return SizeFinding("name", None, note=f"labels {labels} carry no total (active, context or word sizes)")
    return SizeFinding("name", None, note="no size label in the name")


# -- the Hub API's own total ---------------------------------------------------------------------
def size_from_hub_row(row: dict[str, Any] | None) -> SizeFinding:
    """The usable total the `hub` crawl already took from the API (`hub_models.params`): exact."""
    if not row or row.get("params") is None:
        return SizeFinding("hub_api", None, note="no usable total in hub_models")
    return SizeFinding("hub_api", row["params"], exact=True,
                       note=f"{row.get('params_source') or 'total'}.total of {row['model_id']} in hub_models")


# -- base model ---------------------------------------------------------------------------------
def size_from_base_model(row: dict[str, Any] | None, base_row: Any) -> SizeFinding:
    """A quantized repo's parent's exact count (`row`, `base_row(id)`: hub_models rows)."""
    if not row or not row.get("base_models"):
        return SizeFinding("base_model", None, note="no base model recorded")
    if row.get("base_model_relation") != "quantized":
        return SizeFinding("base_model", None, note=f"relation {row.get('base_model_relation')}: sizes differ")
    base = row["base_models"][0]
    parent = base_row(base)
    if parent is None or parent.get("params") is None:
        return SizeFinding("base_model", None, note=f"size of {base} unknown")
    return SizeFinding("base_model", parent["params"], exact=True, note=f"quantized from {base}")


# -- model page --------------------------------------------------------------------------------
def model_header(html: str) -> dict[str, Any] | None:
    raw = Selector(text=html).css('div[data-target="ModelHeader"]::attr(data-props)').get()
    if not raw:
        return None
    try:
        props = json.loads(raw)
    except ValueError:
        return None
    model = props.get("model") if isinstance(props, dict) else None
    return model if isinstance(model, dict) else None


def quantized_page(model: dict[str, Any]) -> bool:
    safetensors = model.get("safetensors") if isinstance(model.get("safetensors"), dict) else {}
    parameters = safetensors.get("parameters") if isinstance(safetensors.get("parameters"), dict) else {}
    tags = model.get("tags") if isinstance(model.get("tags"), list) else []
    config = model.get("config") if isinstance(model.get("config"), dict) else None
    return is_quantized(parameters, tags, config, flagged=bool(model.get("isQuantized")))


def size_from_page_json(html: str) -> SizeFinding:
    model = model_header(html)
    if model is None:
        return SizeFinding("model_page_json", None, note="no ModelHeader data on the page")
    if quantized_page(model):
        total = (model.get("safetensors") or {}).get("total")
        return SizeFinding("model_page_json", None, note=f"quantized repo: reported total {total} under-counts")
    for key in ("safetensors", "gguf"):
        block = model.get(key)
        if isinstance(block, dict) and isinstance(block.get("total"), int) and block["total"] > 0:
            return SizeFinding("model_page_json", block["total"], exact=True, note=f"{key}.total")
    return SizeFinding("model_page_json", None, note="no safetensors or gguf metadata on the page")


_SIZE_TEXT = re.compile(r"Model size\s*([\d.]+)\s*([KMBT])\s*params", re.IGNORECASE)


def size_from_page_text(html: str) -> SizeFinding:
    text = " ".join(Selector(text=html).css("body ::text").getall())
    match = _SIZE_TEXT.search(re.sub(r"\s+", " ", text))
    if not match:
        return SizeFinding("model_page_text", None, note="no 'Model size … params' text")
    model = model_header(html)
    if model is not None and quantized_page(model):
        return SizeFinding("model_page_text", None, note="quantized repo: the sidebar size under-counts")
    count = count_of(float(match.group(1)) * UNITS[match.group(2).upper()])
    return SizeFinding("model_page_text", count, exact=False, note=f"rounded '{match.group(0)}'")


# -- config.json -------------------------------------------------------------------------------
GATED_MLP = {"llama", "mistral", "qwen2", "qwen3", "gemma", "gemma2", "gemma3", "phi3", "granite", "olmo", "olmo2",
             "mixtral", "qwen2_moe", "cohere", "internlm2", "deepseek", "yi", "stablelm", "starcoder2_gated"}
PLAIN_MLP = {"gpt2", "gpt_neox", "gptj", "opt", "falcon", "bloom", "phi", "starcoder2", "gpt_bigcode"}
MOE_EXPERTS = ("num_local_experts", "num_experts")


class _BadDimension(ValueError):
    """A config value that is present but not a positive whole number."""


def _dimension(config: dict[str, Any], *keys: str) -> int | None:
    """The first of `keys` present in the config, as a positive int; raises _BadDimension for any other type."""
    for key in keys:
        value = config.get(key)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise _BadDimension(f"{key} is {type(value).__name__} {str(value)[:20]!r}, not a positive integer")
        return value
    return None


def size_from_config(config: dict[str, Any]) -> SizeFinding:
    """Decoder parameter count from the config's dimensions (embeddings, attention, MLP, norms)."""
    model_type = config.get("model_type")
    if not isinstance(model_type, str) or model_type not in GATED_MLP | PLAIN_MLP:
        return SizeFinding("config", None, note=f"model_type {model_type or 'missing'} is not a supported family")
    try:
        hidden = _dimension(config, "hidden_size", "n_embd", "d_model")
        layers = _dimension(config, "num_hidden_layers", "n_layer")
        vocab = _dimension(config, "vocab_size")
        if not (hidden and layers and vocab):
            return SizeFinding("config", None, note="config lacks hidden_size / num_hidden_layers / vocab_size")
        heads = _dimension(config, "num_attention_heads", "n_head") or max(1, hidden // 128)
        head_dim = _dimension(config, "head_dim") or hidden // heads
        kv_heads = _dimension(config, "num_key_value_heads") or heads
        inter = _dimension(config, "intermediate_size", "n_inner") or 4 * hidden
        experts = next((config[k] for k in MOE_EXPERTS if isinstance(config.get(k), int)), 1)
    except _BadDimension as exc:
        return SizeFinding("config", None, note=f"config.json {exc}")
    attention = hidden * heads * head_dim * 2 + hidden * kv_heads * head_dim * 2
    mlp = (3 if model_type in GATED_MLP else 2) * hidden * inter
    if experts > 1:
        mlp = mlp * experts + hidden * experts
    per_layer = attention + mlp + 2 * hidden
    tied = config.get("tie_word_embeddings", model_type in PLAIN_MLP)
    embeddings = vocab * hidden * (1 if tied else 2)
    total = embeddings + layers * per_layer + hidden
    return SizeFinding("config", int(total), exact=False, note=f"{model_type} dimensions")


# -- README ------------------------------------------------------------------------------------
_STATEMENT = re.compile(
    r"(?<![\w.])(\d+(?:\.\d+)?)\s*(billion|million|[BMK])\b[\s-]*(?:parameters|params|parameter)\b", re.IGNORECASE)
_WORD_UNITS = {"billion": "B", "million": "M"}


def size_from_readme(text: str) -> SizeFinding:
    """An explicit statement in the card body ("7B parameters", "1.5 billion parameters")."""
    body = text.split("---", 2)[-1] if text.startswith("---") else text
    match = _STATEMENT.search(body)
    if not match:
        return SizeFinding("readme", None, note="no explicit parameter statement")
    unit = _WORD_UNITS.get(match.group(2).lower(), match.group(2).upper())
    count = count_of(float(match.group(1)) * UNITS[unit])
    return SizeFinding("readme", count, exact=False, note=f"'{match.group(0).strip()[:80]}'")
