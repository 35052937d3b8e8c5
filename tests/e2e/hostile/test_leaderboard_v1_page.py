"""`leaderboard -a board=v1` against a crafted app whose page is not the v1 board any more (issue #25).

A page without the config, or whose table's headers changed (a config without the table: the unit
tier), must end the crawl with exit 1 and one line naming the URL, never "finished, 0 items".
"""

from __future__ import annotations

import urllib.request
from types import SimpleNamespace

import pytest

from tests.e2e.hostile.crafted_hub import CraftedHub


@pytest.fixture(scope="module")
def real_page(replica) -> str:
    with urllib.request.urlopen(replica.v1_app_url, timeout=30) as response:
        return response.read().decode()


CASES = {
    "headers changed": lambda page: page.replace('"ARC",', '"ARC (25-shot)",'),
    "no gradio config": lambda page: "<html><body><h1>Runtime error</h1></body></html>",
}


@pytest.mark.parametrize("case", list(CASES))
def test_changed_v1_page_fails_the_crawl_naming_the_url(case, real_page, run_crawl):
    hub = CraftedHub({"/": (200, "text/html; charset=utf-8", CASES[case](real_page).encode())})
    try:
        app = f"{hub.hub_url}/"
        result = run_crawl(SimpleNamespace(hub_url=hub.hub_url, leaderboard_url=hub.leaderboard_url,
                                           v1_app_url=app), "leaderboard", {"board": "v1"}, timeout=120)
    finally:
        hub.close()
    assert result.returncode == 1, result.output[-3000:]
    lines = [line for line in result.output.splitlines() if "ERROR" in line and f"page at {app} " in line]
    assert len(lines) == 1, result.output[-3000:]
    assert "'leaderboard/v1_page_changed': 1" in result.output and "Traceback" not in result.output
    assert not list(result.data_dir.rglob("*.parquet"))
