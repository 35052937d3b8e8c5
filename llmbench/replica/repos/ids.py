"""Repo ids the Hub answers under another name, with a 307 to the canonical one (docs/hub-api.md §8).

Three kinds: legacy ids without a namespace (`gpt2` → `openai-community/gpt2`, the board's two `gpt2`
rows among them), repos renamed by their owners (the old name keeps redirecting), and any spelling that
differs from the canonical one only in letter case.
"""

from __future__ import annotations

from collections.abc import Callable

# Legacy ids without a namespace and the repo they resolve to on today's Hub (all real moves).
LEGACY_CANONICAL = {
    "gpt2": "openai-community/gpt2",
    "gpt2-medium": "openai-community/gpt2-medium",
    "gpt2-large": "openai-community/gpt2-large",
    "gpt2-xl": "openai-community/gpt2-xl",
    "distilgpt2": "distilbert/distilgpt2",
}

# Real renames whose new names are on the board: the old name redirects to the new one.
RENAMED = {
    "meta-llama/Meta-Llama-3.1-8B": "meta-llama/Llama-3.1-8B",
    "meta-llama/Meta-Llama-3.1-8B-Instruct": "meta-llama/Llama-3.1-8B-Instruct",
    "meta-llama/Meta-Llama-3.1-70B": "meta-llama/Llama-3.1-70B",
    "meta-llama/Meta-Llama-3.1-70B-Instruct": "meta-llama/Llama-3.1-70B-Instruct",
}

_MOVED = {k.lower(): v for k, v in (LEGACY_CANONICAL | RENAMED).items()}


def canonical_id(repo_id: str, lookup: Callable[[str], str | None]) -> str | None:
    """The canonical spelling of `repo_id`, or None when no repo answers to it.

    `lookup` maps a case-folded id to the canonical id of an existing repo (the catalog's index).
    """
    moved = _MOVED.get(repo_id.lower())
    return lookup((moved or repo_id).lower())
