"""The replica's Hub API against docs/hub-api.md: pagination, expand, errors, rate limits, faults."""

from __future__ import annotations

import json

import pytest

from llmbench.parsing.hub_models import next_link
from llmbench.replica.faults import FaultConfig
from llmbench.replica.hub_api.fields import EXPAND_PROPERTIES
from llmbench.replica.ratelimit import RateLimitConfig
from tests.replica_client import get


def walk(url: str) -> tuple[list[dict], int]:
    items, pages = [], 0
    while url:
        status, headers, body = get(url)
        assert status == 200, body
        items += json.loads(body)
        pages += 1
        url = next((next_link(line) for line in headers.getall("Link", []) if next_link(line)), None)
        if url:
            assert url.startswith(("https://127.0.0.1:", "http://127.0.0.1:")), "Link must be absolute"
    return items, pages


def test_pagination_covers_every_model_exactly_once(replica, catalog):
    items, pages = walk(f"{replica.hub_url}/api/models?limit=400&sort=downloads&expand=downloads")
    ids = [item["id"] for item in items]
    assert len(ids) == len(set(ids)) == len(catalog)
    assert pages == -(-len(catalog) // 400)
    downloads = [item["downloads"] for item in items]
    assert downloads == sorted(downloads, reverse=True), "sort is descending only"


def test_link_header_keeps_every_parameter(replica):
    status, headers, _ = get(f"{replica.hub_url}/api/models?limit=5&search=qwen&expand=likes&expand=author")
    link = next(next_link(line) for line in headers.getall("Link") if next_link(line))
    for part in ("limit=5", "search=qwen", "expand=likes", "expand=author", "cursor="):
        assert part in link


def test_expand_returns_only_id_and_requested_fields(replica):
    _, _, body = get(f"{replica.hub_url}/api/models?limit=50&expand=safetensors&expand=likes")
    for item in json.loads(body):
        assert set(item) <= {"_id", "id", "safetensors", "likes"}
        assert {"_id", "id", "likes"} <= set(item)
    # bracket form is accepted too
    _, _, body = get(f"{replica.hub_url}/api/models?limit=3&expand[]=author")
    assert all(set(item) == {"_id", "id", "author"} for item in json.loads(body))


def test_default_list_item_shape(replica):
    _, _, body = get(f"{replica.hub_url}/api/models?limit=3")
    item = json.loads(body)[0]
    assert {"_id", "id", "modelId", "likes", "downloads", "tags", "createdAt"} <= set(item)
    assert "author" not in item and "safetensors" not in item and "lastModified" not in item


@pytest.mark.parametrize("query", ["expand=bogus", "expand=author&full=true", "expand=author&config=true",
                                   "expand=author&cardData=true"])
def test_bad_expand_is_400(replica, query):
    status, _, body = get(f"{replica.hub_url}/api/models?limit=1&{query}")
    assert status == 400
    assert "expand" in json.loads(body)["error"]


def test_unknown_expand_lists_allowed_values(replica):
    _, _, body = get(f"{replica.hub_url}/api/models?expand=nope")
    message = json.loads(body)["error"]
    assert all(value in message for value in EXPAND_PROPERTIES)


def test_filters(replica, catalog):
    items, _ = walk(f"{replica.hub_url}/api/models?author=Qwen&limit=100")
    assert items and all(item["id"].startswith("Qwen/") for item in items)
    expected = {r.repo_id for r in catalog.real_records if r.repo_id.startswith("Qwen/")}
    assert {item["id"] for item in items} == expected
    items, _ = walk(f"{replica.hub_url}/api/models?search=llama-3.1&pipeline_tag=text-generation&limit=100")
    assert items and all("llama-3.1" in item["id"].lower() for item in items)
    assert all(item["pipeline_tag"] == "text-generation" for item in items)


def test_model_info_and_404(replica):
    status, _, body = get(f"{replica.hub_url}/api/models/Qwen/Qwen2.5-72B-Instruct")
    info = json.loads(body)
    assert status == 200 and info["id"] == "Qwen/Qwen2.5-72B-Instruct"
    assert info["sha"] == "a13fff9ad76700c7ecff2769f75943ba8395b4a7"  # from the leaderboard row
    assert info["likes"] == 777 and info["cardData"]["license"] in ("other", ["other"])
    status, headers, body = get(f"{replica.hub_url}/api/models/nobody/no-such-model",
                                {"Authorization": "Bearer hf_user"})
    assert status == 404 and headers["X-Error-Code"] == "RepoNotFound"
    status, _, body = get(f"{replica.hub_url}/api/models/Qwen/Qwen2.5-72B-Instruct?expand=likes")
    assert set(json.loads(body)) == {"_id", "id", "likes"}


def test_models_off_the_hub_are_unknown(replica):
    from llmbench.replica.leaderboard.snapshot import formatted_rows

    gone = next(r["model"]["name"] for r in formatted_rows() if not r["features"]["is_not_available_on_hub"])
    status, _, _ = get(f"{replica.hub_url}/api/models/{gone}")
    assert status == 401  # anonymous: "not found, or not yours"


def test_rate_limit_429_with_headers_and_reset(make_replica):
    now = [1_000.5]  # the limiter's clock, moved by the test: half a second into a 2 s window
    limits = RateLimitConfig(window=2.0, anonymous={"api": 3, "resolvers": 50, "pages": 2})
    replica = make_replica(limits=limits, clock=lambda: now[0])
    statuses = []
    for _ in range(4):
        status, headers, body = get(f"{replica.hub_url}/api/models?limit=1")
        statuses.append(status)
    assert statuses == [200, 200, 200, 429]
    assert headers["ratelimit"] == '"api";r=0;t=2'  # 1.5 s left, rounded up
    assert headers["ratelimit-policy"] == '"fixed window";"api";q=3;w=2'
    # pages are a separate bucket
    assert get(f"{replica.hub_url}/Qwen/Qwen2.5-72B-Instruct")[0] == 200
    now[0] += 1.5  # the next window
    status, headers, _ = get(f"{replica.hub_url}/api/models?limit=1")
    assert status == 200 and headers["ratelimit"] == '"api";r=2;t=2'


def test_token_gets_the_authenticated_quota(make_replica):
    limits = RateLimitConfig(window=60.0, anonymous={"api": 1, "resolvers": 1, "pages": 1},
                             authenticated={"api": 5, "resolvers": 5, "pages": 5})
    replica = make_replica(limits=limits)
    _, headers, _ = get(f"{replica.hub_url}/api/models?limit=1", {"Authorization": "Bearer hf_x"})
    assert 'q=5' in headers["ratelimit-policy"]


def test_faults_are_aimed_and_reproducible(make_replica):
    replica = make_replica(faults=FaultConfig(malformed_rate=1.0, path="^/api/models$", after=1))
    ok = get(f"{replica.hub_url}/api/models?limit=2")
    assert json.loads(ok[2])
    status, _, body = get(f"{replica.hub_url}/api/models?limit=2")
    assert status == 200
    with pytest.raises(json.JSONDecodeError):
        json.loads(body)
    assert get(f"{replica.hub_url}/api/models/Qwen/Qwen2.5-72B-Instruct")[0] == 200  # other paths spared
    replica = make_replica(faults=FaultConfig(error_rate=1.0, error_status=502))
    assert get(f"{replica.hub_url}/api/models?limit=1")[0] == 502
