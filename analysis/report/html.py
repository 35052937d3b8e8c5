"""HTML building blocks of the report: sortable tables, model links, numbers, the page shell.

Self-contained: the style and the sorting script (a few lines of plain JavaScript, no CDN) are
inline. Click (or press Enter on) a column header to sort by it; numbers sort as numbers.
"""

from __future__ import annotations

import html
import math
from typing import Any

from llmbench.credentials import without_userinfo

STYLE = """
body { font-family: system-ui, sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em; color: #222;
       line-height: 1.45; }
.scroll { max-width: 100%; overflow-x: auto; margin: 0.8em 0 1.2em; }
table { border-collapse: collapse; font-size: 0.85em; }
td { overflow-wrap: anywhere; }
th, td { border: 1px solid #ddd; padding: 4px 8px; text-align: left; vertical-align: top; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
th { background: #f4f4f4; }
table.sortable th { cursor: pointer; user-select: none; }
table.sortable th::after { content: " \\2195"; color: #aaa; }
table.sortable th[aria-sort=ascending]::after { content: " \\2191"; color: #222; }
table.sortable th[aria-sort=descending]::after { content: " \\2193"; color: #222; }
figure { margin: 1.5em 0; } figure img { max-width: 100%; } figcaption { color: #555; font-size: 0.9em; }
.how { background: #f6f8fa; border-left: 3px solid #8ab; padding: 0.4em 0.8em; font-size: 0.9em; }
.meta { color: #666; font-size: 0.9em; }
.banner { background: #fff4e5; border: 2px solid #d97706; padding: 0.4em 1em; margin: 1em 0; }
.verdict-consistent { color: #1a7f37; } .verdict-not-reproduced { color: #b42318; }
"""

SCRIPT = """
document.querySelectorAll("table.sortable").forEach(function (table) {
  var heads = table.tHead.rows[0].cells;
  Array.prototype.forEach.call(heads, function (th, column) {
    th.tabIndex = 0;
    function sort() {
      var direction = th.getAttribute("aria-sort") === "ascending" ? -1 : 1;
      Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", direction === 1 ? "ascending" : "descending");
      function key(row) {
        var cell = row.cells[column];
        var raw = cell.hasAttribute("data-value") ? cell.getAttribute("data-value") : cell.textContent.trim();
        var number = parseFloat(raw);
        return raw !== "" && !isNaN(number) && isFinite(raw) ? number : raw.toLowerCase();
      }
      var body = table.tBodies[0];
      Array.prototype.slice.call(body.rows).sort(function (a, b) {
        var x = key(a), y = key(b);
        if (typeof x !== typeof y) { return (typeof x === "number" ? -1 : 1) * direction; }
        return (x < y ? -1 : x > y ? 1 : 0) * direction;
      }).forEach(function (row) { body.appendChild(row); });
    }
    th.addEventListener("click", sort);
    th.addEventListener("keydown", function (event) { if (event.key === "Enter") { sort(); } });
  });
});
"""


def num(value: Any, digits: int = 2) -> str:
    """A number for people: thousands separators, fixed digits, scientific when tiny, – when missing."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if value != 0 and abs(value) < 10 ** -digits:
            return f"{value:.2e}"
        return f"{value:,.{digits}f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


class Links:
    """Model ids as links to their Hub pages (HUB_ENDPOINT-based)."""

    def __init__(self, hub_url: str) -> None:
        self.base = without_userinfo(hub_url).rstrip("/")  # a link never carries a user or password

    def model(self, model_id: Any) -> str:
        if not isinstance(model_id, str) or not model_id:
            return html.escape(str(model_id))
        return f'<a href="{html.escape(self.base)}/{html.escape(model_id)}">{html.escape(model_id)}</a>'


def table(rows: list[dict[str, Any]], columns: list[tuple[str, str]], links: Links | None = None,
          digits: int = 2, caption: str | None = None) -> str:
    """A sortable table of `rows` with `columns` as (key, header); `model_id` cells link to the Hub."""
    head = "".join(f'<th scope="col">{html.escape(title)}</th>' for _, title in columns)
    body = []
    for row in rows:
        cells = []
        for key, _ in columns:
            value = row.get(key)
            if key == "model_id" and links is not None:
                cells.append(f"<td>{links.model(value)}</td>")
            elif isinstance(value, Shown):
                raw = "" if value.value is None or not math.isfinite(value.value) else repr(value.value)
                cells.append(f'<td class="num" data-value="{raw}">{html.escape(value)}</td>')
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                raw = "" if isinstance(value, float) and not math.isfinite(value) else repr(value)
                cells.append(f'<td class="num" data-value="{raw}">{num(value, digits)}</td>')
            else:
                cells.append(f"<td>{value if isinstance(value, Raw) else html.escape(num(value))}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    title = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    # wide tables scroll inside their own box, never the page (tests/e2e/test_analysis.py)
    return (f'<div class="scroll"><table class="sortable">{title}<thead><tr>{head}</tr></thead><tbody>'
            + "".join(body) + "</tbody></table></div>")


class Raw(str):
    """Already-escaped HTML for a table cell."""


class Shown(str):
    """A number's text as the report prints it (e.g. a p-value "< 1e-4"), sorting by its exact value."""

    value: float | None

    def __new__(cls, text: str, value: float | None) -> Shown:
        shown = super().__new__(cls, text)
        shown.value = float(value) if isinstance(value, (int, float)) else None
        return shown


def section(anchor: str, title: str, how_to_read: str, body: str) -> str:
    return (f'<section id="{anchor}"><h2>{html.escape(title)}</h2>'
            f'<p class="how"><b>How to read this.</b> {html.escape(how_to_read)}</p>{body}</section>')


def page(title: str, body: str) -> str:
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            f"<style>{STYLE}</style></head><body>{body}<script>{SCRIPT}</script></body></html>\n")
