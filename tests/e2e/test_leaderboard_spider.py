"""`scrapy crawl leaderboard` end to end in real Chromium against the replica."""

from __future__ import annotations

import json
import math
import re

import pytest

from llmbench.replica.faults import FaultConfig
from llmbench.replica.leaderboard.snapshot import formatted_rows
from tests.browser import chromium_or_skip

KEY = ("model_id", "precision", "revision")
SOME = "Qwen/Qwen2.5-72B-Instruct,meta-llama/Meta-Llama-3-8B-Instruct,01-ai/Yi-1.5-34B"


pytestmark = pytest.mark.browser  # every test here launches Chromium


@pytest.fixture(autouse=True)
def _chromium():
    chromium_or_skip()


def rows_by_key(table):
    return {tuple(r[k] for k in KEY): r for r in table.to_pylist()}


def test_whole_board_from_one_page_load(replica, run_crawl):
    replica.log.clear()
    result = run_crawl(replica, "leaderboard")
    assert result.returncode == 0, result.output[-3000:]
    assert "leaderboard path: json" in result.output
    assert result.output.count("Starting download handler") == 1  # one Playwright driver, for the board's scheme
    assert re.search(r"'playwright/request_count/aborted': [1-9]", result.output), "the logo image is aborted"
    assert not [r for r in replica.log.records if r.path_qs.endswith(".svg")]
    rows = rows_by_key(result.table("leaderboard"))
    assert len(rows) == 4576  # the two `gpt2` rows included: a legacy id is a valid repo id
    assert "validate/dropped" not in result.output
    data_loads = [r for r in replica.log.records if r.path_qs == "/api/leaderboard/formatted"]
    assert len(data_loads) == 1  # the app's own request, stopped in the browser and downloaded once by Scrapy
    page_load = [r for r in replica.log.records if r.path_qs.startswith("/static/js/")]
    assert data_loads[0].user_agent == page_load[0].user_agent and "llmbench" in data_loads[0].user_agent
    assert page_load[0].arrived < data_loads[0].arrived
    # Chromium closes once the app has asked for its data, before Scrapy downloads it (not at the
    # crawl's end), and is gone before scrapy-playwright's handler closes
    assert result.output.index("Chromium closed") < result.output.index("leaderboard path: json")
    assert result.output.index("Chromium closed") < result.output.index("Closing download handler")
    assert "'leaderboard/path': 'json'" in result.output
    canonical = {key: row["canonical_id"] for key, row in rows.items() if row["canonical_id"]}
    assert sorted({k[0] for k in canonical}) == ["gpt2"] and set(canonical.values()) == {"openai-community/gpt2"}
    source = [r for r in formatted_rows() if "/" in r["model"]["name"]]
    for row in source[::97]:
        got = rows[(row["model"]["name"], row["model"]["precision"], row["model"]["sha"])]
        assert math.isclose(got["average"], row["model"]["average_score"], rel_tol=1e-12)
        assert got["mmlu_pro_raw"] == row["evaluations"]["mmlu_pro"]["value"]
        assert got["hearts"] == row["metadata"]["hub_hearts"] and got["source"] == "json"


def test_restricted_list_with_missing_and_near_miss(replica, run_crawl):
    models = SOME + ",nobody/not-on-the-board,qwen/qwen2.5-72b-instruc"
    result = run_crawl(replica, "leaderboard", {"models": models})
    assert result.returncode == 0, result.output[-3000:]
    names = {r["model_id"] for r in result.table("leaderboard").to_pylist()}
    assert names == set(SOME.split(","))  # the near miss "…-instruc" matches nothing
    assert "'leaderboard/requested_not_on_board': 2" in result.output
    missing = (result.data_dir / "leaderboard_missing.txt").read_text().split()
    assert missing == ["nobody/not-on-the-board", "qwen/qwen2.5-72b-instruc"]


def assert_same_as_json(via_dom, via_json):
    for key, expected in via_json.items():
        got = via_dom[key]
        for column in ("average", "ifeval", "bbh", "math", "gpqa", "musr", "mmlu_pro", "co2_kg"):
            assert got[column] == round(expected[column], 2), (key, column)
        assert got["params_billions"] == expected["params_billions"] and got["type"] == expected["type"]


def test_dom_fallback_by_search_matches_json_path(replica, make_replica, run_crawl, tmp_path):
    models = SOME + ",nobody/not-on-the-board"
    via_json = rows_by_key(run_crawl(replica, "leaderboard", {"models": models},
                                     data_dir=tmp_path / "json").table("leaderboard"))
    renamed = make_replica(faults=FaultConfig(leaderboard_mode="endpoint-renamed"))
    result = run_crawl(renamed, "leaderboard", {"models": models}, data_dir=tmp_path / "dom")
    assert result.returncode == 0, result.output[-3000:]
    assert "leaderboard path: dom" in result.output and "'leaderboard/dom_searches': 4" in result.output
    via_dom = rows_by_key(result.table("leaderboard"))
    assert set(via_dom) == set(via_json)
    assert_same_as_json(via_dom, via_json)
    assert "'leaderboard/requested_not_on_board': 1" in result.output


def test_dom_fallback_whole_board_by_scrolling(replica, make_replica, run_crawl, tmp_path):
    via_json = rows_by_key(run_crawl(replica, "leaderboard", {"models": SOME},
                                     data_dir=tmp_path / "json").table("leaderboard"))
    renamed = make_replica(faults=FaultConfig(leaderboard_mode="endpoint-renamed"))
    result = run_crawl(renamed, "leaderboard", data_dir=tmp_path / "dom")
    assert result.returncode == 0, result.output[-3000:]
    assert "leaderboard path: dom" in result.output
    via_dom = rows_by_key(result.table("leaderboard"))
    assert len(via_dom) == 4569  # the app's default type filter hides the 7 "❓other" rows
    assert_same_as_json(via_dom, via_json)


def test_unreadable_data_response_fails_loudly_after_reading_the_table(make_replica, run_crawl):
    """The data the app asked for is cut off mid-document, for Scrapy and then for the browser: the
    board is loaded a second time with the app's request left to it, its table is read (nothing renders
    here), and the crawl fails naming the data URL instead of finishing with 0 rows."""
    cut = make_replica(faults=FaultConfig(leaderboard_mode="data-cut"))
    result = run_crawl(cut, "leaderboard", settings={"LEADERBOARD_TIMEOUT": "5"})
    assert result.returncode == 1, result.output[-3000:]
    assert re.search(r"data response at https?://\S+/api/leaderboard/formatted unreadable", result.output)
    assert "'leaderboard/bad_data_response': 1" in result.output
    assert len([r for r in cut.log.records if r.path_qs == "/api/leaderboard/formatted"]) >= 2  # Scrapy, browser
    assert "neither the data response nor the table yielded rows" in result.output
    assert not list(result.data_dir.rglob("*.parquet"))


def test_layout_changed_fails_loudly(make_replica, run_crawl):
    changed = make_replica(faults=FaultConfig(leaderboard_mode="layout-changed"))
    result = run_crawl(changed, "leaderboard", settings={"LEADERBOARD_TIMEOUT": "5"})
    assert result.returncode == 1
    assert "neither the data response nor the table yielded rows" in result.output
    assert not list(result.data_dir.rglob("*.parquet"))


def test_entry_through_the_app_url_directly(replica, run_crawl):
    result = run_crawl(replica, "leaderboard", {"models": SOME}, settings={"LEADERBOARD_URL": replica.app_url})
    assert result.returncode == 0, result.output[-3000:]
    assert set(result.table("leaderboard").column("model_id").to_pylist()) == set(SOME.split(","))


def test_dataset_source_gives_the_same_rows(replica, run_crawl, tmp_path):
    browser = rows_by_key(run_crawl(replica, "leaderboard", {"models": SOME},
                                    data_dir=tmp_path / "b").table("leaderboard"))
    result = run_crawl(replica, "leaderboard", {"models": SOME, "source": "dataset"}, data_dir=tmp_path / "d")
    assert result.returncode == 0, result.output[-3000:]
    dataset = rows_by_key(result.table("leaderboard"))
    assert set(dataset) == set(browser)
    for key, row in dataset.items():
        for column, value in row.items():
            if column not in ("source", "url", "crawled_at"):
                assert value == browser[key][column], (key, column)


def test_verify_against_the_dataset(replica, run_crawl):
    result = run_crawl(replica, "leaderboard", {"models": SOME, "verify": "dataset"})
    assert result.returncode == 0, result.output[-3000:]
    report = json.loads((result.data_dir / "leaderboard_verify.json").read_text())
    assert report["rows_compared"] == result.table("leaderboard").num_rows >= 3
    assert report["differences"] == [] and report["missing_in_dataset"] == []
    assert "'leaderboard/verify/differences': 0" in result.output


def test_legacy_rows_found_by_their_canonical_id(replica, run_crawl):
    """`gpt2` rows carry `canonical_id`, asked once of the Hub (a 307), and `-a models=` finds them by it."""
    replica.log.clear()
    result = run_crawl(replica, "leaderboard", {"models": "openai-community/gpt2", "source": "dataset"})
    assert result.returncode == 0, result.output[-3000:]
    rows = result.table("leaderboard").to_pylist()
    assert sorted((r["model_id"], r["canonical_id"] or "") for r in rows) == [  # the board has both spellings
        ("gpt2", "openai-community/gpt2"), ("gpt2", "openai-community/gpt2"),
        ("openai-community/gpt2", ""), ("openai-community/gpt2", "")]
    assert len([r for r in replica.log.records if r.path_qs.startswith("/api/models/gpt2")]) == 1
    assert "requested_not_on_board': 0" in result.output


def test_launch_options_on_the_command_line_keep_the_chromium_found(replica, run_crawl):
    """`-s PLAYWRIGHT_LAUNCH_OPTIONS=...` outranks the spider's settings; the Chromium found is still used."""
    options = json.dumps({"args": ["--no-sandbox", "--disable-gpu"]})
    result = run_crawl(replica, "leaderboard", {"models": SOME}, settings={"PLAYWRIGHT_LAUNCH_OPTIONS": options})
    assert result.returncode == 0, result.output[-3000:]
    assert "leaderboard path: json" in result.output and "leaderboard/fallback" not in result.output
