"""A Gradio app's page → its embedded config, and a `dataframe` component's table out of that config.

Gradio (3.x and 4.x) writes the app's whole Blocks config, component values included, into the page as
`<script>window.gradio_config = {…};</script>` (orjson, with `<` `>` `&` `'` escaped as `\\u003c`…, so
the JSON holds no `</script>`). Leaderboards built on `gr.Dataframe` therefore ship their whole table in
the page: one plain request reads it, no browser (docs/leaderboard.md, "The v1 board").
"""

from __future__ import annotations

import json
import re
from typing import Any

# The config script's opening; its JSON ends at the `;</script>` that closes it (none can occur inside it).
CONFIG_START = re.compile(r"<script[^>]*>\s*window\.gradio_config\s*=\s*")


class GradioPageError(ValueError):
    """The page is not a Gradio page with the expected config or table: said in one line."""


def gradio_config(page: str) -> dict[str, Any]:
    """The `window.gradio_config` object of a Gradio page."""
    match = CONFIG_START.search(page)
    end = page.find("</script>", match.end()) if match else -1
    if match is None or end < 0:
        raise GradioPageError("has no `window.gradio_config` script (not a Gradio app page)")
    try:
        config = json.loads(page[match.end():end].rstrip().removesuffix(";"))
    except ValueError as exc:
        raise GradioPageError(f"has a `window.gradio_config` that is not JSON ({exc})") from None
    if not isinstance(config, dict) or not isinstance(config.get("components"), list):
        raise GradioPageError("has a `window.gradio_config` without a `components` list")
    return config


def dataframe_with_header(config: dict[str, Any], header: str) -> tuple[list[str], list[list[Any]]]:
    """(headers, rows) of the first `dataframe` whose value's headers include `header` (as the published
    v1 scrapers pick the board: the hidden full table, not the visible one with fewer columns)."""
    for component in config["components"]:
        if not isinstance(component, dict) or component.get("type") != "dataframe":
            continue
        props = component.get("props")
        value = props.get("value") if isinstance(props, dict) else None
        if not isinstance(value, dict):
            continue
        headers, data = value.get("headers"), value.get("data")
        if isinstance(headers, list) and header in headers:
            if not isinstance(data, list):
                raise GradioPageError(f"has a table with `{header}` whose data is not a list")
            return [str(h) for h in headers], data
    tables = [c.get("props", {}).get("value", {}).get("headers") for c in config["components"]
              if isinstance(c, dict) and c.get("type") == "dataframe" and isinstance(c.get("props"), dict)
              and isinstance(c["props"].get("value"), dict)]
    seen = "; ".join(", ".join(map(str, h))[:120] for h in tables if isinstance(h, list)) or "none"
    raise GradioPageError(f"has no table with a `{header}` column (tables' headers: {seen})")
