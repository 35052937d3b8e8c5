"""huggingface_hub's own client as the judge of the replica's fidelity."""

from __future__ import annotations

import pytest
from huggingface_hub import HfApi
from huggingface_hub.errors import RepositoryNotFoundError


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


def test_list_models_with_limit_and_search(replica):
    api = HfApi(endpoint=replica.hub_url, token=False)
    models = list(api.list_models(search="Qwen2.5", limit=7))
    assert len(models) == 7 and all("qwen2.5" in m.id.lower() for m in models)


def test_model_info(replica):
    api = HfApi(endpoint=replica.hub_url, token=False)
    info = api.model_info("meta-llama/Meta-Llama-3-8B-Instruct")
    assert info.id == "meta-llama/Meta-Llama-3-8B-Instruct"
    assert info.created_at is not None and info.card_data is not None
    assert info.safetensors is not None and info.safetensors.total > 7e9
    with pytest.raises(RepositoryNotFoundError):
        api.model_info("nobody/does-not-exist")
