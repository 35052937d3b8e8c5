"""The replica's leaderboard Space in each state, and the runtime answers read or refused (issue #11.6), in
process (the crawls of each state: tests/e2e/test_leaderboard_space.py)."""

from __future__ import annotations

import json
import urllib.request

import pytest

from llmbench.spiders.leaderboard.space_runtime import runtime_stage

RUNTIME = "/api/spaces/open-llm-leaderboard/open_llm_leaderboard/runtime"


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


@pytest.mark.parametrize("stage", ["SLEEPING", "PAUSED", "RUNTIME_ERROR", "BUILDING"])
def test_replica_space_page_shows_its_state_without_the_app(stage, make_replica):
    replica = make_replica(space_stage=stage)
    status, body = get(replica.hub_url + RUNTIME)
    assert status == 200 and json.loads(body)["stage"] == stage
    status, page = get(replica.leaderboard_url)
    assert status == 200 and "<iframe" not in page
    if stage == "SLEEPING":
        assert "This Space is sleeping due to inactivity" in page and "Restart this Space" in page
    if stage == "RUNTIME_ERROR":
        assert "Runtime error" in page and "storage limit exceeded" in json.loads(body)["errorMessage"]


def test_replica_running_space_embeds_the_app_and_unknown_spaces_are_401(replica):
    status, page = get(replica.leaderboard_url)
    assert status == 200 and f'<iframe src="{replica.app_url}' in page
    assert get(replica.hub_url + "/api/spaces/nobody/nothing/runtime")[0] == 401


@pytest.mark.parametrize(("body", "expected"), [
    (b'{"stage": "SLEEPING", "hardware": {"current": null}}', ("SLEEPING", "")),
    (b'{"stage": "RUNTIME_ERROR", "errorMessage": "evicted"}', ("RUNTIME_ERROR", ": evicted")),
    (b'{"stage": 3}', (None, "")),
    (b'["RUNNING"]', (None, "")),
    (b"<html>down</html>", (None, "")),
])
def test_runtime_answers_are_read_or_refused(body, expected):
    assert runtime_stage(body) == expected
