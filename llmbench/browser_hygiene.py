"""Playwright request filter: skip images, fonts and media; never the document, scripts, styles or data."""

from __future__ import annotations

from typing import Any

ABORTED_RESOURCE_TYPES = frozenset({"image", "font", "media"})


def abort_heavy_resources(request: Any) -> bool:
    return request.resource_type in ABORTED_RESOURCE_TYPES
