"""Repo ids the Hub answers under another name: legacy ids without a namespace."""

from __future__ import annotations

# Legacy ids without a namespace and the repo they resolve to on today's Hub.
LEGACY_CANONICAL = {"gpt2": "openai-community/gpt2"}
