"""The replica answers each row of today's Hub as recorded (docs/hub-api.md §3–9): who gets 401, 403 or
404, the 307s, the field sets, the resolver headers."""

from __future__ import annotations

import json

import pytest

from llmbench.replica.hub_api.fields import EXPAND_PROPERTIES
from llmbench.replica.repos.ids import LEGACY_CANONICAL, RENAMED
from llmbench.replica.repos.records import BIN_ONLY, GGUF_ONLY, object_id
from tests.replica_client import get_json, request

TOKEN = {"Authorization": "Bearer hf_not_granted"}
GRANTED = {"Authorization": "Bearer hf_granted"}


@pytest.fixture(scope="module")
def hub(make_replica_module):
    return make_replica_module(granted_tokens=["hf_granted"])


@pytest.fixture(scope="module")
def make_replica_module(catalog, replica_certificate):
    from llmbench.replica.ratelimit import RateLimitConfig
    from llmbench.replica.server import ReplicaThread

    threads = []

    def start(**kwargs):
        kwargs.setdefault("certificate", replica_certificate)  # over https, as huggingface.co is served
        thread = ReplicaThread(catalog=catalog, limits=RateLimitConfig(enabled=True), **kwargs)
        threads.append(thread)
        return thread.start()

    yield start
    for thread in threads:
        thread.stop()


def gated_repo(catalog):
    return next(r for r in catalog.real_records if r.api["gated"] and r.config_file)


@pytest.mark.parametrize("path", ["/api/models/nobody/nothing", "/nobody/nothing/resolve/main/config.json",
                                  "/api/models/nobody"])
def test_unknown_repo_is_401_anonymously_404_with_a_token(hub, path):
    status, headers, body = request(hub.hub_url + path)
    assert status == 401 and json.loads(body) == {"error": "Invalid username or password."}
    assert headers["X-Error-Message"] == "Invalid username or password." and "X-Error-Code" not in headers
    status, headers, _ = request(hub.hub_url + path, TOKEN)
    assert status == 404 and headers["X-Error-Code"] == "RepoNotFound"


def test_gated_repo_info_is_public_its_files_are_not(hub, catalog):
    record = gated_repo(catalog)
    assert request(f"{hub.hub_url}/api/models/{record.repo_id}")[0] == 200
    for kind in ("resolve", "raw"):
        url = f"{hub.hub_url}/{record.repo_id}/{kind}/main/config.json"
        status, headers, body = request(url)
        assert status == 401 and headers["X-Error-Code"] == "GatedRepo" and b"Cannot access gated repo" in body
        status, headers, _ = request(url, TOKEN)
        assert status == 403 and headers["X-Error-Code"] == "GatedRepo"
        status, _, body = request(url, GRANTED)
        assert status == 200 and json.loads(body) == record.config_file


def test_missing_file_is_entry_not_found_for_everyone(hub, catalog):
    record = next(r for r in catalog.real_records if not r.api["gated"])
    for headers in ({}, TOKEN):
        status, answer, _ = request(f"{hub.hub_url}/{record.repo_id}/resolve/main/no-such-file.txt", headers)
        assert status == 404 and answer["X-Error-Code"] == "EntryNotFound"


@pytest.mark.parametrize("asked,canonical", [
    *LEGACY_CANONICAL.items(), *RENAMED.items(),
    ("OpenAI-Community/GPT2", "openai-community/gpt2"), ("meta-llama/meta-llama-3-8b", "meta-llama/Meta-Llama-3-8B"),
])
def test_legacy_renamed_and_miscased_ids_redirect(hub, asked, canonical):
    for template in ("/api/models/{}?expand[]=author&expand[]=likes", "/{}?tab=files",
                     "/{}/resolve/main/config.json?download=true"):
        status, headers, _ = request(hub.hub_url + template.format(asked), method="HEAD")
        assert status == 307 and headers["Location"] == template.format(canonical), template
        assert headers["ratelimit"]  # rate-limit headers on every status


def test_default_and_expanded_model_info(hub, catalog):
    record = next(r for r in catalog.real_records if "baseModels" in r.api)
    _, _, info = get_json(f"{hub.hub_url}/api/models/{record.repo_id}")
    assert not {"downloadsAllTime", "trendingScore", "childrenModelCount", "baseModels", "evalResults"} & set(info)
    assert {"_id", "id", "sha", "tags", "siblings", "cardData", "downloads"} <= set(info)
    asked = ["downloadsAllTime", "baseModels", "childrenModelCount", "trendingScore"]
    query = "&".join(f"expand[]={name}" for name in asked)
    _, _, info = get_json(f"{hub.hub_url}/api/models/{record.repo_id}?{query}")
    assert set(info) == {"_id", "id", *asked}


def test_every_accepted_expand_and_the_400(hub):
    query = "&".join(f"expand[]={name}" for name in EXPAND_PROPERTIES)
    status, _, items = get_json(f"{hub.hub_url}/api/models?limit=20&{query}")
    assert status == 200 and all({"_id", "id"} <= set(item) <= {"_id", "id", *EXPAND_PROPERTIES} for item in items)
    status, headers, body = get_json(f"{hub.hub_url}/api/models/openai-community/gpt2?expand[]=weights")
    assert status == 400 and body["error"] == f'"expand" must be one of [{",".join(EXPAND_PROPERTIES)}]'
    assert headers["ratelimit-policy"]


def test_base_models_and_their_tags(catalog):
    """Lineage agrees everywhere, as on the Hub, which derives `baseModels` and the `base_model:` tags from the
    card's `base_model` (recorded GGUF repo: the list in cardData and both tags; docs/hub-api.md §3); the parents
    count their children."""
    none = next(r for r in catalog.real_records if not any(t.startswith("base_model:") for t in r.api["tags"]))
    assert "baseModels" not in none.api and "base_model" not in none.api["cardData"]
    children: dict[str, int] = {}
    for record in catalog:
        tags = [t for t in record.api["tags"] if t.startswith("base_model:")]
        if not tags:
            continue
        relation, parent = tags[-1].split(":", 2)[1:]
        card = record.api["cardData"]["base_model"]
        assert (card if isinstance(card, list) else [card]) == [parent] and f"base_model:{parent}" in tags
        assert record.api["baseModels"] == {"relation": relation, "models": [{"_id": object_id(parent), "id": parent}]}
        canonical = catalog.canonical(parent) or parent  # a renamed parent's children count for it
        children[canonical] = children.get(canonical, 0) + 1
    gguf = [r for r in catalog if r.storage == GGUF_ONLY]
    assert gguf and all(isinstance(r.api["cardData"]["base_model"], list) for r in gguf), "GGUF cards list it"
    for parent, count in children.items():
        if catalog.get(parent) is not None:
            assert catalog.get(parent).api["childrenModelCount"] == count, parent


def test_gguf_only_repos_are_shaped_as_recorded(catalog):
    gguf = [r.api for r in catalog if r.storage == GGUF_ONLY]
    assert all("library_name" not in a and a["config"] == {} and "safetensors" not in a for a in gguf)
    assert all({"total", "architecture", "context_length", "bos_token", "eos_token", "totalFileSize"} <= set(a["gguf"])
               for a in gguf)
    without_task = sum("pipeline_tag" not in a for a in gguf)
    assert 0 < without_task < len(gguf)


def test_custom_licenses_name_themselves(catalog):
    from llmbench.replica.leaderboard.snapshot import formatted_rows

    rows = [r["model"]["name"] for r in formatted_rows() if r["metadata"]["hub_license"] == "other"]
    assert len(rows) == 296  # of the board's 4,576 rows (repos listed once per precision)
    other = [catalog.get(name).api["cardData"] for name in set(rows)]
    assert all("other" in (card["license"], *card["license"]) for card in other)
    named = [card for card in other if "license_name" in card]
    assert 0.6 < len(named) / len(other) < 0.95 and sum("license_link" in card for card in named) > len(named) / 2


def test_list_answers_carry_only_the_next_link(hub):
    """Recorded list answers carry one `Link`, `rel="next"` (tests/fixtures/hub-samples/link_header_list_models.txt);
    the `ai-catalog` relation was seen on HTML pages only (docs/hub-api.md §3), so list answers lack it."""
    status, headers, _ = request(f"{hub.hub_url}/api/models?limit=3")
    links = headers.getall("Link")
    assert status == 200 and len(links) == 1 and links[0].endswith('; rel="next"')
    assert links[0].startswith(f"<{hub.hub_url}/api/models?limit=3&cursor=")


def test_resolver_headers_head_and_the_cdn_redirect(hub, catalog):
    record = next(r for r in catalog.real_records if not r.api["gated"] and r.config_file and r.storage == BIN_ONLY)
    url = f"{hub.hub_url}/{record.repo_id}/resolve/main/config.json"
    status, head, body = request(url, method="HEAD")
    assert status == 200 and body == b"" and head["X-Repo-Commit"] == record.api["sha"]
    status, got, body = request(url)
    assert head["ETag"] == got["ETag"] and int(head["Content-Length"]) == len(body) == int(got["Content-Length"])
    weights = "pytorch_model.bin"  # a small placeholder (safetensors files have their real, GB sizes)
    status, headers, _ = request(f"{hub.hub_url}/{record.repo_id}/resolve/main/{weights}", GRANTED)
    assert status == 302 and headers["Location"].startswith(hub.cdn_url) and hub.cdn_url != hub.hub_url
    assert headers["X-Linked-Etag"] and int(headers["X-Linked-Size"]) > 0 and headers["X-Repo-Commit"]
    status, _, blob = request(headers["Location"])
    assert status == 200 and len(blob) == int(headers["X-Linked-Size"])
