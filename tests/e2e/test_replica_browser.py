"""The replica's leaderboard app in real Chromium: data load, virtualized window, hash filters, iframe."""

from __future__ import annotations

import pytest
from playwright.sync_api import sync_playwright

from llmbench.replica.faults import FaultConfig
from tests.browser import browser_args, chromium_or_skip

HUB_LINK = 'tbody tr td a[aria-label$=" on Hugging Face Hub"]'


pytestmark = pytest.mark.browser  # every test here launches Chromium


@pytest.fixture(scope="module")
def browser():
    executable = chromium_or_skip()
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=executable, args=browser_args(), headless=True)
        yield launched
        launched.close()


def test_full_board_renders_only_a_window_of_rows(browser, replica):
    page = browser.new_page()
    data_urls = []
    page.on("response", lambda r: data_urls.append(r.url) if r.url.endswith("/api/leaderboard/formatted") else None)
    page.goto(replica.app_url)
    page.wait_for_selector(HUB_LINK)
    assert page.title().startswith("Open LLM Leaderboard")
    assert page.locator(".lb-count").text_content() == "4,569 models"  # 7 "❓other" rows fail the type filter
    in_dom = page.locator(HUB_LINK).count()
    assert 10 <= in_dom <= 60, in_dom
    assert data_urls == [f"{replica.app_url}api/leaderboard/formatted"]
    first = page.locator(HUB_LINK).first.text_content()
    assert first == "MaziyarPanahi/calme-3.2-instruct-78b"  # highest average on the final board
    page.locator(".MuiTableContainer-root").evaluate("c => c.scrollTop = 45 * 2000")
    page.wait_for_function("""() => [...document.querySelectorAll('tbody tr td:nth-child(2)')]
        .some(td => td.textContent.trim() === '2000')""")
    assert page.locator(HUB_LINK).count() <= 60
    page.close()


def test_search_param_filters(browser, replica):
    page = browser.new_page()
    page.goto(f"{replica.app_url}#/?search=Qwen%2FQwen2.5-72B-Instruct")
    page.wait_for_selector(HUB_LINK)
    names = page.locator(HUB_LINK).all_text_contents()
    assert names and all("qwen/qwen2.5-72b-instruct" in n.lower() for n in names)
    cells = page.locator("tbody tr.MuiTableRow-root").first.locator("td").all_text_contents()
    assert any(c.endswith(" %") for c in cells) and cells[-1].endswith(" kg")
    page.goto(f"{replica.app_url}#/?search=zzzz-no-such-model")
    page.wait_for_selector("text=No models found")
    page.close()


def test_space_page_iframe(browser, replica):
    page = browser.new_page()
    page.goto(replica.leaderboard_url)
    link = page.frame_locator("iframe").locator(HUB_LINK).first
    link.wait_for()
    assert "/" in link.text_content()
    page.close()


def test_endpoint_renamed_still_renders_table(browser, make_replica):
    replica = make_replica(faults=FaultConfig(leaderboard_mode="endpoint-renamed"))
    page = browser.new_page()
    seen = []
    page.on("response", lambda r: seen.append(r.url))
    page.goto(replica.app_url)
    page.wait_for_selector(HUB_LINK)
    assert not any(u.endswith("/api/leaderboard/formatted") for u in seen)
    page.close()
