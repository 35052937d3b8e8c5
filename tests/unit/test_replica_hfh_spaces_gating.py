"""huggingface_hub 2.4 as the judge, over https, anonymous / granted / not granted: Spaces, gated repos as the real
repos are gated, the `apps`/`inference` list filters, and the Hub's transport (docs/hub-api.md §3a, §6a, §7)."""

from __future__ import annotations

import gzip

import pytest
from huggingface_hub import HfApi, get_session, hf_hub_download, hf_hub_url
from huggingface_hub.errors import GatedRepoError, HfHubHTTPError, RepositoryNotFoundError

from llmbench.replica.hub_api.list_filters import APPS
from llmbench.replica.repos.records import GGUF_ONLY
from llmbench.replica.repos.spaces import LEADERBOARD_SPACE

GRANTED, OTHER = "hf_granted", "hf_someone_else"
LLAMA = "meta-llama/Llama-3.2-3B"  # recorded: gated "manual" (tests/fixtures/hub-samples/model_info_meta-llama_…)


@pytest.fixture(scope="module")
def hub(catalog, replica_certificate):
    from llmbench.replica.ratelimit import RateLimitConfig
    from llmbench.replica.server import ReplicaThread

    with ReplicaThread(catalog=catalog, limits=RateLimitConfig(enabled=False), granted_tokens=[GRANTED],
                       certificate=replica_certificate, space_stage="SLEEPING") as hub:
        assert hub.hub_url.startswith("https://")
        yield hub


@pytest.mark.parametrize("token", [False, GRANTED, OTHER])
def test_gated_model_info_is_public_and_follows_the_recording(hub, token):
    """docs/hub-api.md §7: a gated repo's info answers 200 to anyone; `gated` and the `extra_gated_*` card fields
    as recorded for meta-llama/Llama-3.2-3B."""
    info = HfApi(endpoint=hub.hub_url, token=token).model_info(LLAMA)
    assert info.gated == "manual"
    assert info.card_data["extra_gated_button_content"] == "Submit"
    assert info.card_data["extra_gated_fields"]["geo"] == "ip_location"
    assert info.card_data["extra_gated_prompt"].startswith("### LLAMA 3.2 COMMUNITY LICENSE AGREEMENT")
    assert info.spaces and all("/" in space for space in info.spaces), "used by Spaces, as recorded (22 there)"


def test_gated_files_anonymous_other_token_granted(hub, tmp_path):
    """401 GatedRepo anonymously, 403 for a token not granted (both GatedRepoError), the file once granted."""
    for token, status in ((False, 401), (OTHER, 403)):
        with pytest.raises(GatedRepoError) as caught:
            hf_hub_download(LLAMA, "config.json", endpoint=hub.hub_url, token=token, cache_dir=tmp_path)
        assert caught.value.response.status_code == status
    path = hf_hub_download(LLAMA, "config.json", endpoint=hub.hub_url, token=GRANTED, cache_dir=tmp_path)
    assert open(path).read().startswith("{")


def test_flan_t5_is_not_gated_as_on_the_hub(hub, tmp_path):
    api = HfApi(endpoint=hub.hub_url, token=False)
    assert api.model_info("google/flan-t5-small").gated is False
    path = hf_hub_download("google/flan-t5-small", "config.json", endpoint=hub.hub_url, token=False,
                           cache_dir=tmp_path)
    assert open(path).read().startswith("{")
    gated = list(api.list_models(gated=True, expand=["gated"]))
    assert gated and all(m.gated in ("auto", "manual") for m in gated)
    assert {m.id.split("/")[0] for m in gated} <= {"meta-llama", "google", "mistralai", "CohereForAI", "databricks",
                                                    "tiiuae", "bigcode"}


def test_list_spaces_paginates_and_filters(hub, catalog):
    api = HfApi(endpoint=hub.hub_url, token=False)
    everything = [s.id for s in api.list_spaces()]  # 1,000 a page: several pages through the Link header
    assert len(everything) == len(set(everything)) == len(catalog.spaces) > 1000
    mine = list(api.list_spaces(author="allknowingroger"))
    assert mine and all(s.id.startswith("allknowingroger/") for s in mine)
    found = list(api.list_spaces(search="Llama-3.2-3B", sort="likes", limit=5))
    assert 0 < len(found) <= 5 and all("llama-3.2-3b" in s.id.lower() for s in found)
    assert [s.likes for s in found] == sorted((s.likes for s in found), reverse=True)
    users = list(api.list_spaces(models=LLAMA, expand=["models", "runtime"]))
    assert users and all(LLAMA in s.models and s.runtime.stage for s in users)
    with pytest.raises(HfHubHTTPError) as caught:
        list(api.list_spaces(expand=["downloads"]))  # not a Space property: 400 as for models' expand
    assert caught.value.response.status_code == 400


@pytest.mark.parametrize("token", [False, GRANTED, OTHER])
def test_space_info_and_the_runtime_agree(hub, token):
    api = HfApi(endpoint=hub.hub_url, token=token)
    board = api.space_info(LEADERBOARD_SPACE)
    assert board.sdk == "docker" and board.runtime.stage == "SLEEPING" == api.get_space_runtime(LEADERBOARD_SPACE).stage
    assert board.datasets == ["open-llm-leaderboard/contents"] and board.subdomain and board.host.startswith("https://")
    demo = api.space_info(api.model_info(LLAMA).spaces[0])
    assert demo.models == [LLAMA] and demo.runtime.stage == api.get_space_runtime(demo.id).stage


def test_unknown_space_is_401_anonymously_404_with_a_token(hub):
    """As for models (docs/hub-api.md §7); over https both are RepositoryNotFoundError."""
    for token, status in ((False, 401), (OTHER, 404)):
        with pytest.raises(RepositoryNotFoundError) as caught:
            HfApi(endpoint=hub.hub_url, token=token).space_info("nobody/no-space")
        assert caught.value.response.status_code == status


def test_list_models_inference_and_apps_filters(hub, catalog):
    api = HfApi(endpoint=hub.hub_url, token=False)
    warm = list(api.list_models(inference="warm", expand=["inference"]))
    assert warm and len(warm) == sum(r.api.get("inference") == "warm" for r in catalog)
    local = list(api.list_models(apps="llama.cpp", expand=["gguf"]))
    assert len(local) == sum(r.storage == GGUF_ONLY for r in catalog) and all(m.gguf["context_length"] for m in local)
    mlx = list(api.list_models(apps=["mlx-lm"], expand=["tags"]))
    assert mlx and all("mlx" in m.tags for m in mlx)
    for bad in ({"apps": "not-an-app"}, {"inference": "frozen"}):
        with pytest.raises(HfHubHTTPError) as caught:
            list(api.list_models(**bad))
        assert caught.value.response.status_code == 400
    assert "vllm" in APPS and "ollama" in APPS


def test_transport_gzip_chunked_etag_request_id(hub):
    """The recorded API answer (tests/fixtures/hub-samples/headers_api_model_info_2026-06-08.txt): chunked,
    gzip for a client that accepts it (huggingface_hub's does), a weak ETag, an X-Request-Id; a matching
    If-None-Match gets 304."""
    url = f"{hub.hub_url}/api/models/{LLAMA}"
    with get_session().stream("GET", url) as response:
        raw = b"".join(response.iter_raw())
        headers = response.headers
    assert headers["content-encoding"] == "gzip" and headers["transfer-encoding"] == "chunked"
    assert "content-length" not in headers and gzip.decompress(raw).startswith(b'{"_id"')
    assert headers["etag"].startswith('W/"') and headers["x-request-id"].startswith("Root=1-")
    assert "Accept-Encoding" in headers["vary"]
    again = get_session().get(url, headers={"If-None-Match": headers["etag"]})
    assert again.status_code == 304 and again.headers["etag"] == headers["etag"]
    plain = get_session().get(url, headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers and plain.json()["id"] == LLAMA


def test_xet_hash_on_lfs_answers_and_downloads_still_work(hub, catalog, tmp_path):
    """`X-Xet-Hash` on LFS answers of a repo whose info says xetEnabled; no refresh route, so huggingface_hub
    (hf_xet installed) downloads through the redirect."""
    record = next(r for r in catalog.real_records if not r.api["gated"] and r.api.get("xetEnabled")
                  and any(s["rfilename"].endswith(".safetensors") for s in r.api["siblings"]))
    weights = next(s["rfilename"] for s in record.api["siblings"] if s["rfilename"].endswith(".safetensors"))
    head = get_session().head(hf_hub_url(record.repo_id, weights, endpoint=hub.hub_url), follow_redirects=False)
    assert head.status_code == 302 and len(head.headers["x-xet-hash"]) == 64
    small = get_session().head(hf_hub_url(record.repo_id, "config.json", endpoint=hub.hub_url))
    assert "x-xet-hash" not in small.headers, "files kept in git are not in Xet"
    # The download goes through the redirect: a small LFS file (a `.bin`-only repo's placeholder weights), since
    # the safetensors files are real-sized (gigabytes of zeros after their header).
    small_lfs = next(r for r in catalog.real_records if not r.api["gated"] and r.api.get("xetEnabled")
                     and any(s["rfilename"] == "pytorch_model.bin" for s in r.api["siblings"]))
    lfs_head = get_session().head(hf_hub_url(small_lfs.repo_id, "pytorch_model.bin", endpoint=hub.hub_url),
                                  follow_redirects=False)
    assert lfs_head.status_code == 302 and len(lfs_head.headers["x-xet-hash"]) == 64
    path = hf_hub_download(small_lfs.repo_id, "pytorch_model.bin", endpoint=hub.hub_url, token=False,
                           cache_dir=tmp_path)
    assert open(path, "rb").read()
