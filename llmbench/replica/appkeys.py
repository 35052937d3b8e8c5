"""Typed aiohttp application keys shared by the replica's route modules."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from .catalog import Catalog

CATALOG = web.AppKey("catalog", Catalog)
REPLICA = web.AppKey("replica", Any)
# Encoded list pages by full URL (the catalog does not change while serving): a page is built once.
LIST_PAGES = web.AppKey("list_pages", dict)
