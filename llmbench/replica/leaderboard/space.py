"""The leaderboard Space on the Hub origin: its runtime API and its page, in each stage a Space can be in.

As the real Hub shows them (docs/leaderboard.md §2): `GET /api/spaces/{id}/runtime` answers the stage (API
bucket); only a running Space's page embeds the app iframe; a sleeping one says so beside a "Restart
this Space" button; paused, building and failed ones show their state instead of the app.
`ready_after` turns BUILDING/APP_STARTING into RUNNING that many seconds after the first runtime
question, so a client that waits sees the Space come up.
"""

from __future__ import annotations

import html
import json
import time
from dataclasses import dataclass, field

from aiohttp import web

from ..appkeys import CATALOG, REPLICA

SPACE_ID = "open-llm-leaderboard/open_llm_leaderboard"
SPACE_PATH = f"/spaces/{SPACE_ID}"
APP_DOMAIN = "open-llm-leaderboard-open-llm-leaderboard.hf.space"
SPACE_STAGES = ("RUNNING", "BUILDING", "APP_STARTING", "SLEEPING", "PAUSED", "RUNTIME_ERROR", "BUILD_ERROR")
STARTING = ("BUILDING", "APP_STARTING")
ERROR_MESSAGE = "Workload evicted, storage limit exceeded (50G)"

# What the Space page shows instead of the app, per stage: (badge, headline, detail).
STATE_TEXT = {
    "SLEEPING": ("Sleeping", "This Space is sleeping due to inactivity.", ""),
    "PAUSED": ("Paused", "This Space has been paused by its owner.",
               "Want to use this Space? Head to the community tab to ask the author(s) to restart it."),
    "BUILDING": ("Building", "Building", "The Space is being built. This can take a few minutes."),
    "APP_STARTING": ("Starting", "Starting", "The app is starting."),
    "RUNTIME_ERROR": ("Runtime error", "Runtime error", ERROR_MESSAGE),
    "BUILD_ERROR": ("Build error", "Build error", ERROR_MESSAGE),
}


@dataclass
class SpaceState:
    stage: str = "RUNNING"
    ready_after: float | None = None
    _first_question: float | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.stage not in SPACE_STAGES:
            raise ValueError(f"space stage must be one of {SPACE_STAGES}")

    def current(self) -> str:
        if self.stage in STARTING and self.ready_after is not None:
            now = time.monotonic()
            if self._first_question is None:
                self._first_question = now
            if now - self._first_question >= self.ready_after:
                return "RUNNING"
        return self.stage


def runtime_body(stage: str) -> dict:
    """`/api/spaces/{id}/runtime` as huggingface_hub's `SpaceRuntime` reads it."""
    running = stage == "RUNNING"
    body = {"stage": stage, "hardware": {"current": "cpu-basic" if running else None, "requested": "cpu-basic"},
            "storage": None, "gcTimeout": 172800, "replicas": {"current": 1 if running else 0, "requested": 1},
            "devMode": False, "domains": [{"domain": APP_DOMAIN, "stage": "READY"}],
            "sha": "04e1112cd30e78fded26558ecf9ca88bd44d9b91"}
    if stage in ("RUNTIME_ERROR", "BUILD_ERROR"):
        body["errorMessage"] = ERROR_MESSAGE
    return body


def page_html(stage: str, app_url: str) -> str:
    head = """<!doctype html>
<html class=""><head><meta charset="utf-8">
<title>Open LLM Leaderboard - a Hugging Face Space by open-llm-leaderboard</title></head>
<body class="flex flex-col min-h-dvh">
<header class="border-b"><h1>open-llm-leaderboard / open_llm_leaderboard</h1></header>
<main class="flex flex-1 flex-col">"""
    props = html.escape(json.dumps({"space": {"id": SPACE_ID, "sdk": "docker", "runtime": runtime_body(stage)}}))
    if stage != "RUNNING":
        badge, headline, detail = STATE_TEXT[stage]
        button = '<form method="POST" action="start"><button type="submit">Restart this Space</button></form>' \
            if stage == "SLEEPING" else ""
        return f"""{head}
<div class="SVELTE_HYDRATER contents" data-target="SpacePageInner" data-props="{props}">
<div class="space-status"><span class="badge">{badge}</span><h2>{headline}</h2><p>{html.escape(detail)}</p>
{button}</div></div></main></body></html>
"""
    return f"""{head}
<div class="SVELTE_HYDRATER contents" data-target="SpacePageInner" data-props="{props}">
<iframe src="{app_url}?__theme=light" title="{SPACE_ID}"
  class="space-iframe outline-hidden grow bg-white p-0" style="width:100%;height:1200px;border:0"
  allow="clipboard-read; clipboard-write"
  sandbox="allow-forms allow-modals allow-popups allow-same-origin allow-scripts allow-downloads"></iframe>
</div></main>
<script>
window.addEventListener("message", (event) => {{
  if (event.origin !== {json.dumps(app_url.rstrip("/"))}) return;
  const data = event.data || {{}};
  if (typeof data.hash === "string")
    history.replaceState(null, "", location.pathname + (data.queryString || "") + data.hash);
}});
</script></body></html>
"""


def add_routes(app: web.Application) -> None:
    async def runtime(request: web.Request) -> web.Response:
        wanted = f"{request.match_info['owner']}/{request.match_info['name']}"
        other = next((s for s in request.app[CATALOG].spaces if s.repo_id == wanted and wanted != SPACE_ID), None)
        if other is not None:  # a community Space of the catalog (repos/spaces.py): its drawn runtime
            return web.json_response(other.api["runtime"])
        if wanted != SPACE_ID:
            if request.headers.get("Authorization"):
                return web.json_response({"error": "Repository not found"}, status=404,
                                         headers={"X-Error-Code": "RepoNotFound"})
            message = "Invalid username or password."
            return web.json_response({"error": message}, status=401, headers={"X-Error-Message": message})
        return web.json_response(runtime_body(request.app[REPLICA].space.current()))

    async def page(request: web.Request) -> web.Response:
        replica = request.app[REPLICA]
        return web.Response(text=page_html(replica.space.current(), replica.app_url), content_type="text/html")

    app.router.add_get("/api/spaces/{owner}/{name}/runtime", runtime)
    app.router.add_get(SPACE_PATH, page)
