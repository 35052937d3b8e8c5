"""A real Chromium for tests; skipped where none is installed, but never skipped in CI."""

from __future__ import annotations

import os

import pytest

from llmbench.browser import CHROMIUM_ARGS, ChromiumNotFound, find_chromium
from llmbench.tls_trust import browser_trust_args


def chromium_or_skip() -> str:
    try:
        return find_chromium(os.environ.get("LLMBENCH_CHROMIUM") or None)
    except ChromiumNotFound as exc:
        if os.environ.get("CI"):
            raise
        pytest.skip(str(exc))


def browser_args() -> list[str]:
    """llmbench's Chromium switches, trusting the replica's certificate (SSL_CERT_FILE, set for the session)."""
    return [*CHROMIUM_ARGS, *browser_trust_args()]


__all__ = ["CHROMIUM_ARGS", "browser_args", "chromium_or_skip"]
