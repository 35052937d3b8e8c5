"""The archived v1 board: the replica's Gradio page (as the real v1 Space served it) read by the parser, in
process, against the archived table read independently here (the crawl: tests/e2e/test_leaderboard_v1.py)."""

from __future__ import annotations

import csv
import gzip
import json
import urllib.request
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest
from scrapy.exceptions import UsageError
from scrapy.settings import Settings

from llmbench.parsing.gradio_page import gradio_config
from llmbench.parsing.leaderboard_v1 import V1RowError, V1ShapeError, items_from_page
from llmbench.replica.leaderboard.v1_space import V1_SPACE_PATH
from llmbench.spiders.leaderboard.spider import LeaderboardSpider

ARCHIVE = Path(__file__).resolve().parents[2] / "llmbench/replica/leaderboard/data" \
    / "open_llm_leaderboard_v1_archived_2024-07-13.csv.gz"
NOW = datetime(2026, 1, 1, tzinfo=UTC)


class Scripts(HTMLParser):
    """The text of each `<script>` element, in order (as the published R scraper reads them)."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []
        self.inside = False

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self.inside = True
            self.texts.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self.inside = False

    def handle_data(self, data):
        if self.inside:
            self.texts[-1] += data


@pytest.fixture(scope="module")
def page(replica) -> str:
    with urllib.request.urlopen(replica.v1_app_url, timeout=30) as response:
        assert response.status == 200 and response.headers.get_content_type() == "text/html"
        return response.read().decode()


def archive() -> list[dict[str, str]]:
    return list(csv.DictReader(gzip.open(ARCHIVE, "rt", encoding="utf-8")))


def test_page_embeds_the_board_where_published_scrapers_find_it(page, replica):
    scripts = Scripts()
    scripts.feed(page)
    second = scripts.texts[1].strip()
    assert second.startswith("window.gradio_config = {") and second.endswith("};")
    assert "<a " not in second and "\\u003ca target=\\\"_blank\\\"" in second  # Gradio's toorjson escapes
    config = json.loads(second.removeprefix("window.gradio_config = ").removesuffix(";"))
    tables = [c["props"]["value"] for c in config["components"] if c["type"] == "dataframe"]
    assert [("Hub ❤️" in t["headers"]) for t in tables] == [False, True]  # the visible table, then the full one
    full = tables[1]
    assert full["headers"][:3] == ["T", "Model", "Average ⬆️"] and full["headers"][-1] == "fullname"
    assert len(full["data"]) == 7169
    first = dict(zip(full["headers"], full["data"][0], strict=True))
    assert first["Model"].startswith('<a target="_blank" href="https://huggingface.co/paloalma/Le_Triomphant-ECE-TW3"')
    assert first["Hub ❤️"] == 2 and first["Merged"] is False and first["#Params (B)"] == 72.0
    with urllib.request.urlopen(replica.hub_url + V1_SPACE_PATH, timeout=10) as response:
        assert f'<iframe src="{replica.v1_app_url}' in response.read().decode()


def test_parser_reads_every_archived_row_as_the_board_showed_it(page):
    items = list(items_from_page(page, url="https://app/", crawled_at=NOW))
    assert not [i for i in items if isinstance(i, V1RowError)]
    rows = archive()
    assert len(items) == len(rows) == 7169
    for item, row in zip(items, rows, strict=True):
        assert (item.model_id, item.precision, item.revision) == (row["fullname"], row["precision"], row["model_sha"])
        for column in ("average", "arc", "hellaswag", "mmlu", "truthfulqa", "winogrande", "gsm8k"):
            assert getattr(item, column) == float(row[column]), (item.model_id, column)
        assert item.params_billions == (float(row["params_b"]) if row["params_b"] != "0" else None)
        assert item.hearts == int(row["hub_hearts"]) and item.license == (row["hub_license"] or None)
        assert (item.is_merged, item.is_flagged, item.is_moe, item.available_on_hub) == tuple(
            row[c] == "TRUE" for c in ("merged", "flagged", "moe", "available_on_the_hub"))
        assert item.type_symbol == row["t"] and item.weight_type == row["weight_type"]
        assert item.submission_date == (row["date"][:10] or None) and item.source == "space_config"
    by_symbol = {(i.type_symbol, i.type) for i in items}
    assert by_symbol == {("🔶", "fine-tuned"), ("💬", "chat"), ("🤝", "merge"), ("🟢", "pretrained"),
                         ("🟩", "continuously pretrained"), ("?", None)}
    naive = [i for i in items if i.submitted_at and i.submitted_at.microsecond]
    assert naive and all(i.submitted_at.tzinfo is UTC for i in naive)  # the zone-less dates, read as UTC


def rebuilt(page: str, change) -> str:
    """The same page with its config changed by `change(full_table_value)`."""
    config = gradio_config(page)
    full = next(c for c in config["components"]
                if c["type"] == "dataframe" and "Hub ❤️" in c["props"]["value"]["headers"])
    change(full["props"]["value"])
    start = page.index("window.gradio_config = ")
    end = page.index("</script>", start)
    return page[:start] + "window.gradio_config = " + json.dumps(config, ensure_ascii=False) + ";" + page[end:]


def test_changed_headers_or_no_table_refuse_the_page(page):
    def rename(value):
        value["headers"] = ["ARC (25-shot)" if h == "ARC" else h for h in value["headers"]]

    with pytest.raises(V1ShapeError, match=r"without the columns ARC \(headers now: T, Model"):
        list(items_from_page(rebuilt(page, rename), url="u", crawled_at=NOW))

    def drop_marker(value):
        value["headers"] = ["Likes" if h == "Hub ❤️" else h for h in value["headers"]]

    with pytest.raises(V1ShapeError, match="no table with a `Hub ❤️` column"):
        list(items_from_page(rebuilt(page, drop_marker), url="u", crawled_at=NOW))
    with pytest.raises(V1ShapeError, match="no `window.gradio_config`"):
        list(items_from_page("<html><body>Your space is in error</body></html>", url="u", crawled_at=NOW))


def test_a_bad_row_costs_that_row_alone(page):
    def spoil(value):
        value["data"][0][value["headers"].index("ARC")] = "78,5"
        value["data"][1] = value["data"][1][:5]

    entries = list(items_from_page(rebuilt(page, spoil), url="u", crawled_at=NOW))
    errors = [e for e in entries if isinstance(e, V1RowError)]
    assert len(entries) == 7169 and len(errors) == 2
    assert "ARC is '78,5', not a number" in str(errors[0]) and "not a list of 23 cells" in str(errors[1])


@pytest.mark.parametrize(("arguments", "message"), [
    ({"board": "v3"}, "-a board: expected one of v2, v1; got 'v3'"),
    ({"board": "v1", "source": "dataset"}, "-a source: applies to -a board=v2 only"),
    ({"board": "v1", "verify": "dataset"}, "-a verify: applies to -a board=v2 only"),
])
def test_board_argument_is_checked_before_the_crawl(arguments, message):
    with pytest.raises(UsageError, match=message.replace("(", r"\(")):
        LeaderboardSpider.check_arguments(Settings(), arguments)
    LeaderboardSpider.check_arguments(Settings(), {"board": "v1", "models": "gpt2"})  # accepted
