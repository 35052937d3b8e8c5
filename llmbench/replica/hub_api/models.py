"""`/api/models` and `/api/models/{repo_id}` as the real Hub serves them (docs/hub-api.md §2–8).

Values a module adds to a record's `api` dict (Community Evals' `evalResults`) are served through
`expand` like any other field; model info without `expand` carries only `MODEL_INFO_FIELDS`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from aiohttp import web

from ..appkeys import CATALOG, LIST_PAGES
from ..catalog import Catalog
from ..repos.records import ModelRecord
from ..repos.revisions import Commit
from .access import json_error, repo_not_found
from .blobs import file_details
from .fields import (
    DEFAULT_LIST_FIELDS,
    EXPAND_PROPERTIES,
    FULL_EXTRA_FIELDS,
    MODEL_INFO_FIELDS,
    SORT_FIELDS,
)
from .list_filters import apps_and_inference

MAX_LIMIT = 1000
LIST_PAGES_KEPT = 512  # encoded list pages kept (about 230 MB at 500 models with every expand)
_SIZE = re.compile(r"^(\d+(?:\.\d+)?)([KMBT]?)$", re.I)
_UNITS = {"": 1, "K": 1e3, "M": 1e6, "B": 1e9, "T": 1e12}


def redirect(request: web.Request, path: str) -> web.Response:
    """The Hub's 307 with a relative `Location`, the query kept (docs/hub-api.md §8)."""
    location = path + (f"?{request.query_string}" if request.query_string else "")
    return web.Response(status=307, text=f"Temporary Redirect. Redirecting to {location}",
                        headers={"Location": location})


def _truthy(value: str | None) -> bool:
    return value is not None and value.lower() in ("1", "true", "yes")


def _expand_values(query: Any) -> list[str]:
    return list(query.getall("expand", [])) + list(query.getall("expand[]", []))


def _check_expand(expand: list[str], *, conflicts: dict[str, bool]) -> web.Response | None:
    unknown = [value for value in expand if value not in EXPAND_PROPERTIES]
    if unknown:
        allowed = ",".join(EXPAND_PROPERTIES)
        return json_error(400, f'"expand" must be one of [{allowed}]')
    clash = [name for name, on in conflicts.items() if on]
    if expand and clash:
        return json_error(400, f'"expand" cannot be combined with {", ".join(clash)}')
    return None


def shape_item(api: dict[str, Any], *, expand: list[str], full: bool = False, config: bool = False,
               card: bool = False) -> dict[str, Any]:
    """The fields a list item carries for these flags: `_id`, `id` and the expanded values only
    when `expand` is given (absent values omitted), else the default set plus flag extras."""
    if expand:
        out = {"_id": api["_id"], "id": api["id"]}
        for prop in expand:
            if api.get(prop) is not None:
                out[prop] = api[prop]
        return out
    keys = list(DEFAULT_LIST_FIELDS)
    if full:
        keys += FULL_EXTRA_FIELDS
    if config:
        keys.append("config")
    if card:
        keys.append("cardData")
    return {key: api[key] for key in keys if key in api and (api[key] is not None or key == "model-index")}


def _parse_size(text: str) -> float:
    match = _SIZE.match(text.strip())
    if not match:
        raise ValueError(text)
    return float(match.group(1)) * _UNITS[match.group(2).upper()]


def _num_parameters(spec: str) -> tuple[float, float]:
    low, high = 0.0, float("inf")
    for part in spec.split(","):
        name, _, value = part.partition(":")
        if name == "min":
            low = _parse_size(value)
        elif name == "max":
            high = _parse_size(value)
        else:
            raise ValueError(part)
    return low, high


def build_predicate(query: Any) -> Callable[[ModelRecord], bool]:
    """The list filters: search, author, pipeline_tag, filter (AND of tags), gated, num_parameters, apps, inference."""
    search = (query.get("search") or "").lower()
    author = (query.get("author") or "").lower()
    pipeline = query.get("pipeline_tag")
    tags = list(query.getall("filter", []))
    library = query.get("library")
    gated = query.get("gated")
    size = _num_parameters(query["num_parameters"]) if query.get("num_parameters") else None
    runs_on = apps_and_inference(query)  # `apps=`, `inference=` (list_filters.py)

    def predicate(record: ModelRecord) -> bool:
        api = record.api
        repo_id = api["id"].lower()
        if search and search not in repo_id:
            return False
        if author and not repo_id.startswith(author + "/"):
            return False
        if pipeline and api.get("pipeline_tag") != pipeline:
            return False
        if library and api.get("library_name") != library:
            return False
        if tags and not all(tag in api["tags"] for tag in tags):
            return False
        if gated is not None and bool(api.get("gated")) != _truthy(gated):
            return False
        if runs_on is not None and not runs_on(api):
            return False
        if size is not None:
            total = (api.get("safetensors") or {}).get("total")
            if total is None or not size[0] <= total <= size[1]:
                return False
        return True

    return predicate


async def list_models(request: web.Request) -> web.Response:
    catalog: Catalog = request.app[CATALOG]
    query = request.query
    expand = _expand_values(query)
    full, config, card = (_truthy(query.get(k)) for k in ("full", "config", "cardData"))
    error = _check_expand(expand, conflicts={"full": full, "config": config, "cardData": card})
    if error is not None:
        return error
    sort = query.get("sort") or None
    if sort is not None and sort not in SORT_FIELDS:
        return json_error(400, f'"sort" must be one of [{",".join(SORT_FIELDS)}]')
    try:
        limit = min(MAX_LIMIT, max(1, int(query.get("limit", MAX_LIMIT))))
        predicate = build_predicate(query)
    except ValueError as exc:
        return json_error(400, f"invalid parameter: {exc}")
    pages = request.app[LIST_PAGES]
    cached = pages.get(str(request.url))
    if cached is None:
        try:
            records, next_cursor = catalog.page(sort=sort, cursor=query.get("cursor"), limit=limit,
                                                predicate=predicate)
        except ValueError:
            return json_error(400, "invalid cursor")
        items = [shape_item(r.api, expand=expand, full=full, config=config, card=card) for r in records]
        next_link = None
        if next_cursor:
            pairs = [(k, v) for k, v in query.items() if k != "cursor"] + [("cursor", next_cursor)]
            # percent-encoded as the Hub does it (the cursor's base64 padding comes as %3D)
            next_link = f'<{request.url.with_query(None)}?{urlencode(pairs)}>; rel="next"'
        cached = (json.dumps(items).encode(), next_link)
        if len(pages) < LIST_PAGES_KEPT:
            pages[str(request.url)] = cached
    body, next_link = cached
    response = web.Response(body=body, content_type="application/json")
    if next_link:
        response.headers.add("Link", next_link)
    return response


async def model_info(request: web.Request) -> web.Response:
    """`/api/models/{id}` (revisions, commits, trees: hub_api/trees.py, whose routes come first)."""
    catalog: Catalog = request.app[CATALOG]
    repo_id = request.match_info["repo"]
    canonical = catalog.canonical(repo_id)
    if canonical is None:
        return repo_not_found(request)
    if canonical != repo_id:
        return redirect(request, f"/api/models/{canonical}")
    record = catalog.get(canonical)
    assert record is not None
    return info_answer(request, record)


def info_answer(request: web.Request, record: ModelRecord, at: Commit | None = None) -> web.Response:
    """The model-info body of `record` (`at` one of its commits, else main's head) for this query: `expand`,
    or the default fields plus `blobs` and `securityStatus` details."""
    expand = _expand_values(request.query)
    error = _check_expand(expand, conflicts={
        "securityStatus": _truthy(request.query.get("securityStatus")),
        "blobs": _truthy(request.query.get("blobs")),
    })
    if error is not None:
        return error
    api = record.api if at is None else record.api | {"sha": at.id, "lastModified": at.date}
    body = shape_item(api, expand=expand) if expand else {k: api[k] for k in MODEL_INFO_FIELDS if k in api}
    if not expand:
        body = file_details(body, record, at, blobs=_truthy(request.query.get("blobs")),
                            security=_truthy(request.query.get("securityStatus")))
    return web.Response(text=json.dumps(body), content_type="application/json")


def add_routes(app: web.Application) -> None:
    app.router.add_get("/api/models", list_models)
    app.router.add_get("/api/models/{repo:.+}", model_info)
