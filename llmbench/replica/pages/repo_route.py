"""Everything under `/{owner}/{name}` on the Hub origin: the model page and raw/resolve file URLs
(docs/hub-api.md §8-10); the leaderboard Space's page is leaderboard/space.py's."""

from __future__ import annotations

from aiohttp import web

from ..appkeys import CATALOG, REPLICA
from ..catalog import Catalog
from ..files.snapshots import model_file
from ..hub_api.access import page_not_found, repo_not_found
from .model_page import render_model_page

FILE_KINDS = ("raw", "resolve")


def split_repo_path(path: str) -> tuple[str, list[str]]:
    """`owner/name/resolve/main/x` → (`owner/name`, [resolve, main, x]); legacy ids have one part."""
    parts = path.strip("/").split("/")
    if len(parts) >= 2 and parts[1] in (*FILE_KINDS, "tree", "blob"):
        return parts[0], parts[1:]
    return "/".join(parts[:2]), parts[2:]


async def repo_route(request: web.Request) -> web.Response:
    """Everything under `/{owner}/{name}`: the page, `/tree/main`, `/raw/{rev}/{file}`, `/resolve/{rev}/{file}`.

    Legacy, renamed and wrongly cased ids get a 307 to the canonical path (query kept); unknown repos the
    404 page, or on the resolvers the API's 401/404 (docs/hub-api.md §7–8).
    """
    catalog: Catalog = request.app[CATALOG]
    repo_id, rest = split_repo_path(request.match_info["path"])
    is_file = len(rest) >= 3 and rest[0] in FILE_KINDS
    canonical = catalog.canonical(repo_id)
    if canonical is None:
        return repo_not_found(request) if is_file else page_not_found()
    if canonical != repo_id:
        location = "/" + "/".join([canonical, *rest]) + (f"?{request.query_string}" if request.query_string else "")
        return web.Response(status=307, text=f"Temporary Redirect. Redirecting to {location}",
                            headers={"Location": location})
    record = catalog.get(canonical)
    assert record is not None
    if not rest or rest == ["tree", "main"]:
        return web.Response(text=render_model_page(record), content_type="text/html")
    if is_file:
        replica = request.app[REPLICA]
        return await model_file(request, record, rest, replica.access, replica.cdn)
    return page_not_found()

