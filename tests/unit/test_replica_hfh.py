"""huggingface_hub's own client as the judge of the replica's fidelity: its calls work and its errors
come out where the Hub's would (docs/hub-api.md §7–9, §11)."""

from __future__ import annotations

import pytest
from huggingface_hub import HfApi, hf_hub_download
from huggingface_hub.errors import EntryNotFoundError, GatedRepoError, RepositoryNotFoundError

from llmbench.replica.hub_api.fields import EXPAND_PROPERTIES
from llmbench.replica.repos.ids import LEGACY_CANONICAL, RENAMED
from llmbench.replica.repos.records import BIN_ONLY, GGUF_ONLY


@pytest.fixture(scope="module")
def hub(catalog, replica_certificate):
    """Over https with the session's certificate, as huggingface.co is served (the client's errors differ
    over plain http)."""
    from llmbench.replica.ratelimit import RateLimitConfig
    from llmbench.replica.server import ReplicaThread

    with ReplicaThread(catalog=catalog, limits=RateLimitConfig(enabled=False), granted_tokens=["hf_granted"],
                       certificate=replica_certificate) as hub:
        yield hub


def test_list_models_paginates_through_every_model(replica, catalog):
    api = HfApi(endpoint=replica.hub_url, token=False)
    models = list(api.list_models(pipeline_tag="text-generation", sort="downloads",
                                  expand=["safetensors", "gguf", "author", "cardData", "downloads", "likes"]))
    expected = {r.repo_id for r in catalog if r.api.get("pipeline_tag") == "text-generation"}
    ids = [m.id for m in models]
    assert len(ids) == len(set(ids)) == len(expected) and set(ids) == expected
    sized = [m for m in models if m.safetensors is not None]
    assert sized and all(m.safetensors.total > 0 for m in sized)
    assert any(m.gguf for m in models)
    assert all(m.author == m.id.split("/")[0] for m in models)


@pytest.mark.parametrize("prop", EXPAND_PROPERTIES)
def test_list_models_with_each_accepted_expand(replica, prop):
    api = HfApi(endpoint=replica.hub_url, token=False)
    models = list(api.list_models(search="llama", limit=30, expand=[prop]))
    assert len(models) == 30 and all(m.id for m in models)


def test_list_models_with_limit_and_search(replica):
    api = HfApi(endpoint=replica.hub_url, token=False)
    models = list(api.list_models(search="Qwen2.5", limit=7))
    assert len(models) == 7 and all("qwen2.5" in m.id.lower() for m in models)


def test_model_info(replica, catalog):
    api = HfApi(endpoint=replica.hub_url, token=False)
    info = api.model_info("meta-llama/Meta-Llama-3-8B-Instruct")
    assert info.id == "meta-llama/Meta-Llama-3-8B-Instruct"
    assert info.created_at is not None and info.card_data is not None
    assert info.safetensors is not None and info.safetensors.total > 7e9
    gguf = api.model_info(next(r.repo_id for r in catalog if r.storage == GGUF_ONLY))
    assert gguf.gguf["total"] > 0 and gguf.library_name is None and gguf.config == {}


@pytest.mark.parametrize("asked,canonical", [*LEGACY_CANONICAL.items(), *RENAMED.items(),
                                             ("OpenAI-Community/GPT2", "openai-community/gpt2")])
def test_model_info_follows_the_redirect_of_legacy_ids(replica, asked, canonical):
    info = HfApi(endpoint=replica.hub_url, token=False).model_info(asked, expand=["author", "baseModels"])
    assert info.id == canonical


def test_unknown_repo_errors(hub):
    with pytest.raises(RepositoryNotFoundError):  # 404 RepoNotFound with a token
        HfApi(endpoint=hub.hub_url, token="hf_user").model_info("nobody/does-not-exist")
    # Anonymously the Hub answers 401 without an error code; over https (as this replica serves)
    # huggingface_hub maps that to RepositoryNotFoundError too (REPO_API_REGEX).
    with pytest.raises(RepositoryNotFoundError) as caught:
        HfApi(endpoint=hub.hub_url, token=False).model_info("nobody/does-not-exist")
    assert caught.value.response.status_code == 401


def test_hf_hub_download(hub, catalog, tmp_path):
    record = next(r for r in catalog.real_records if not r.api["gated"] and r.config_file and r.storage == BIN_ONLY)
    path = hf_hub_download(record.repo_id, "config.json", endpoint=hub.hub_url, token=False, cache_dir=tmp_path)
    assert open(path).read().startswith("{")
    weights = "pytorch_model.bin"  # a small placeholder (safetensors files have their real, GB sizes)
    hub.log.clear()
    path = hf_hub_download(record.repo_id, weights, endpoint=hub.hub_url, token="hf_user", cache_dir=tmp_path)
    assert open(path, "rb").read().startswith(b"placeholder")
    cdn = [r for r in hub.log.records if r.origin == "cdn"]
    assert cdn and all(r.authorization is None for r in cdn), "the token never leaves the Hub origin"
    path = hf_hub_download("gpt2", "config.json", endpoint=hub.hub_url, token=False, cache_dir=tmp_path)
    assert "openai-community--gpt2" not in path and open(path).read().startswith("{")


def test_hf_hub_download_errors(hub, catalog, tmp_path):
    gated = next(r for r in catalog.real_records if r.api["gated"] and r.config_file)
    for token in (False, "hf_user"):  # 401 anonymously, 403 for a token not granted
        with pytest.raises(GatedRepoError):
            hf_hub_download(gated.repo_id, "config.json", endpoint=hub.hub_url, token=token, cache_dir=tmp_path)
    path = hf_hub_download(gated.repo_id, "config.json", endpoint=hub.hub_url, token="hf_granted", cache_dir=tmp_path)
    assert open(path).read().startswith("{")
    with pytest.raises(EntryNotFoundError):
        hf_hub_download(gated.repo_id, "nope.json", endpoint=hub.hub_url, token="hf_granted", cache_dir=tmp_path)
    with pytest.raises(RepositoryNotFoundError):
        hf_hub_download("nobody/nothing", "config.json", endpoint=hub.hub_url, token="hf_user", cache_dir=tmp_path)


def test_commits_of_a_gated_repo_are_gated_like_its_files(hub, catalog):
    gated = next(r for r in catalog.real_records if r.api["gated"])
    for token in (False, "hf_user"):
        with pytest.raises(GatedRepoError):
            HfApi(endpoint=hub.hub_url, token=token).list_repo_commits(gated.repo_id)
    history = HfApi(endpoint=hub.hub_url, token="hf_granted").list_repo_commits(gated.repo_id)
    assert [c.commit_id for c in history] == [gated.api["sha"]]


def test_contents_parquet_through_the_cdn(hub, tmp_path):
    path = hf_hub_download("open-llm-leaderboard/contents", "data/train-00000-of-00001.parquet", repo_type="dataset",
                           endpoint=hub.hub_url, token=False, cache_dir=tmp_path)
    import pyarrow.parquet as pq

    assert pq.read_table(path).num_rows == 4576


@pytest.fixture
def https_hub(catalog):
    """The replica over TLS, with huggingface_hub's HTTP client trusting its certificate."""
    import ssl

    import httpx2
    from huggingface_hub import set_client_factory
    from huggingface_hub.utils._http import default_client_factory, hf_request_event_hook

    from llmbench.replica.ratelimit import RateLimitConfig
    from llmbench.replica.server import ReplicaThread

    with ReplicaThread(catalog=catalog, limits=RateLimitConfig(enabled=False), tls=True) as hub:
        set_client_factory(lambda: httpx2.Client(event_hooks={"request": [hf_request_event_hook]},
                                                 follow_redirects=True, timeout=None,
                                                 verify=ssl.create_default_context(cafile=hub.ca_file)))
        try:
            yield hub
        finally:
            set_client_factory(default_client_factory)


def test_over_https_an_anonymous_401_is_repository_not_found(https_hub, tmp_path):
    assert https_hub.hub_url.startswith("https://")
    api = HfApi(endpoint=https_hub.hub_url, token=False)
    with pytest.raises(RepositoryNotFoundError) as caught:
        api.model_info("nobody/does-not-exist")
    assert caught.value.response.status_code == 401  # as on huggingface.co: not found, or not yours
    with pytest.raises(RepositoryNotFoundError):
        hf_hub_download("nobody/nothing", "config.json", endpoint=https_hub.hub_url, token=False, cache_dir=tmp_path)
    assert api.model_info("gpt2").id == "openai-community/gpt2"
