"""One replica repo: the `RepoSpec` it is synthesised from, and the `ModelRecord` the routes serve.

`api_record` turns a spec into the full `/api/models/{id}` JSON. Which values are real (from the
leaderboard row) and which are drawn from the seeded generator is documented in `synthesis.py`.
"""

from __future__ import annotations

import hashlib
import math
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from .gating import gate_of, gated_card_fields
from .weights import weight_filenames

# Storage formats: safetensors with metadata, weights only as pytorch_model.bin, GGUF files only.
SAFETENSORS, BIN_ONLY, GGUF_ONLY, QUANT_PACKED = "safetensors", "bin", "gguf", "quantized"

# GGUF headers carry the tokenizer's special tokens and chat template (shortened here).
SPECIAL_TOKENS = {"llama": ("<|begin_of_text|>", "<|eot_id|>"), "qwen2": ("<|endoftext|>", "<|im_end|>"),
                  "gemma2": ("<bos>", "<eos>"), "gemma": ("<bos>", "<eos>"), "phi3": ("<s>", "<|end|>")}
CHAT_TEMPLATE = ("{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] "
                 "+ '<|im_end|>' + '\\n' }}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}"
                 "{% endif %}")
LANG_CHOICES = ("en", "zh", "fr", "de", "es", "ja", "ko", "it", "pt", "ru", "ar", "hi", "tr", "vi")


def object_id(repo_id: str) -> str:
    """A stable 24-hex Mongo-like `_id` (the real Hub's ids are ObjectIds)."""
    return hashlib.sha1(repo_id.encode()).hexdigest()[:24]


def iso(dt: datetime) -> str:
    return dt.strftime("%Y-%m-%dT%H:%M:%S.000Z")


@dataclass
class RepoSpec:
    """What a repo is, before the synthetic details are drawn: the inputs of `api_record`."""

    repo_id: str
    created: datetime
    pipeline: str | None  # None: the repo declares no task (some GGUF repos)
    storage: str
    library: str | None  # None: no `library_name` (GGUF repos)
    likes: int = 0
    sha: str | None = None
    license: str | None = None
    license_name: str | None = None  # custom licenses: `license: other` plus these two in the card
    license_link: str | None = None
    arch: str | None = None
    model_type: str | None = None
    base: str | None = None
    relation: str | None = None
    params: int | None = None
    chat: bool = False
    merged: bool = False
    moe: bool = False


@dataclass
class ModelRecord:
    """Everything the replica knows about one repo; `api` is the full `/api/models/{id}` JSON."""

    api: dict[str, Any]
    storage: str
    params: int | None
    config_file: dict[str, Any] | None
    readme: str
    page_extra: dict[str, Any] = field(default_factory=dict)
    # The `safetensors` block of a repo whose files have one but whose API answer shows none (synthesis.py).
    unlisted_safetensors: dict[str, Any] | None = None

    @property
    def repo_id(self) -> str:
        return self.api["id"]


def _card(spec: RepoSpec, languages: list[str] | None, rng: random.Random) -> dict[str, Any]:
    card: dict[str, Any] = {}
    if spec.license:
        card["license"] = [spec.license] if rng.random() < 0.08 else spec.license
        if spec.license_name:
            card["license_name"] = spec.license_name
        if spec.license_link:
            card["license_link"] = spec.license_link
    if languages:
        card["language"] = languages[0] if len(languages) == 1 and rng.random() < 0.5 else languages
    if spec.base:
        as_list = rng.random() < 0.2 or spec.storage == GGUF_ONLY  # GGUF cards list their parent
        card["base_model"] = [spec.base] if as_list else spec.base
    if spec.library:
        card["library_name"] = spec.library
    if spec.pipeline:
        card["pipeline_tag"] = spec.pipeline
    if spec.merged:
        card["tags"] = ["mergekit", "merge"]
    return card


def _tags(spec: RepoSpec, languages: list[str] | None) -> list[str]:
    storage_tag = {SAFETENSORS: "safetensors", BIN_ONLY: "pytorch", GGUF_ONLY: "gguf",
                   QUANT_PACKED: "safetensors"}[spec.storage]
    tags = [spec.library, storage_tag] if spec.library and spec.library != storage_tag else [storage_tag]
    if spec.model_type:
        tags.append(spec.model_type)
    if spec.pipeline:
        tags.append(spec.pipeline)
    if spec.merged:
        tags += ["mergekit", "merge"]
    if spec.moe:
        tags.append("moe")
    if spec.chat:
        tags.append("conversational")
    tags += list(languages or [])
    if spec.base:
        tags.append(f"base_model:{spec.base}")
        tags.append(f"base_model:{spec.relation}:{spec.base}")
    if spec.license:
        tags.append(f"license:{spec.license}")
    if spec.storage == QUANT_PACKED:
        tags += ["4-bit", "gptq"] if "GPTQ" in spec.repo_id else ["4-bit", "mlx"]
    tags += ["autotrain_compatible", "endpoints_compatible", "region:us"]
    return tags


def _siblings(spec: RepoSpec) -> list[dict[str, str]]:
    siblings = [{"rfilename": ".gitattributes"}, {"rfilename": "README.md"}]
    if spec.storage != GGUF_ONLY:
        siblings.append({"rfilename": "config.json"})
    if spec.storage in (SAFETENSORS, QUANT_PACKED):
        siblings += [{"rfilename": name}
                     for name in weight_filenames(spec.params or 0, packed=spec.storage == QUANT_PACKED)]
    elif spec.storage == BIN_ONLY:
        siblings.append({"rfilename": "pytorch_model.bin"})
    else:
        short = spec.repo_id.split("/", 1)[1].removesuffix("-GGUF")
        siblings += [{"rfilename": f"{short}.{q}.gguf"} for q in ("Q2_K", "Q4_K_M", "Q8_0")]
    return siblings


def _weights(spec: RepoSpec) -> dict[str, Any]:
    """The `safetensors` or `gguf` block the Hub derives from the weight files' headers."""
    params, storage = spec.params, spec.storage
    if not params:
        return {}
    if storage == SAFETENSORS:
        return {"safetensors": {"parameters": {"BF16": params}, "total": params}}
    if storage == QUANT_PACKED:
        packed, fp = params // 8, params // 25
        gptq = "GPTQ" in spec.repo_id
        return {"safetensors": {"parameters": {"I32" if gptq else "U32": packed, "F16" if gptq else "BF16": fp},
                                "total": packed + fp}}
    if storage == GGUF_ONLY:
        gguf: dict[str, Any] = {"total": params, "architecture": spec.model_type or "llama", "context_length": 4096}
        if spec.chat:
            gguf["chat_template"] = CHAT_TEMPLATE
        bos, eos = SPECIAL_TOKENS.get(spec.model_type or "", ("<s>", "</s>"))
        gguf |= {"bos_token": bos, "eos_token": eos, "totalFileSize": params * 2 + params // 25}
        return {"gguf": gguf, "config": {}}
    return {}


def api_record(spec: RepoSpec, rng: random.Random) -> dict[str, Any]:
    """The full model-info JSON of a spec; draws (in a fixed order) the synthetic fields from `rng`."""
    downloads = int(math.exp(rng.gauss(4.0 + 1.1 * math.log1p(spec.likes), 1.6)))
    lang_roll = rng.random()
    languages = (None if lang_roll < 0.25 else ["en"] if lang_roll < 0.8 else
                 ["en"] + rng.sample(LANG_CHOICES[1:], rng.randint(1, 4)))
    card = _card(spec, languages, rng) | gated_card_fields(spec.repo_id, spec.license)
    repo_id = spec.repo_id
    last_modified = iso(spec.created + timedelta(days=rng.randint(0, 120), seconds=rng.randint(0, 86_399)))
    rng.random()  # the old random gate's draw: kept so every later draw stays in place
    api: dict[str, Any] = {
        "_id": object_id(repo_id),
        "id": repo_id,
        "modelId": repo_id,
        "author": repo_id.split("/", 1)[0],
        "sha": spec.sha or hashlib.sha1(f"{repo_id}@main".encode()).hexdigest(),
        "createdAt": iso(spec.created),
        "lastModified": last_modified,
        "private": False,
        "disabled": False,
        "gated": gate_of(repo_id),  # as the real repo is gated (gating.py)
        "downloads": downloads,
        "downloadsAllTime": downloads * rng.randint(1, 40),
        "likes": spec.likes,
        "trendingScore": int(spec.likes * rng.random() * 0.2),
        "library_name": spec.library,
        "pipeline_tag": spec.pipeline,
        "model-index": None,
        "tags": _tags(spec, languages),
        "cardData": card,
        "siblings": _siblings(spec),
        "spaces": [],
        "widgetData": [{"text": "My name is Julien and I like to"}],
        "usedStorage": (spec.params or 1_000_000) * (2 if spec.storage == SAFETENSORS else 1),
        "inference": "warm" if spec.likes > 2000 else None,
        "mask_token": None,
        "childrenModelCount": 0,  # counted by the catalog once every repo exists
        "xetEnabled": True,
    }
    if not spec.pipeline:  # no task, no inference widget
        del api["widgetData"]
    if spec.arch and spec.storage != GGUF_ONLY:
        bos, eos = SPECIAL_TOKENS.get(spec.model_type or "", ("<s>", "</s>"))
        api["config"] = {"architectures": [spec.arch], "model_type": spec.model_type,
                         "tokenizer_config": {"bos_token": bos, "eos_token": eos}}
        if spec.storage == QUANT_PACKED:
            api["config"]["quantization_config"] = {"bits": 4}
        api["transformersInfo"] = {"auto_model": "AutoModelForCausalLM", "pipeline_tag": spec.pipeline,
                                   "processor": "AutoTokenizer"}
    if spec.base:  # the Hub derives `baseModels` from the card
        api["baseModels"] = {"relation": spec.relation, "models": [{"_id": object_id(spec.base), "id": spec.base}]}
    api.update(_weights(spec))
    return {k: v for k, v in api.items() if v is not None or k == "model-index"}
