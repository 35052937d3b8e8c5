"""The leaderboard app's origin (the `*.hf.space` host) and the `contents` dataset on the Hub origin.

App routes follow docs/leaderboard.md §3: the SPA's `index.html` (no-cache), its script (long cache),
`/api/leaderboard/formatted` and `/api/leaderboard`, and an SPA fallback for every other GET.
Modes: `endpoint-renamed` moves the data endpoint (the table is unchanged); `layout-changed` also
renders the table as a grid of divs without the Hub links, so no known path yields rows; `app-down`
answers 503 for the app's page (the Space runs, its app never comes); `data-cut` answers the data
request with its first half only (a cut-off JSON document, as a broken proxy would).
"""

from __future__ import annotations

import io
import json
from functools import lru_cache
from importlib import resources

import pyarrow as pa
import pyarrow.parquet as pq
from aiohttp import web

from ..appkeys import REPLICA
from ..files.resolvers import file_answer
from .snapshot import formatted_rows, raw_from_formatted

FORMATTED_PATH = "/api/leaderboard/formatted"
RENAMED_PATH = "/api/v2/leaderboard/entries"
DATA_AT_FORMATTED = ("normal", "data-cut", "app-down")  # modes whose app asks for FORMATTED_PATH
CONTENTS_REPO = "open-llm-leaderboard/contents"
CONTENTS_FILE = "data/train-00000-of-00001.parquet"
CONTENTS_SHA = "c4f1ad06e3de2c1bb5d6a6e8ae5a4f1a28f3b1c9"  # synthetic: the real revision was not recorded
# The snapshot's date (docs/leaderboard.md §11: the final board of 2025-03-21); the time is synthetic.
CONTENTS_LAST_MODIFIED = "2025-03-21T00:00:00.000Z"

_INDEX = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Open LLM Leaderboard - Compare Open Source Large Language Models</title>
<link rel="stylesheet" href="/static/css/main.css">
</head>
<body data-api="{api}" data-layout="{layout}" data-parent-origin="{parent}">
<noscript>You need to enable JavaScript to run this app.</noscript><div id="root"></div>
<script src="/static/js/main.js"></script>
</body></html>
"""


@lru_cache(maxsize=1)
def formatted_json() -> bytes:
    return json.dumps(list(formatted_rows()), ensure_ascii=False).encode()


@lru_cache(maxsize=1)
def raw_json() -> bytes:
    return json.dumps([raw_from_formatted(r) for r in formatted_rows()], ensure_ascii=False).encode()


@lru_cache(maxsize=1)
def contents_parquet() -> bytes:
    """The `open-llm-leaderboard/contents` train split as one parquet file, raw column names."""
    table = pa.Table.from_pylist([raw_from_formatted(r) for r in formatted_rows()])
    sink = io.BytesIO()
    pq.write_table(table, sink, compression="snappy")
    return sink.getvalue()


def _static(name: str) -> bytes:
    return resources.files("llmbench.replica.leaderboard").joinpath("static", name).read_bytes()


def _json_bytes(body: bytes) -> web.Response:
    response = web.Response(body=body, content_type="application/json")
    response.enable_compression()
    return response


def make_app_routes(app: web.Application) -> None:
    async def index(request: web.Request) -> web.Response:
        faults = request.app[REPLICA].faults
        mode = faults.leaderboard_mode
        if mode == "app-down":
            return web.Response(status=503, text="503 Service Unavailable", content_type="text/html")
        api = FORMATTED_PATH if mode in DATA_AT_FORMATTED else RENAMED_PATH
        page = _INDEX.format(api=api, layout="grid" if mode == "layout-changed" else "table",
                             parent=request.app[REPLICA].hub_url)
        return web.Response(text=page, content_type="text/html",
                            headers={"Cache-Control": "no-cache, no-store, must-revalidate"})

    async def script(request: web.Request) -> web.Response:
        return web.Response(body=_static("app.js"), content_type="application/javascript",
                            headers={"Cache-Control": "public, max-age=31536000"})

    async def stylesheet(request: web.Request) -> web.Response:
        return web.Response(body=_static("app.css"), content_type="text/css",
                            headers={"Cache-Control": "public, max-age=31536000"})

    async def formatted(request: web.Request) -> web.Response:
        mode = request.app[REPLICA].faults.leaderboard_mode
        expected = FORMATTED_PATH if mode in DATA_AT_FORMATTED else RENAMED_PATH
        if request.path != expected:
            return web.json_response({"detail": "Not Found"}, status=404)
        body = formatted_json()
        return _json_bytes(body[: len(body) // 2] if mode == "data-cut" else body)

    async def raw(request: web.Request) -> web.Response:
        return _json_bytes(raw_json())

    async def logo(request: web.Request) -> web.Response:
        return web.Response(body=_static("hf-logo.svg"), content_type="image/svg+xml",
                            headers={"Cache-Control": "public, max-age=31536000"})

    app.router.add_get("/static/media/hf-logo.svg", logo)
    app.router.add_get("/static/js/main.js", script)
    app.router.add_get("/static/css/main.css", stylesheet)
    app.router.add_get(FORMATTED_PATH, formatted)
    app.router.add_get(RENAMED_PATH, formatted)
    app.router.add_get("/api/leaderboard", raw)
    app.router.add_get("/{tail:.*}", index)


def add_dataset_routes(app: web.Application) -> None:
    """`/api/datasets/open-llm-leaderboard/contents` and its parquet file through the resolver (its tree,
    refs and commits: hub_api/trees.py)."""

    async def dataset_info(request: web.Request) -> web.Response:
        body = {
            "_id": "6679b2e6e5de1ec11b2f2fa5",
            "id": CONTENTS_REPO,
            "author": "open-llm-leaderboard",
            "sha": CONTENTS_SHA,
            "lastModified": CONTENTS_LAST_MODIFIED,
            "private": False,
            "gated": False,
            "disabled": False,
            "tags": ["size_categories:1K<n<10K", "format:parquet", "region:us"],
            "siblings": [{"rfilename": ".gitattributes"}, {"rfilename": "README.md"},
                         {"rfilename": CONTENTS_FILE}],
        }
        return web.json_response(body)

    async def resolve(request: web.Request) -> web.Response:
        """The parquet is an LFS file: a 302 to the CDN origin with `X-Linked-*` headers (files/resolvers.py)."""
        content = contents_parquet() if request.match_info["file"] == CONTENTS_FILE else None
        return await file_answer(request, commit=CONTENTS_SHA, filename=request.match_info["file"], content=content,
                           cdn=request.app[REPLICA].cdn)

    app.router.add_get(f"/api/datasets/{CONTENTS_REPO}", dataset_info)
    app.router.add_get(f"/datasets/{CONTENTS_REPO}/resolve/{{rev}}/{{file:.+}}", resolve)
