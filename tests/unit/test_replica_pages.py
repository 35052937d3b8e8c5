"""Model pages, raw/resolve files, the Space page and the `contents` dataset file."""

from __future__ import annotations

import io
import json

import pyarrow.parquet as pq
from parsel import Selector

from llmbench.replica.repos.records import BIN_ONLY, GGUF_ONLY, SAFETENSORS
from tests.replica_client import get


def first(catalog, storage):
    return next(r for r in catalog if r.storage == storage and r.params and not r.api["gated"]
                and not r.unlisted_safetensors)


def model_header(html: str) -> dict:
    return json.loads(Selector(text=html).css('div[data-target="ModelHeader"]::attr(data-props)').get())


def test_safetensors_page_has_header_json_and_size_text(replica, catalog):
    record = first(catalog, SAFETENSORS)
    status, _, body = get(f"{replica.hub_url}/{record.repo_id}")
    html = body.decode()
    props = model_header(html)
    assert status == 200 and set(props) >= {"activeTab", "model", "discussionsStats", "orgs", "query"}
    assert props["model"]["safetensors"]["total"] == record.params
    assert "sharded" in props["model"]["safetensors"]
    text = " ".join(Selector(text=html).css("section ::text").getall())
    assert "Model size" in text and "params" in text


def test_gguf_page_and_bin_only_page(replica, catalog):
    gguf = first(catalog, GGUF_ONLY)
    props = model_header(get(f"{replica.hub_url}/{gguf.repo_id}")[2].decode())
    assert props["model"]["gguf"]["total"] == gguf.params and "safetensors" not in props["model"]
    assert props["model"]["ggufFilePaths"]
    binary = first(catalog, BIN_ONLY)
    html = get(f"{replica.hub_url}/{binary.repo_id}")[2].decode()
    assert "Model size" not in html and "safetensors" not in model_header(html)["model"]
    status, _, config = get(f"{replica.hub_url}/{binary.repo_id}/resolve/main/config.json")
    assert status == 200 and json.loads(config)["hidden_size"] > 0
    status, _, readme = get(f"{replica.hub_url}/{binary.repo_id}/raw/main/README.md")
    assert status == 200 and readme.startswith(b"---")


def test_unknown_repo_page_is_404_and_missing_file_is_entry_not_found(replica, catalog):
    status, headers, body = get(f"{replica.hub_url}/nobody/nothing-here")
    assert status == 404 and b"404" in body
    record = next(r for r in catalog if r.storage == GGUF_ONLY and not r.api["gated"])
    status, headers, _ = get(f"{replica.hub_url}/{record.repo_id}/resolve/main/config.json")
    assert status == 404 and headers["X-Error-Code"] == "EntryNotFound"


def test_space_page_embeds_the_app_on_another_origin(replica):
    html = get(replica.leaderboard_url)[2].decode()
    src = Selector(text=html).css("iframe::attr(src)").get()
    assert src.startswith(replica.app_url) and not src.startswith(replica.hub_url)


def test_contents_dataset_parquet(replica):
    _, _, info = get(f"{replica.hub_url}/api/datasets/open-llm-leaderboard/contents")
    path = next(s["rfilename"] for s in json.loads(info)["siblings"] if s["rfilename"].endswith(".parquet"))
    status, headers, _ = get(f"{replica.hub_url}/datasets/open-llm-leaderboard/contents/resolve/main/{path}")
    assert status == 302 and not headers["Location"].startswith(replica.hub_url)  # LFS: served by the CDN
    assert headers["Location"].startswith(replica.cdn_url) and int(headers["X-Linked-Size"]) > 100_000
    status, _, blob = get(headers["Location"])
    table = pq.read_table(io.BytesIO(blob))
    assert status == 200 and table.num_rows == 4576 and len(blob) == int(headers["X-Linked-Size"])
    assert table.column_names[:3] == ["eval_name", "Precision", "Type"]
