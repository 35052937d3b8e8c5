"""The HTML model page (docs/hub-api.md §10): the `ModelHeader` data-props, the card and the sidebar."""

from __future__ import annotations

import html
import json
from typing import Any

from ..repos.records import GGUF_ONLY, ModelRecord


def human_size(count: int) -> str:
    """The sidebar's rounding: three significant figures and a unit (`7.24B`, `16.4M`, `304B`)."""
    for unit, scale in (("T", 1e12), ("B", 1e9), ("M", 1e6), ("K", 1e3)):
        if count >= scale:
            value = count / scale
            text = f"{value:.3g}" if value < 1000 else f"{value:.0f}"
            return f"{text}{unit}"
    return str(count)


# API fields the page's `model` object carries (recorded: page_*_ModelHeader_props.json), then page-only ones.
PAGE_API_FIELDS = ("author", "cardData", "config", "createdAt", "downloads", "downloadsAllTime", "id", "inference",
                   "lastModified", "likes", "pipeline_tag", "library_name", "model-index", "private", "gated", "tags",
                   "transformersInfo", "widgetData", "safetensors", "gguf")
PAGE_ONLY = {"cardExists": True, "discussionsDisabled": False, "isLikedByUser": False, "isMutedByUser": False,
             "isWatchedByUser": False, "librariesOther": [], "trackDownloads": True, "repoType": "model"}
LIBRARY_TAGS = {"transformers", "gguf", "peft", "safetensors", "pytorch", "mlx"}


def tag_object(tag: str, pipeline: str | None) -> dict[str, str]:
    """The page's labelled form of a tag (`tag_objs`)."""
    if tag == pipeline:
        return {"id": tag, "label": tag.replace("-", " ").title(), "type": "pipeline_tag", "subType": "nlp"}
    if tag in LIBRARY_TAGS:
        return {"id": tag, "label": "GGUF" if tag == "gguf" else tag.title(), "type": "library"}
    if tag.startswith("license:"):
        return {"id": tag, "label": tag.split(":", 1)[1], "type": "license"}
    if tag.startswith("region:"):
        return {"type": "region", "label": "🇺🇸 Region: US", "id": tag}
    return {"id": tag, "label": tag, "type": "other"}


def page_model_json(record: ModelRecord) -> dict[str, Any]:
    """The `model` object of the `ModelHeader` data-props: API fields plus page-only keys, and the 2025
    additions `safetensors.sharded`, `isQuantized`, `ggufFilePaths`, `mlxFilePaths`, `xetEnabled`."""
    api = record.api
    model = {key: api[key] for key in PAGE_API_FIELDS if key in api} | PAGE_ONLY
    if "safetensors" in model:
        shards = sum(1 for s in api.get("siblings", []) if s["rfilename"].endswith(".safetensors"))
        model["safetensors"] = dict(model["safetensors"], sharded=shards > 1)
    model["tag_objs"] = [tag_object(tag, api.get("pipeline_tag")) for tag in api.get("tags", [])]
    model["isQuantized"] = bool(record.page_extra.get("isQuantized"))
    model["ggufFilePaths"] = [s["rfilename"] for s in api.get("siblings", []) if s["rfilename"].endswith(".gguf")]
    model["mlxFilePaths"] = []
    model["xetEnabled"] = True
    return model


def _sidebar(record: ModelRecord) -> str:
    api = record.api
    parts = [
        '<div class="mb-8"><dl class="flex items-baseline justify-between"><dt class="text-sm text-gray-500">'
        f'Downloads last month</dt><dd class="font-semibold">{api.get("downloads", 0):,}</dd></dl></div>'
    ]
    safetensors = api.get("safetensors")
    if safetensors:
        dtypes = " · ".join(safetensors["parameters"])
        parts.append(
            '<div class="flex flex-wrap gap-x-1.5 gap-y-1 text-sm"><div class="font-semibold">Safetensors</div>'
            '<div class="flex items-center"><div class="px-1.5 text-gray-400">Model size</div>'
            f'<div class="px-1.5">{human_size(safetensors["total"])} params</div></div>'
            '<div class="flex items-center"><div class="px-1.5 text-gray-400">Tensor type</div>'
            f'<div class="px-1.5">{dtypes}</div></div></div>'
        )
    gguf = api.get("gguf")
    if record.storage == GGUF_ONLY and gguf:
        parts.append(
            '<div class="flex flex-wrap gap-x-1.5 gap-y-1 text-sm"><div class="font-semibold">GGUF</div>'
            '<div class="flex items-center"><div class="px-1.5 text-gray-400">Model size</div>'
            f'<div class="px-1.5">{human_size(gguf["total"])} params</div></div>'
            '<div class="flex items-center"><div class="px-1.5 text-gray-400">Architecture</div>'
            f'<div class="px-1.5">{html.escape(gguf.get("architecture", ""))}</div></div></div>'
        )
    return "\n".join(parts)


def _card_html(readme: str) -> str:
    body = readme.split("---", 2)[-1] if readme.startswith("---") else readme
    lines = [line for line in body.strip().splitlines() if line.strip()]
    out = []
    for line in lines:
        if line.startswith("# "):
            out.append(f"<h1>{html.escape(line[2:])}</h1>")
        else:
            out.append(f"<p>{html.escape(line)}</p>")
    return "\n".join(out)


def render_model_page(record: ModelRecord) -> str:
    api = record.api
    owner, name = api["id"].split("/", 1)
    props = {
        "activeTab": "modelCard",
        "author": {"avatarUrl": f"https://cdn-avatars.huggingface.co/v1/production/uploads/{owner}.png",
                   "fullname": owner, "name": owner, "type": "org", "isPro": False, "isHf": False, "isMod": False},
        "canReadRepoSettings": False,
        "canWriteRepoContent": False,
        "canDisable": False,
        "model": page_model_json(record),
        "discussionsStats": {"closed": 0, "open": 0, "total": 0},
        "orgs": [],
        "query": {},
    }
    props_attr = html.escape(json.dumps(props), quote=True)
    return f"""<!doctype html>
<html class=""><head><meta charset="utf-8">
<title>{html.escape(api["id"])} · Hugging Face</title>
<meta property="og:title" content="{html.escape(api["id"])} · Hugging Face">
</head><body class="flex flex-col min-h-dvh bg-white">
<div class="flex min-h-dvh flex-col"><main class="flex flex-1 flex-col">
<div class="SVELTE_HYDRATER contents" data-target="ModelHeader" data-props="{props_attr}">
<header class="bg-linear-to-t border-b border-gray-100 pt-6"><div class="container relative">
<h1 class="flex flex-wrap items-center text-lg"><a href="/{html.escape(owner)}" class="text-gray-400">{html.escape(owner)}</a>
<div class="mx-0.5 text-gray-300">/</div><a class="font-mono font-semibold" href="/{html.escape(api["id"])}">{html.escape(name)}</a></h1>
</div></header></div>
<div class="container relative flex flex-col md:grid md:grid-cols-12">
<section class="pt-8 md:col-span-7"><div class="model-card-content prose">
{_card_html(record.readme)}
</div></section>
<section class="pt-6 md:col-span-5 md:pl-6">
{_sidebar(record)}
</section></div></main></div></body></html>
"""
