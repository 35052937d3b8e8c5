"""The replica's hostile answers (faults.py: oversize_bytes, gzip_bomb_bytes, yaml_bomb), which benchmarks/faults.py
and `python -m llmbench.replica` aim at a crawl: each is what its name says on the wire, aimed by `path`, and off
by default."""

from __future__ import annotations

import gzip
import json

import yaml

from llmbench.replica.faults import FaultConfig
from llmbench.replica.ratelimit import RateLimitConfig
from tests.replica_client import get, get_json

SIZE = 8 * 1024 * 1024
LIST = "/api/models?limit=3"
EVAL_YAML = "/datasets/Idavidrein/gpqa/resolve/main/eval.yaml"


def test_hostile_answers_are_off_by_default():
    faults = FaultConfig()
    assert not faults.hostile and not faults.draw("/api/models").hostile


def test_turning_a_bomb_on_leaves_the_other_draws_in_place():
    plain, bombed = FaultConfig(error_rate=0.5, seed=3), FaultConfig(error_rate=0.5, seed=3, gzip_bomb_bytes=SIZE)
    assert [plain.draw("/x").error for _ in range(50)] == [bombed.draw("/x").error for _ in range(50)]


def test_gzip_bomb_is_the_answer_padded_and_compressed(make_replica):
    faults = FaultConfig(gzip_bomb_bytes=SIZE, path="^/api/models$")
    hub = make_replica(faults=faults, limits=RateLimitConfig(enabled=True))
    _, _, expected = get_json(make_replica(limits=RateLimitConfig(enabled=False)).hub_url + LIST)
    status, headers, body = get(hub.hub_url + LIST, {"Accept-Encoding": "gzip"})
    assert status == 200 and headers["Content-Encoding"] == "gzip"
    assert headers["Content-Type"].startswith("application/json") and "RateLimit" in headers
    assert int(headers["Content-Length"]) == len(body) < SIZE // 100  # small on the wire
    unpacked = gzip.decompress(body)
    assert len(unpacked) == SIZE and json.loads(unpacked) == expected  # the same models, then spaces
    status, headers, _ = get(f"{hub.hub_url}/api/models/{expected[0]['id']}")  # other paths: untouched
    assert status == 200 and "Content-Encoding" not in headers


def test_oversize_answer_streams_without_a_length(make_replica):
    hub = make_replica(faults=FaultConfig(oversize_bytes=SIZE, path="^/api/models$"))
    status, headers, body = get(hub.hub_url + LIST)
    assert status == 200 and "Content-Length" not in headers and headers["Transfer-Encoding"] == "chunked"
    assert len(body) == SIZE and len(json.loads(body)) == 3
    status, headers, body = get(hub.hub_url + "/api/models?limit=3&search=nothing-matches-this")
    assert status == 200 and len(body) == SIZE and json.loads(body) == []


def test_yaml_bomb_answers_eval_yaml_only(make_replica):
    hub = make_replica(faults=FaultConfig(yaml_bomb=True, path=r"eval\.yaml$"))
    status, headers, body = get(hub.hub_url + EVAL_YAML)
    assert status == 200 and headers["Content-Type"].startswith("text/plain") and "X-Repo-Commit" in headers
    assert len(body) < 1024 and body.count(b"*a7") == 9
    name = yaml.safe_load(body)["name"]  # PyYAML shares the aliased lists: 9 levels of 9, 9**9 strings expanded
    for _ in range(8):
        assert len(name) == 9
        name = name[0]
    assert name == ["lol"] * 9
    assert get(hub.hub_url + "/datasets/Idavidrein/gpqa/resolve/main/README.md")[2].startswith(b"---")
    status, _, body = get(hub.hub_url + "/datasets/nobody/nothing/resolve/main/eval.yaml")
    assert status in (401, 404) and b"lol" not in body  # only 200 answers turn into bombs
