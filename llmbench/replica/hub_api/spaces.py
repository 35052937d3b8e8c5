"""`/api/spaces` and `/api/spaces/{id}` as the Hub serves them (docs/hub-api.md §6a), beside the Space runtime
route of leaderboard/space.py.

Served as for models: cursor pagination with an absolute `Link: <…>; rel="next"` carrying every query
parameter (recorded for `/api/models`, tests/fixtures/hub-samples/link_header_list_models.txt), `search`
(substring of the id), `author`, `filter` (tags, all must match), `models=` / `datasets=` (Spaces using
them), `sort` (descending), `expand` (huggingface_hub 2.4's `ExpandSpaceProperty_T`; anything else 400),
`full`. Unknown Spaces get 401 anonymously and 404 `RepoNotFound` with a token, like unknown models
(docs/hub-api.md §7); another letter case gets a 307 to the canonical id. Field sets are **inferred** from
huggingface_hub's `SpaceInfo` (no Space answer was recorded): info carries the card, runtime, models,
datasets, host and subdomain; list items, like model list items, only the short default set.
The leaderboard Space's `runtime` is the live one its `/runtime` route answers.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from aiohttp import web

from ..appkeys import CATALOG, REPLICA
from ..leaderboard.space import runtime_body
from ..repos.spaces import LEADERBOARD_SPACE, SpaceRecord
from . import pagination
from .access import json_error, repo_not_found

SPACE_EXPAND = ("author", "cardData", "createdAt", "datasets", "disabled", "lastModified", "likes", "models",
                "private", "region", "resourceGroup", "runtime", "sdk", "sha", "siblings", "subdomain", "tags",
                "trendingScore", "usedStorage")
SPACE_INFO_FIELDS = ("_id", "id", "author", "sha", "lastModified", "private", "gated", "disabled", "host",
                     "subdomain", "likes", "sdk", "tags", "siblings", "createdAt", "cardData", "runtime", "models",
                     "datasets", "usedStorage")
SPACE_LIST_FIELDS = ("_id", "id", "likes", "trendingScore", "private", "sdk", "tags", "createdAt")
SPACE_SORTS = ("likes", "createdAt", "lastModified", "trendingScore")
MAX_LIMIT = 1000
SPACES = web.AppKey("spaces", Any)


class SpaceIndex:
    """The Spaces by id (case-insensitively) and per sort order, for cursor pagination."""

    def __init__(self, spaces: list[SpaceRecord]) -> None:
        self._spaces = spaces
        self._by_id = {space.repo_id.lower(): space for space in spaces}
        self._sorted: dict[str | None, tuple[list, list[int]]] = {}

    def __len__(self) -> int:
        return len(self._spaces)

    def record(self, index: int) -> SpaceRecord:
        return self._spaces[index]

    def get(self, space_id: str) -> SpaceRecord | None:
        return self._by_id.get(space_id.lower())

    def page(self, *, sort: str | None, cursor: str | None, limit: int, predicate) -> tuple[list, str | None]:
        if sort not in self._sorted:
            self._sorted[sort] = pagination.sort_index(self, sort)
        keys, order = self._sorted[sort]
        return pagination.page(self, keys, order, sort=sort, cursor=cursor, limit=limit, predicate=predicate)


def _live(request: web.Request, space: SpaceRecord) -> dict[str, Any]:
    """The Space's JSON with the leaderboard Space's runtime as it is now."""
    if space.repo_id != LEADERBOARD_SPACE:
        return space.api
    return space.api | {"runtime": runtime_body(request.app[REPLICA].space.current())}


def _expand_values(query: Any) -> list[str]:
    return list(query.getall("expand", [])) + list(query.getall("expand[]", []))


def _shape(api: dict[str, Any], expand: list[str], keys: tuple[str, ...]) -> dict[str, Any]:
    if expand:
        return {"_id": api["_id"], "id": api["id"]} | {p: api[p] for p in expand if api.get(p) is not None}
    return {key: api[key] for key in keys if key in api}


def _bad_expand(expand: list[str], full: bool) -> web.Response | None:
    if any(value not in SPACE_EXPAND for value in expand):
        return json_error(400, f'"expand" must be one of [{",".join(SPACE_EXPAND)}]')
    if expand and full:
        return json_error(400, '"expand" cannot be combined with full')
    return None


def _predicate(query: Any):
    search = (query.get("search") or "").lower()
    author = (query.get("author") or "").lower()
    tags = list(query.getall("filter", []))
    models = {m.lower() for m in query.getall("models", [])}
    datasets = {d.lower() for d in query.getall("datasets", [])}

    def predicate(space: SpaceRecord) -> bool:
        api = space.api
        folded = api["id"].lower()
        return ((not search or search in folded) and (not author or folded.startswith(author + "/"))
                and all(tag in api["tags"] for tag in tags)
                and (not models or bool(models & {m.lower() for m in api["models"]}))
                and (not datasets or bool(datasets & {d.lower() for d in api["datasets"]})))

    return predicate


async def list_spaces(request: web.Request) -> web.Response:
    query = request.query
    expand = _expand_values(query)
    full = (query.get("full") or "").lower() in ("1", "true")
    error = _bad_expand(expand, full)
    if error is not None:
        return error
    sort = query.get("sort") or None
    if sort is not None and sort not in SPACE_SORTS:
        return json_error(400, f'"sort" must be one of [{",".join(SPACE_SORTS)}]')
    try:
        limit = min(MAX_LIMIT, max(1, int(query.get("limit", MAX_LIMIT))))
        spaces, next_cursor = request.app[SPACES].page(sort=sort, cursor=query.get("cursor"), limit=limit,
                                                       predicate=_predicate(query))
    except ValueError:
        return json_error(400, "invalid parameter")
    keys = SPACE_INFO_FIELDS if full else SPACE_LIST_FIELDS
    items = [_shape(_live(request, space), expand, keys) for space in spaces]
    response = web.Response(text=json.dumps(items), content_type="application/json")
    if next_cursor:
        pairs = [(k, v) for k, v in query.items() if k != "cursor"] + [("cursor", next_cursor)]
        response.headers.add("Link", f'<{request.url.with_query(None)}?{urlencode(pairs)}>; rel="next"')
    return response


async def space_info(request: web.Request) -> web.Response:
    space_id, _, revision = request.match_info["repo"].partition("/revision/")
    space = request.app[SPACES].get(space_id)
    if space is None:
        return repo_not_found(request)
    if space.repo_id != space_id:
        location = f"/api/spaces/{space.repo_id}" + (f"/revision/{revision}" if revision else "")
        location += f"?{request.query_string}" if request.query_string else ""
        return web.Response(status=307, text=f"Temporary Redirect. Redirecting to {location}",
                            headers={"Location": location})
    sha = space.api["sha"]
    if revision and revision not in ("main", sha):
        return json_error(404, f"Invalid rev id: {revision}", error_code="RevisionNotFound")
    expand = _expand_values(request.query)
    error = _bad_expand(expand, False)
    if error is not None:
        return error
    return web.Response(text=json.dumps(_shape(_live(request, space), expand, SPACE_INFO_FIELDS)),
                        content_type="application/json")


def add_routes(app: web.Application) -> None:
    app[SPACES] = SpaceIndex(app[CATALOG].spaces)
    app.router.add_get("/api/spaces", list_spaces)
    app.router.add_get("/api/spaces/{repo:[^/]+/[^/]+(?:/revision/.+)?}", space_info)
