"""The replica's Hub: one record per model repo, built from the real leaderboard rows.

Real where the leaderboard carries it: repo id, sha, license, likes (hearts), parameter count,
architecture, base model, chat template, merge/MoE flags, upload date. Models the leaderboard marks as
*not* available on the Hub are absent here (404), as on the real Hub.

**Synthetic** (deterministic from `seed`, documented in README): downloads, trending score, languages,
gated status, creation time of day, the card's string-or-list forms, the storage format of each repo
(safetensors / `.bin`-only / GGUF) and the derived quantized repos (`-GGUF`, `-GPTQ`, `-4bit`) that
under-report or lack safetensors metadata, and `extra_models` filler repos for scale tests.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import random
import zlib
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cached_property
from typing import Any

from .leaderboard_data import formatted_rows

EXPAND_PROPERTIES = (
    "author", "baseModels", "cardData", "childrenModelCount", "config", "createdAt", "disabled",
    "downloads", "downloadsAllTime", "evalResults", "gated", "gguf", "inference",
    "inferenceProviderMapping", "lastModified", "library_name", "likes", "mask_token", "model-index",
    "pipeline_tag", "private", "resourceGroup", "safetensors", "sha", "siblings", "spaces", "tags",
    "transformersInfo", "trendingScore", "usedStorage", "widgetData",
)
DEFAULT_LIST_FIELDS = (
    "_id", "id", "likes", "trendingScore", "private", "downloads", "tags", "pipeline_tag",
    "library_name", "createdAt", "modelId",
)
FULL_EXTRA_FIELDS = ("author", "sha", "lastModified", "gated", "disabled", "siblings", "safetensors",
                     "gguf", "baseModels", "transformersInfo", "spaces", "widgetData", "model-index",
                     "inference", "usedStorage")
SORT_FIELDS = ("downloads", "likes", "createdAt", "lastModified", "trendingScore")

# Storage formats: safetensors with metadata, weights only as pytorch_model.bin, GGUF files only.
SAFETENSORS, BIN_ONLY, GGUF_ONLY, QUANT_PACKED = "safetensors", "bin", "gguf", "quantized"

LANG_CHOICES = ("en", "zh", "fr", "de", "es", "ja", "ko", "it", "pt", "ru", "ar", "hi", "tr", "vi")

# Typical decoder dimensions by family: used to write config.json files whose dimensions are
# consistent with the repo's real parameter count (so a config-based estimate has something to do).
FAMILY_VOCAB = {"llama": 128256, "mistral": 32768, "qwen2": 151936, "gemma2": 256000, "phi3": 32064,
                "gemma": 256000, "mixtral": 32000, "qwen2_moe": 151936, "granite": 49155}


# Legacy ids without a namespace and the repo they resolve to on today's Hub.
LEGACY_CANONICAL = {"gpt2": "openai-community/gpt2"}


def _rng(seed: int, *parts: str) -> random.Random:
    return random.Random(seed * 1_000_003 + zlib.crc32("\x1f".join(parts).encode()))


def object_id(repo_id: str) -> str:
    """A stable 24-hex Mongo-like `_id` (the real Hub's ids are ObjectIds)."""
    return hashlib.sha1(repo_id.encode()).hexdigest()[:24]


def iso(dt: datetime) -> str:
    return dt.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def model_type_of(architecture: str) -> str | None:
    if not architecture or architecture == "?":
        return None
    base = architecture
    for suffix in ("ForCausalLM", "LMHeadModel", "ForConditionalGeneration", "Model"):
        if base.endswith(suffix):
            base = base[: -len(suffix)]
            break
    out = ""
    for i, ch in enumerate(base):
        if ch.isupper() and i and (base[i - 1].islower() or base[i - 1].isdigit()):
            out += "_"
        out += ch.lower()
    return {"gptneo_x": "gpt_neox", "gptj": "gptj"}.get(out, out)


def exact_params(params_billions: float, rng: random.Random) -> int | None:
    """A plausible exact count behind the leaderboard's rounded billions (None when unknown)."""
    if params_billions <= 0:
        return None
    text = repr(params_billions)
    decimals = len(text.split(".")[1]) if "." in text else 0
    step = 10 ** max(0, 9 - decimals)
    return int(round(params_billions * 1e9)) + rng.randrange(0, step)


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


@dataclass
class ModelRecord:
    """Everything the replica knows about one repo; `api` is the full `/api/models/{id}` JSON."""

    api: dict[str, Any]
    storage: str
    params: int | None
    config_file: dict[str, Any] | None
    readme: str
    page_extra: dict[str, Any] = field(default_factory=dict)

    @property
    def repo_id(self) -> str:
        return self.api["id"]


class Catalog:
    """All replica repos, with per-sort indexes for cursor pagination."""

    def __init__(self, *, seed: int = 0, extra_models: int = 0) -> None:
        self.seed = seed
        self.extra_models = extra_models
        self._records: list[ModelRecord] = []
        self._by_id: dict[str, int] = {}
        self._build_from_leaderboard()
        self._real_count = len(self._records)

    # -- construction -------------------------------------------------------------------------
    def _build_from_leaderboard(self) -> None:
        seen: set[str] = set()
        derived: list[ModelRecord] = []
        for row in formatted_rows():
            name = row["model"]["name"]
            if name in seen:
                continue
            seen.add(name)
            if not row["features"]["is_not_available_on_hub"]:  # misnomer: False = NOT on the Hub
                continue
            record = self._record_from_row(row)
            if record.repo_id.lower() in self._by_id:  # `gpt2` and `openai-community/gpt2` are one repo
                continue
            self._add(record)
            derived.extend(self._derived_repos(record, row))
        for record in derived:
            if record.repo_id not in self._by_id:
                self._add(record)

    def _add(self, record: ModelRecord) -> None:
        self._by_id[record.repo_id.lower()] = len(self._records)
        for legacy, canonical in LEGACY_CANONICAL.items():
            if canonical == record.repo_id:
                self._by_id[legacy] = len(self._records)
        self._records.append(record)

    def _record_from_row(self, row: dict[str, Any]) -> ModelRecord:
        model, meta, feats = row["model"], row["metadata"], row["features"]
        name = model["name"]
        if "/" not in name:  # legacy canonical ids (`gpt2`) now live under their org on the Hub
            name = LEGACY_CANONICAL.get(name, f"{name}/{name}")
        rng = _rng(self.seed, name)
        params = exact_params(meta["params_billions"], rng)
        roll = rng.random()
        if params is None or roll < 0.10:
            storage = BIN_ONLY
        else:
            storage = SAFETENSORS
        arch = model["architecture"] if model["architecture"] not in ("", "?") else None
        mtype = model_type_of(arch or "")
        base = meta["base_model"].removesuffix(" (Merge)")
        if base in ("Removed", name, ""):
            base = None
        relation = None
        if base:
            relation = ("merge" if feats["is_merged"] else
                        "adapter" if model["weight_type"] == "Adapter" else "finetune")
        pipeline = ("image-text-to-text" if model["type"] == "multimodal" else
                    "text2text-generation" if arch == "T5ForConditionalGeneration" else "text-generation")
        created = self._created_at(meta["upload_date"], rng)
        api = self._api_record(
            repo_id=name, rng=rng, sha=model["sha"] or None, license_=meta["hub_license"] or None,
            likes=meta["hub_hearts"], created=created, arch=arch, model_type=mtype, base=base,
            relation=relation, pipeline=pipeline, storage=storage, params=params,
            library="peft" if model["weight_type"] == "Adapter" else "transformers",
            chat=model["has_chat_template"], merged=feats["is_merged"], moe=feats["is_moe"],
        )
        config_file = self._config_file(arch, mtype, params, rng, full_dims=storage == BIN_ONLY)
        readme = self._readme(api, params, rng, state_size=storage == BIN_ONLY and rng.random() < 0.4)
        return ModelRecord(api=api, storage=storage, params=params, config_file=config_file, readme=readme)

    def _derived_repos(self, parent: ModelRecord, row: dict[str, Any]) -> list[ModelRecord]:
        """Quantized community repos of some leaderboard models (Hub-only, not on the board)."""
        if parent.params is None or parent.api.get("pipeline_tag") != "text-generation":
            return []
        rng = _rng(self.seed, parent.repo_id, "derived")
        short = parent.repo_id.split("/", 1)[1]
        out: list[ModelRecord] = []
        roll = rng.random()
        if roll < 0.10:
            out.append(self._quantized(parent, f"QuantFactory/{short}-GGUF", GGUF_ONLY, rng))
        elif roll < 0.15:
            out.append(self._quantized(parent, f"TheBloke/{short}-GPTQ", QUANT_PACKED, rng))
        elif roll < 0.18:
            out.append(self._quantized(parent, f"mlx-community/{short}-4bit", QUANT_PACKED, rng))
        return out

    def _quantized(self, parent: ModelRecord, repo_id: str, storage: str, rng: random.Random) -> ModelRecord:
        p = parent.api
        created = datetime.strptime(p["createdAt"], "%Y-%m-%dT%H:%M:%S.000Z").replace(tzinfo=UTC)
        api = self._api_record(
            repo_id=repo_id, rng=rng, sha=None, license_=p.get("cardData", {}).get("license"),
            likes=max(0, p["likes"] // 10), created=created + timedelta(days=rng.randint(1, 30)),
            arch=(p.get("config") or {}).get("architectures", [None])[0],
            model_type=(p.get("config") or {}).get("model_type"), base=p["id"], relation="quantized",
            pipeline="text-generation", storage=storage, params=parent.params,
            library="gguf" if storage == GGUF_ONLY else "transformers",
            chat="conversational" in p["tags"], merged=False, moe=False,
        )
        config = None if storage == GGUF_ONLY else self._config_file(
            api["config"].get("architectures", [None])[0] if api.get("config") else None,
            api.get("config", {}).get("model_type"), parent.params, rng, full_dims=True)
        if config is not None and storage == QUANT_PACKED:
            config["quantization_config"] = {"bits": 4, "quant_method": "gptq" if "GPTQ" in repo_id else "mlx"}
        readme = self._readme(api, parent.params, rng, state_size=False)
        return ModelRecord(api=api, storage=storage, params=parent.params, config_file=config, readme=readme,
                           page_extra={"isQuantized": storage == QUANT_PACKED})

    def _created_at(self, upload_date: str, rng: random.Random) -> datetime:
        if upload_date:
            day = datetime.strptime(upload_date, "%Y-%m-%d").replace(tzinfo=UTC)
        else:
            day = datetime(2023, 3, 1, tzinfo=UTC) + timedelta(days=rng.randint(0, 600))
        return day + timedelta(seconds=rng.randint(0, 86_399))

    def _api_record(self, *, repo_id: str, rng: random.Random, sha: str | None, license_: str | None,
                    likes: int, created: datetime, arch: str | None, model_type: str | None,
                    base: str | None, relation: str | None, pipeline: str, storage: str,
                    params: int | None, library: str, chat: bool, merged: bool, moe: bool) -> dict[str, Any]:
        author = repo_id.split("/", 1)[0]
        downloads = int(math.exp(rng.gauss(4.0 + 1.1 * math.log1p(likes), 1.6)))
        languages: list[str] | None
        lang_roll = rng.random()
        languages = (None if lang_roll < 0.25 else ["en"] if lang_roll < 0.8 else
                     ["en"] + rng.sample(LANG_CHOICES[1:], rng.randint(1, 4)))
        card: dict[str, Any] = {}
        if license_:
            card["license"] = [license_] if rng.random() < 0.08 else license_
        if languages:
            card["language"] = languages[0] if len(languages) == 1 and rng.random() < 0.5 else languages
        if base:
            card["base_model"] = [base] if rng.random() < 0.2 else base
        card["library_name"] = library
        card["pipeline_tag"] = pipeline
        if merged:
            card["tags"] = ["mergekit", "merge"]
        storage_tag = {SAFETENSORS: "safetensors", BIN_ONLY: "pytorch", GGUF_ONLY: "gguf",
                       QUANT_PACKED: "safetensors"}[storage]
        tags = [library, storage_tag]
        if model_type:
            tags.append(model_type)
        tags.append(pipeline)
        if merged:
            tags += ["mergekit", "merge"]
        if moe:
            tags.append("moe")
        if chat:
            tags.append("conversational")
        tags += list(languages or [])
        if base:
            tags.append(f"base_model:{base}")
            tags.append(f"base_model:{relation}:{base}")
        if license_:
            tags.append(f"license:{license_}")
        if storage == QUANT_PACKED:
            tags += ["4-bit", "gptq"] if "GPTQ" in repo_id else ["4-bit", "mlx"]
        tags += ["autotrain_compatible", "endpoints_compatible", "region:us"]
        siblings = [{"rfilename": ".gitattributes"}, {"rfilename": "README.md"}]
        if storage != GGUF_ONLY:
            siblings.append({"rfilename": "config.json"})
        if storage in (SAFETENSORS, QUANT_PACKED):
            shards = max(1, (params or 0) // 5_000_000_000) if storage == SAFETENSORS else 1
            siblings += [{"rfilename": f"model-{i:05d}-of-{shards:05d}.safetensors"} for i in range(1, shards + 1)]
        elif storage == BIN_ONLY:
            siblings.append({"rfilename": "pytorch_model.bin"})
        else:
            short = repo_id.split("/", 1)[1].removesuffix("-GGUF")
            siblings += [{"rfilename": f"{short}.{q}.gguf"} for q in ("Q2_K", "Q4_K_M", "Q8_0")]
        api: dict[str, Any] = {
            "_id": object_id(repo_id),
            "id": repo_id,
            "modelId": repo_id,
            "author": author,
            "sha": sha or hashlib.sha1(f"{repo_id}@main".encode()).hexdigest(),
            "createdAt": iso(created),
            "lastModified": iso(created + timedelta(days=rng.randint(0, 120), seconds=rng.randint(0, 86_399))),
            "private": False,
            "disabled": False,
            "gated": rng.choices([False, "auto", "manual"], weights=[92, 3, 5])[0],
            "downloads": downloads,
            "downloadsAllTime": downloads * rng.randint(1, 40),
            "likes": likes,
            "trendingScore": int(likes * rng.random() * 0.2),
            "library_name": library,
            "pipeline_tag": pipeline,
            "model-index": None,
            "tags": tags,
            "cardData": card,
            "siblings": siblings,
            "spaces": [],
            "widgetData": [{"text": "My name is Julien and I like to"}],
            "usedStorage": (params or 1_000_000) * (2 if storage == SAFETENSORS else 1),
            "inference": "warm" if likes > 2000 else None,
            "mask_token": None,
        }
        if arch and storage != GGUF_ONLY:
            api["config"] = {"architectures": [arch], "model_type": model_type}
            api["transformersInfo"] = {"auto_model": "AutoModelForCausalLM", "pipeline_tag": pipeline,
                                       "processor": "AutoTokenizer"}
        if base:
            api["baseModels"] = {"relation": relation, "models": [{"_id": object_id(base), "id": base}]}
        if storage == SAFETENSORS and params:
            api["safetensors"] = {"parameters": {"BF16": params}, "total": params}
        elif storage == QUANT_PACKED and params:
            packed = params // 8
            fp = params // 25
            key = "I32" if "GPTQ" in repo_id else "U32"
            half = "F16" if "GPTQ" in repo_id else "BF16"
            api["safetensors"] = {"parameters": {key: packed, half: fp}, "total": packed + fp}
        elif storage == GGUF_ONLY and params:
            api["gguf"] = {"total": params, "architecture": model_type or "llama", "context_length": 4096}
        return {k: v for k, v in api.items() if v is not None or k == "model-index"}

    def _config_file(self, arch: str | None, model_type: str | None, params: int | None,
                     rng: random.Random, *, full_dims: bool) -> dict[str, Any] | None:
        if not arch:
            return None
        config: dict[str, Any] = {"architectures": [arch], "model_type": model_type,
                                  "torch_dtype": "bfloat16", "transformers_version": "4.44.2"}
        if full_dims and params:
            vocab = FAMILY_VOCAB.get(model_type or "", 32000)
            dims = decoder_dims(params, vocab)
            config.update(dims)
            config["tie_word_embeddings"] = False
            config["max_position_embeddings"] = rng.choice([4096, 8192, 32768, 131072])
        return config

    def _readme(self, api: dict[str, Any], params: int | None, rng: random.Random, *, state_size: bool) -> str:
        card = api.get("cardData", {})
        front = ["---"]
        for key, value in card.items():
            front.append(f"{key}: {json.dumps(value)}")
        front.append("---")
        body = [f"# {api['id'].split('/', 1)[1]}", ""]
        if state_size and params:
            billions = params / 1e9
            text = f"{billions:.1f}B" if billions >= 1 else f"{params / 1e6:.0f}M"
            body.append(f"This model has {text} parameters and was trained by {api['author']}.")
        else:
            body.append(f"A text-generation model published by {api['author']}.")
        return "\n".join(front + [""] + body) + "\n"

    # -- extra synthetic repos for scale ------------------------------------------------------
    def _extra(self, index: int) -> ModelRecord:
        rng = _rng(self.seed, "extra", str(index))
        repo_id = f"synthetic-org-{index % 997:03d}/synthetic-model-{index:07d}"
        params = rng.choice([125, 350, 1_100, 3_000, 7_000, 13_000]) * 1_000_000 + rng.randrange(1_000_000)
        created = datetime(2023, 1, 1, tzinfo=UTC) + timedelta(seconds=rng.randrange(60_000_000))
        api = self._api_record(
            repo_id=repo_id, rng=rng, sha=None, license_="apache-2.0", likes=int(rng.expovariate(0.2)),
            created=created, arch="LlamaForCausalLM", model_type="llama", base=None, relation=None,
            pipeline="text-generation", storage=SAFETENSORS, params=params, library="transformers",
            chat=False, merged=False, moe=False,
        )
        return ModelRecord(api=api, storage=SAFETENSORS, params=params, config_file=None, readme="")

    # -- lookup -------------------------------------------------------------------------------
    def __len__(self) -> int:
        return self._real_count + self.extra_models

    def record(self, index: int) -> ModelRecord:
        if index < self._real_count:
            return self._records[index]
        return self._extra(index - self._real_count)

    def get(self, repo_id: str) -> ModelRecord | None:
        index = self._by_id.get(repo_id.lower())
        if index is not None:
            return self._records[index]
        if repo_id.startswith("synthetic-org-") and "/synthetic-model-" in repo_id:
            try:
                extra = int(repo_id.rsplit("-", 1)[1])
            except ValueError:
                return None
            if 0 <= extra < self.extra_models:
                record = self._extra(extra)
                if record.repo_id == repo_id:
                    return record
        return None

    def __iter__(self) -> Iterator[ModelRecord]:
        for index in range(len(self)):
            yield self.record(index)

    @cached_property
    def real_records(self) -> tuple[ModelRecord, ...]:
        return tuple(self._records)

    def _sort_value(self, api: dict[str, Any], sort: str | None) -> Any:
        return api.get(sort, 0) if sort else 0

    def sorted_index(self, sort: str | None) -> tuple[list[tuple[Any, str]], list[int]]:
        """Keys `(−value, _id)` ascending and the record indexes in that order (cached per sort)."""
        cache = self.__dict__.setdefault("_sort_cache", {})
        if sort not in cache:
            keyed = []
            for index in range(len(self)):
                api = self.record(index).api
                value = self._sort_value(api, sort)
                neg = _negate(value)
                keyed.append(((neg, api["_id"]), index))
            keyed.sort()
            cache[sort] = ([k for k, _ in keyed], [i for _, i in keyed])
        return cache[sort]

    def page(self, *, sort: str | None, cursor: str | None, limit: int,
             predicate: Any) -> tuple[list[ModelRecord], str | None]:
        """One page of matching records after `cursor`, and the next cursor (None on the last page)."""
        keys, order = self.sorted_index(sort)
        start = 0
        if cursor:
            start = bisect_right(keys, decode_cursor(cursor, sort))
        out: list[ModelRecord] = []
        position = start
        while position < len(order) and len(out) < limit:
            record = self.record(order[position])
            if predicate(record):
                out.append(record)
            position += 1
        more = any(predicate(self.record(order[p])) for p in range(position, len(order)))
        if not out or not more:
            return out, None
        return out, encode_cursor(keys[position - 1], sort)


def _negate(value: Any) -> Any:
    if isinstance(value, (int, float)):
        return -value
    if isinstance(value, str):  # ISO timestamps: invert characters so ascending sort is newest first
        return "".join(chr(0x10FFFF - ord(c)) for c in value)
    return 0


def encode_cursor(key: tuple[Any, str], sort: str | None) -> str:
    """Base64 of a Mongo-style continuation query, as the real Hub's cursors are."""
    neg, oid = key
    if sort:
        value = -neg if isinstance(neg, (int, float)) else "".join(chr(0x10FFFF - ord(c)) for c in neg)
        query = {"$or": [{sort: {"$lt": value}}, {sort: value, "_id": {"$gt": oid}}]}
    else:
        query = {"_id": {"$gt": oid}}
    return base64.b64encode(json.dumps(query, separators=(",", ":")).encode()).decode()


def decode_cursor(cursor: str, sort: str | None) -> tuple[Any, str]:
    """Inverse of `encode_cursor`; raises ValueError on a cursor that is not ours."""
    try:
        query = json.loads(base64.b64decode(cursor.encode(), validate=False))
        if sort:
            second = query["$or"][1]
            value, oid = second[sort], second["_id"]["$gt"]
            return _negate(value), oid
        return 0, query["_id"]["$gt"]
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise ValueError("invalid cursor") from exc
