"""The archived v1 board: its Gradio app origin and its Space page on the Hub origin, from the real table.

The real app (`open-llm-leaderboard-old/open_llm_leaderboard`, https://open-llm-leaderboard-old-open-llm-
leaderboard.hf.space/, docs/leaderboard.md §1) was a Gradio Blocks app: its page embeds the whole board
in its second `<script>` element, `window.gradio_config = {…};`, as Gradio's template writes it (orjson,
then `<`, `>`, `&`, `'` escaped as `\\u003c`… by its `toorjson` filter). The board is two `dataframe`
components: the visible one with the default columns, and the hidden one with every column, whose
headers include `Hub ❤️` (the one the published scrapers read, docs/leaderboard.md §13).

Real: every row and value (the 7,169-row archive, data/open_llm_leaderboard_v1_archived_2024-07-13.csv.gz,
fboulnois/llm-leaderboard-csv at 0f4e5c6), the column order, the Model cell's HTML (the v1 app's
`make_clickable_model`: the repo link, two spaces, the 📑 details-dataset link), the page's script order.
Inferred (README, docs/leaderboard.md): the header spellings (from the CSV's normalised names and the
v1 app's `ColumnContent` names; `date` and `fullname` may have been capitalised otherwise), the Gradio
version and the other components' props; the Space's runtime is not served (the crawl reads the app).
"""

from __future__ import annotations

import csv
import gzip
import html
import json
from functools import lru_cache
from importlib import resources
from typing import Any

from aiohttp import web

from ..appkeys import REPLICA

V1_SPACE_ID = "open-llm-leaderboard-old/open_llm_leaderboard"
V1_SPACE_PATH = f"/spaces/{V1_SPACE_ID}"
V1_APP_DOMAIN = "open-llm-leaderboard-old-open-llm-leaderboard.hf.space"
V1_TABLE = "open_llm_leaderboard_v1_archived_2024-07-13.csv.gz"
GRADIO_VERSION = "4.36.1"  # inferred: the v1 app ran Gradio 4 when archived (exact version unverified)

# (header as the v1 app showed it, archive column, Gradio datatype)
COLUMNS = (
    ("T", "t", "str"), ("Model", "model", "markdown"), ("Average ⬆️", "average", "number"),
    ("ARC", "arc", "number"), ("HellaSwag", "hellaswag", "number"), ("MMLU", "mmlu", "number"),
    ("TruthfulQA", "truthfulqa", "number"), ("Winogrande", "winogrande", "number"), ("GSM8K", "gsm8k", "number"),
    ("Type", "type", "str"), ("Architecture", "architecture", "str"), ("Weight type", "weight_type", "str"),
    ("Precision", "precision", "str"), ("Merged", "merged", "bool"), ("Hub License", "hub_license", "str"),
    ("#Params (B)", "params_b", "number"), ("Hub ❤️", "hub_hearts", "number"),
    ("Available on the hub", "available_on_the_hub", "bool"), ("Model sha", "model_sha", "str"),
    ("Flagged", "flagged", "bool"), ("MoE", "moe", "bool"), ("date", "date", "str"), ("fullname", "fullname", "str"),
)
HEADERS = tuple(header for header, _, _ in COLUMNS)
VISIBLE = HEADERS[:9]  # displayed by default: T, Model, Average ⬆️ and the six benchmarks
FLOATS = {"average", "arc", "hellaswag", "mmlu", "truthfulqa", "winogrande", "gsm8k", "params_b"}
BOOLS = {"merged", "available_on_the_hub", "flagged", "moe"}


def archive_rows() -> list[dict[str, str]]:
    """The archived table as the CSV holds it (column names normalised, Model split into text and url)."""
    data = resources.files("llmbench.replica.leaderboard").joinpath("data", V1_TABLE).read_bytes()
    return list(csv.DictReader(gzip.decompress(data).decode("utf-8").splitlines()))


def model_cell(model_id: str) -> str:
    """The v1 app's `make_clickable_model`: the model's Hub link, two spaces, its details dataset's link."""
    style = "color: var(--link-text-color); text-decoration: underline;text-decoration-style: dotted;"
    details = f"https://huggingface.co/datasets/open-llm-leaderboard/details_{model_id.replace('/', '__')}"
    return (f'<a target="_blank" href="https://huggingface.co/{model_id}" style="{style}">{model_id}</a>  '
            f'<a target="_blank" href="{details}" style="{style}">📑</a>')


def shown_value(column: str, text: str, row: dict[str, str]) -> Any:
    """One archive cell back to the value the app's dataframe held (numbers, booleans, HTML)."""
    if column == "model":
        return model_cell(row["fullname"])
    if column in FLOATS:
        return float(text)
    if column == "hub_hearts":
        return int(text)
    if column in BOOLS:
        return text == "TRUE"
    return text


@lru_cache(maxsize=1)
def table_data() -> tuple[tuple[Any, ...], ...]:
    return tuple(tuple(shown_value(column, row[column], row) for _, column, _ in COLUMNS) for row in archive_rows())


def dataframe(component_id: int, headers: tuple[str, ...], elem_id: str, visible: bool) -> dict[str, Any]:
    indices = [HEADERS.index(h) for h in headers]
    data = [[row[i] for i in indices] for row in table_data()]
    return {"id": component_id, "type": "dataframe", "props": {
        "value": {"headers": list(headers), "data": data, "metadata": None},
        "headers": list(headers), "row_count": [len(data), "dynamic"], "col_count": [len(headers), "fixed"],
        "datatype": [COLUMNS[i][2] for i in indices], "type": "pandas",
        "latex_delimiters": [{"left": "$$", "right": "$$", "display": True}], "show_label": True,
        "height": 500, "min_width": 160, "interactive": False, "visible": visible, "elem_id": elem_id,
        "elem_classes": [], "wrap": False, "line_breaks": True, "column_widths": ["2%", "33%"],
        "name": "dataframe"}, "skip_api": False, "component_class_id": "dataframe-v1"}


def gradio_config(root: str) -> dict[str, Any]:
    """The Blocks config the v1 app's page embedded: title, search box, the two dataframes."""
    components = [
        {"id": 1, "type": "html", "props": {"value": '<h1 align="center" id="space-title">🤗 Open LLM Leaderboard</h1>',
                                            "visible": True, "name": "html"}, "skip_api": True},
        {"id": 2, "type": "markdown", "props": {"value": "📐 The 🤗 Open LLM Leaderboard aims to track, rank and "
                                                "evaluate open LLMs and chatbots.", "visible": True,
                                                "elem_classes": ["markdown-text"], "name": "markdown"},
         "skip_api": True},
        {"id": 3, "type": "textbox", "props": {"value": "", "placeholder": "🔍 Search for your model (separate "
                                               "multiple queries with `;`) and press ENTER...",
                                               "show_label": False, "elem_id": "search-bar", "visible": True,
                                               "name": "textbox"}, "skip_api": False},
        dataframe(4, VISIBLE, "leaderboard-table", True),
        dataframe(5, HEADERS, "leaderboard-table-hidden", False),  # every column: what the search filters
    ]
    return {"version": GRADIO_VERSION, "mode": "blocks", "app_id": 13413812497925451170, "dev_mode": False,
            "analytics_enabled": True, "components": components, "css": "#leaderboard-table td:nth-child(2) "
            "{max-width: 400px; overflow: auto; white-space: nowrap;}", "connect_heartbeat": False,
            "js": None, "head": None, "title": "Gradio", "space_id": V1_SPACE_ID, "enable_queue": True,
            "show_error": False, "show_api": True, "is_colab": False, "stylesheets": [], "theme": "default",
            "protocol": "sse_v3", "body_css": {"body_background_fill": "white", "body_text_color": "#1f2937"},
            "fill_height": False, "layout": {"id": 0, "children": [{"id": i} for i in range(1, 6)]},
            "dependencies": [], "root": root}


def toorjson(value: Any) -> str:
    """Gradio's template filter: compact JSON, UTF-8 kept, `<` `>` `&` `'` as \\u escapes."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026").replace("'", "\\u0027")


def page_html(config: dict[str, Any]) -> str:
    return f"""<!doctype html>
<html lang="en" style="margin: 0; padding: 0; min-height: 100%; display: flex; flex-direction: column;">
	<head>
		<meta charset="utf-8" />
		<meta name="viewport" content="width=device-width, initial-scale=1, shrink-to-fit=no, maximum-scale=1" />
		<meta property="og:title" content="Gradio" />
		<meta property="og:type" content="website" />
		<title>Gradio</title>
		<script>
			window.__gradio_mode__ = "app";
		</script>
		<script>window.gradio_config = {toorjson(config)};</script>
		<link rel="preconnect" href="https://fonts.googleapis.com" />
		<link rel="preconnect" href="https://fonts.gstatic.com" crossorigin="anonymous" />
		<script type="module" crossorigin src="./assets/index-f5fd0ea1.js"></script>
		<link rel="stylesheet" href="./assets/index-b4fbbf5e.css">
	</head>
	<body style="width: 100%; margin: 0; padding: 0; display: flex; flex-direction: column; flex-grow: 1;">
		<gradio-app control_page_title="true" embed="false" eager="true"
			style="display: flex; flex-direction: column; flex-grow: 1"></gradio-app>
		<script>
			const ce = document.getElementsByTagName("gradio-app");
			if (ce[0]) {{
				ce[0].addEventListener("domchange", () => {{ document.body.style.padding = "0"; }});
				document.body.style.padding = "0";
			}}
		</script>
	</body>
</html>
"""


@lru_cache(maxsize=4)
def page_bytes(root: str) -> bytes:
    return page_html(gradio_config(root)).encode()


def make_v1_app_routes(app: web.Application) -> None:
    """The v1 app's origin: its page at `/` (and `/config`, Gradio's own route for the same config)."""

    def root_of(request: web.Request) -> str:
        return request.app[REPLICA].v1_app_url.rstrip("/")

    async def index(request: web.Request) -> web.Response:
        response = web.Response(body=page_bytes(root_of(request)), content_type="text/html", charset="utf-8")
        response.enable_compression()  # gzip when asked: the page is about 9 MB
        return response

    async def config(request: web.Request) -> web.Response:
        body = json.dumps(gradio_config(root_of(request)), ensure_ascii=False, separators=(",", ":")).encode()
        response = web.Response(body=body, content_type="application/json")
        response.enable_compression()
        return response

    async def not_found(request: web.Request) -> web.Response:
        return web.json_response({"detail": "Not Found"}, status=404)  # FastAPI's answer under Gradio

    app.router.add_get("/", index)
    app.router.add_get("/config", config)
    app.router.add_get("/{tail:.*}", not_found)


def space_page(app_url: str) -> str:
    props = html.escape(json.dumps({"space": {"id": V1_SPACE_ID, "sdk": "gradio", "runtime": {"stage": "RUNNING"}}}))
    return f"""<!doctype html>
<html class=""><head><meta charset="utf-8">
<title>Open LLM Leaderboard - a Hugging Face Space by open-llm-leaderboard-old</title></head>
<body class="flex flex-col min-h-dvh">
<header class="border-b"><h1>open-llm-leaderboard-old / open_llm_leaderboard</h1></header>
<main class="flex flex-1 flex-col">
<div class="SVELTE_HYDRATER contents" data-target="SpacePageInner" data-props="{props}">
<iframe src="{app_url}?__theme=light" title="{V1_SPACE_ID}"
  class="space-iframe outline-hidden grow bg-white p-0" style="width:100%;height:1200px;border:0"
  allow="clipboard-read; clipboard-write"
  sandbox="allow-forms allow-modals allow-popups allow-same-origin allow-scripts allow-downloads"></iframe>
</div></main></body></html>
"""


def add_v1_space_routes(app: web.Application) -> None:
    """The Space's page on the Hub origin: the v1 app in its iframe (the crawl reads the app itself)."""

    async def page(request: web.Request) -> web.Response:
        return web.Response(text=space_page(request.app[REPLICA].v1_app_url), content_type="text/html")

    app.router.add_get(V1_SPACE_PATH, page)
