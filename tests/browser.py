"""A real Chromium for tests; skipped where none is installed, but never skipped in CI."""

from __future__ import annotations

import os

import pytest

from llmbench.browser import CHROMIUM_ARGS, ChromiumNotFound, find_chromium


def chromium_or_skip() -> str:
    try:
        return find_chromium(os.environ.get("LLMBENCH_CHROMIUM") or None)
    except ChromiumNotFound as exc:
        if os.environ.get("CI"):
            raise
        pytest.skip(str(exc))


__all__ = ["CHROMIUM_ARGS", "chromium_or_skip"]
