"""Typed aiohttp application keys shared by the replica's route modules."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from .catalog import Catalog

CATALOG = web.AppKey("catalog", Catalog)
REPLICA = web.AppKey("replica", Any)
