"""The replica's repos, synthesised from the real leaderboard rows.

Real where the leaderboard carries it: repo id, sha, license, likes (hearts), parameter count,
architecture, base model, chat template, merge/MoE flags, upload date. Models the leaderboard marks as
*not* available on the Hub are absent, as on the real Hub.

**Synthetic** (deterministic from `seed`, documented in README): downloads, trending score, languages,
gated status, creation time of day, the card's string-or-list forms, the storage format of each repo
(safetensors / `.bin`-only / GGUF) and the derived quantized repos (`-GGUF`, `-GPTQ`, `-4bit`) that
under-report or lack safetensors metadata, the 3% of safetensors repos whose API answer shows no
`safetensors` block although their files have headers (as on the Hub when it has not parsed them; the
shapes of the files are `weights.py`'s), and `extra_models` filler repos for scale tests.
"""

from __future__ import annotations

import random
import zlib
from datetime import UTC, datetime, timedelta
from typing import Any

from .card_and_config import config_file, readme
from .ids import LEGACY_CANONICAL
from .licenses import license_details
from .records import BIN_ONLY, GGUF_ONLY, QUANT_PACKED, SAFETENSORS, ModelRecord, RepoSpec, api_record

# Real `safetensors` blocks of some repos (per-dtype counts the Hub shows), used instead of a synthetic
# count: openai-community/gpt2 from the safetensors docs' metadata-parsing table (gpt2, single file,
# {'F32' => 137022720}) and huggingface_hub's documented `model_info("gpt2")` output.
REAL_SAFETENSORS = {"openai-community/gpt2": {"F32": 137_022_720}}
UNLISTED_SAFETENSORS = 0.03  # share of safetensors repos whose API answer has no `safetensors` block


def seeded(seed: int, *parts: str) -> random.Random:
    """The generator of one repo's synthetic fields: a function of the seed and the repo alone."""
    return random.Random(seed * 1_000_003 + zlib.crc32("\x1f".join(parts).encode()))


def model_type_of(architecture: str) -> str | None:
    """`LlamaForCausalLM` → `llama`, `GPTNeoXForCausalLM` → `gpt_neox`: the config's `model_type`."""
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


def _created_at(upload_date: str, rng: random.Random) -> datetime:
    if upload_date:
        day = datetime.strptime(upload_date, "%Y-%m-%d").replace(tzinfo=UTC)
    else:
        day = datetime(2023, 3, 1, tzinfo=UTC) + timedelta(days=rng.randint(0, 600))
    return day + timedelta(seconds=rng.randint(0, 86_399))


def record_from_row(row: dict[str, Any], seed: int) -> ModelRecord:
    """The repo behind one leaderboard row (`formatted` shape)."""
    model, meta, feats = row["model"], row["metadata"], row["features"]
    name = model["name"]
    if "/" not in name:  # legacy canonical ids (`gpt2`) now live under their org on the Hub
        name = LEGACY_CANONICAL.get(name, f"{name}/{name}")
    rng = seeded(seed, name)
    params = exact_params(meta["params_billions"], rng)
    real = REAL_SAFETENSORS.get(name)
    if real:  # the draw above stays, so every later draw stays in place
        params = sum(real.values())
    roll = rng.random()  # drawn even when params is None, so every later draw stays in place
    storage = BIN_ONLY if params is None or roll < 0.10 else SAFETENSORS
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
    license_ = meta["hub_license"] or None
    license_name, license_link = license_details(name, license_, seeded(seed, name, "license"))
    spec = RepoSpec(
        repo_id=name, created=_created_at(meta["upload_date"], rng), pipeline=pipeline, storage=storage,
        library="peft" if model["weight_type"] == "Adapter" else "transformers", likes=meta["hub_hearts"],
        sha=model["sha"] or None, license=license_, license_name=license_name, license_link=license_link,
        arch=arch, model_type=mtype, base=base, relation=relation, params=params,
        chat=model["has_chat_template"], merged=feats["is_merged"], moe=feats["is_moe"],
    )
    api = api_record(spec, rng)
    config = config_file(arch, mtype, params, rng, full_dims=storage == BIN_ONLY)
    card = readme(api, params, state_size=storage == BIN_ONLY and rng.random() < 0.4)
    # Some repos with safetensors files show no `safetensors` block (the Hub had not parsed their headers):
    # their own stream, so every other draw stays in place.
    if real and storage == SAFETENSORS:
        api["safetensors"] = {"parameters": dict(real), "total": params}
    unlisted = None
    if not real and storage == SAFETENSORS and seeded(seed, name, "unlisted").random() < UNLISTED_SAFETENSORS:
        unlisted = api.pop("safetensors", None)
    return ModelRecord(api=api, storage=storage, params=params, config_file=config, readme=card,
                       unlisted_safetensors=unlisted)


def derived_repos(parent: ModelRecord, seed: int) -> list[ModelRecord]:
    """Quantized community repos of some leaderboard models (Hub-only, not on the board)."""
    if parent.params is None or parent.api.get("pipeline_tag") != "text-generation":
        return []
    rng = seeded(seed, parent.repo_id, "derived")
    short = parent.repo_id.split("/", 1)[1]
    roll = rng.random()
    if roll < 0.10:
        return [_quantized(parent, f"QuantFactory/{short}-GGUF", GGUF_ONLY, rng, seed)]
    if roll < 0.15:
        return [_quantized(parent, f"TheBloke/{short}-GPTQ", QUANT_PACKED, rng, seed)]
    if roll < 0.18:
        return [_quantized(parent, f"mlx-community/{short}-4bit", QUANT_PACKED, rng, seed)]
    return []


def _quantized(parent: ModelRecord, repo_id: str, storage: str, rng: random.Random, seed: int) -> ModelRecord:
    """A quantized copy of `parent`. GGUF ones are shaped as recorded (docs/hub-api.md §4): no
    `library_name`, on some no `pipeline_tag`, the parent in the card as a list."""
    p = parent.api
    parent_config = p.get("config") or {}
    parent_card = p.get("cardData", {})
    created = datetime.strptime(p["createdAt"], "%Y-%m-%dT%H:%M:%S.000Z").replace(tzinfo=UTC)
    gguf = storage == GGUF_ONLY
    shape = seeded(seed, repo_id, "shape")  # its own stream: the draws of `rng` stay where they were
    license_ = parent_card.get("license")
    spec = RepoSpec(
        repo_id=repo_id, created=created + timedelta(days=rng.randint(1, 30)),
        pipeline=None if gguf and shape.random() < 0.5 else "text-generation",
        storage=storage, library=None if gguf else "transformers",
        likes=max(0, p["likes"] // 10), license=license_[0] if isinstance(license_, list) else license_,
        license_name=parent_card.get("license_name"), license_link=parent_card.get("license_link"),
        arch=parent_config.get("architectures", [None])[0], model_type=parent_config.get("model_type"),
        base=p["id"], relation="quantized", params=parent.params, chat="conversational" in p["tags"],
    )  # the parent in the card, hence in `baseModels` and the `base_model:` tags, which the Hub derives from it
    api = api_record(spec, rng)
    config = None if storage == GGUF_ONLY else config_file(
        api["config"].get("architectures", [None])[0] if api.get("config") else None,
        api.get("config", {}).get("model_type"), parent.params, rng, full_dims=True)
    if config is not None and storage == QUANT_PACKED:
        config["quantization_config"] = {"bits": 4, "quant_method": "gptq" if "GPTQ" in repo_id else "mlx"}
    card = readme(api, parent.params, state_size=False)
    return ModelRecord(api=api, storage=storage, params=parent.params, config_file=config, readme=card,
                       page_extra={"isQuantized": storage == QUANT_PACKED})


def extra_record(index: int, seed: int) -> ModelRecord:
    """Filler repo number `index` for scale tests (computed on demand, never stored)."""
    rng = seeded(seed, "extra", str(index))
    repo_id = f"synthetic-org-{index % 997:03d}/synthetic-model-{index:07d}"
    params = rng.choice([125, 350, 1_100, 3_000, 7_000, 13_000]) * 1_000_000 + rng.randrange(1_000_000)
    created = datetime(2023, 1, 1, tzinfo=UTC) + timedelta(seconds=rng.randrange(60_000_000))
    spec = RepoSpec(repo_id=repo_id, created=created, pipeline="text-generation", storage=SAFETENSORS,
                    library="transformers", likes=int(rng.expovariate(0.2)), license="apache-2.0",
                    arch="LlamaForCausalLM", model_type="llama", params=params)
    return ModelRecord(api=api_record(spec, rng), storage=SAFETENSORS, params=params, config_file=None, readme="")
