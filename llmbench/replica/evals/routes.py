"""Community Evals endpoints of the replica (docs/community-evals.md §2-5): the dataset list and info, `eval.yaml`
through the resolver, and per-benchmark leaderboards. Per-model results ride on `expand=evalResults`
(model_records.py puts them on the model records that hub_api/models.py serves).

Shapes follow the recordings; where a detail was not recorded it is an inference, named here:
the status of a leaderboard request for a dataset without one (404 without `X-Error-Code`), the
order of the dataset list without `sort` (`_id` ascending, the cursor key) and the leaderboard's
ranking (value descending per task, whatever the metric's direction).
"""

from __future__ import annotations

import base64
import json
from typing import Any

from aiohttp import web

from ..appkeys import CATALOG
from ..hub_api.access import json_error, repo_not_found
from .benchmarks import BY_ID, list_item

MAX_LIMIT = 1000


def _datasets(request: web.Request) -> dict[str, dict[str, Any]]:
    return request.app[CATALOG].community_evals.datasets


def _cursor(oid: str) -> str:
    return base64.b64encode(json.dumps({"_id": {"$gt": oid}}, separators=(",", ":")).encode()).decode()


def _after(cursor: str) -> str:
    try:
        return str(json.loads(base64.b64decode(cursor.encode()))["_id"]["$gt"])
    except (ValueError, KeyError, TypeError) as exc:
        raise ValueError("invalid cursor") from exc


async def list_datasets(request: web.Request) -> web.Response:
    """`/api/datasets` with filter (AND of tags), search, author, limit and cursor; `Link` to the next page."""
    query = request.query
    tags = list(query.getall("filter", []))
    search = (query.get("search") or "").lower()
    author = (query.get("author") or "").lower()
    try:
        limit = min(MAX_LIMIT, max(1, int(query.get("limit", MAX_LIMIT))))
        after = _after(query["cursor"]) if query.get("cursor") else ""
    except ValueError as exc:
        return json_error(400, f"invalid parameter: {exc}")
    matching = [r for r in _datasets(request).values()
                if all(tag in r["tags"] for tag in tags) and search in r["id"].lower()
                and (not author or r["id"].lower().startswith(author + "/"))]
    remaining = [r for r in matching if r["_id"] > after]
    page = remaining[:limit]
    headers = {}
    if len(remaining) > limit:
        pairs = [(k, v) for k, v in query.items() if k != "cursor"] + [("cursor", _cursor(page[-1]["_id"]))]
        headers["Link"] = f'<{request.url.with_query(pairs)}>; rel="next"'
    body = json.dumps([list_item(r) for r in page])
    return web.Response(text=body, content_type="application/json", headers=headers)


def _repo_id(request: web.Request) -> str:
    return f"{request.match_info['owner']}/{request.match_info['name']}"


async def dataset_info(request: web.Request) -> web.Response:
    record = _datasets(request).get(_repo_id(request))
    if record is None:
        return repo_not_found(request)
    return web.json_response(record)


async def leaderboard(request: web.Request) -> web.Response:
    """A bare array, one row per model and task; `base_model=false` adds models that declare a base model."""
    repo_id = _repo_id(request)
    if repo_id not in _datasets(request):
        return repo_not_found(request)
    base_model_only = (request.query.get("base_model") or "true").lower() not in ("false", "0")
    rows = request.app[CATALOG].community_evals.leaderboard(repo_id, base_model_only=base_model_only)
    if rows is None:
        return json_error(404, f"No leaderboard found for dataset {repo_id}")
    return web.json_response(rows)


DATASET_FILES = ("README.md", "eval.yaml")


def dataset_file_text(record: dict[str, Any], filename: str) -> str | None:
    """A benchmark dataset's file (`eval.yaml` when it has one, the README), None for any other path."""
    benchmark = BY_ID.get(record["id"])
    if filename == "eval.yaml" and benchmark is not None:
        return benchmark.eval_yaml
    if filename == "README.md":
        return f"---\nlicense: mit\n---\n\n# {record['id']}\n\n{record['description']}\n"
    return None


async def resolve(request: web.Request) -> web.Response:
    """`/datasets/{id}/resolve/{rev}/{file}`: the benchmark's `eval.yaml` and README."""
    repo_id = _repo_id(request)
    record = _datasets(request).get(repo_id)
    if record is None:
        return repo_not_found(request)
    text = dataset_file_text(record, request.match_info["file"])
    if text is None:
        return json_error(404, "Entry not found", error_code="EntryNotFound")
    headers = {"X-Repo-Commit": record["sha"], "ETag": f'"{record["sha"][:32]}"'}
    return web.Response(text=text, content_type="text/plain", charset="utf-8", headers=headers)


def add_routes(app: web.Application) -> None:
    """Register before the catch-all page route (and after any more specific dataset routes)."""
    app.router.add_get("/api/datasets", list_datasets)
    app.router.add_get("/api/datasets/{owner}/{name}/leaderboard", leaderboard)
    app.router.add_get("/api/datasets/{owner}/{name}", dataset_info)
    app.router.add_get("/datasets/{owner}/{name}/resolve/{rev}/{file:.+}", resolve)
