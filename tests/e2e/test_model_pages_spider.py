"""`scrapy crawl model_pages` end to end against the replica."""

from __future__ import annotations

import itertools
import json

import pytest

from llmbench.replica.ratelimit import RateLimitConfig
from llmbench.replica.repos.records import BIN_ONLY, GGUF_ONLY, QUANT_PACKED, SAFETENSORS
from llmbench.replica.repos.weights import repo_weight_files
from tests.helpers import run_stats, stat


@pytest.fixture(scope="module")
def hub_data(replica, tmp_path_factory):
    """One `hub -a limit=all` crawl whose output the model_pages tests start from."""
    import subprocess

    from tests.conftest import ROOT, crawl_command, crawl_env

    data = tmp_path_factory.mktemp("hub") / "data"
    proc = subprocess.run(crawl_command("hub", {"limit": "all"}), cwd=ROOT, env=crawl_env(replica, data),
                          capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return data


def copy_data(source, tmp_path):
    import shutil

    target = tmp_path / "data"
    shutil.copytree(source, target)
    return target


def test_every_unsized_model_gets_a_size_or_a_reason(replica, catalog, hub_data, run_crawl, tmp_path):
    data = copy_data(hub_data, tmp_path)
    from llmbench.storage import read_snapshot

    unsized = {r["model_id"] for r in read_snapshot(data, "hub_models").to_pylist() if r["params"] is None}
    replica.log.clear()
    result = run_crawl(replica, "model_pages", data_dir=data)
    assert result.returncode == 0, result.output[-3000:]
    rows = {r["model_id"]: r for r in result.table("model_sizes").to_pylist()}
    assert set(rows) == unsized and len(unsized) > 300
    for row in rows.values():
        assert (row["params"] is None) != (row["reason"] is None)
        assert row["candidates"] and (row["params"] is None or row["params_source"])
    sized = [r for r in rows.values() if r["params"]]
    assert len(sized) / len(rows) > 0.95
    for row in sized:
        truth = catalog.get(row["model_id"]).params
        if row["exact"]:
            assert row["params"] == truth, row
    # quantized repos: the parent's exact count, not the under-reported total
    quantized = [r for r in rows.values() if catalog.get(r["model_id"]).storage == QUANT_PACKED]
    assert quantized and all(r["params_source"] in ("base_model", "config", "name", None) for r in quantized)
    assert sum(r["params_source"] == "base_model" for r in quantized) > len(quantized) / 2
    assert all(r["hub_params_reported"] < r["params"] for r in quantized if r["params"])
    # repos with safetensors files but no `safetensors` block in their API answer: exact, from the headers
    from_headers = [r for r in rows.values() if r["params_source"] == "safetensors_header"]
    assert from_headers and all(catalog.get(r["model_id"]).unlisted_safetensors for r in from_headers)
    # politeness: the Pages bucket is never spent when the API already answered the question
    pages = [r for r in replica.log.records if r.origin == "hub" and "/resolve/" not in r.path_qs
             and "/raw/" not in r.path_qs and r.path_qs != "/robots.txt"]
    assert pages == []


def test_each_source_path_and_precedence(replica, catalog, run_crawl):
    public = [r for r in catalog.real_records if not r.api["gated"]]  # gated repos' files answer 401
    safetensors = next(r for r in public if r.storage == SAFETENSORS and r.params and "safetensors" in r.api)
    gguf = next(r for r in public if r.storage == GGUF_ONLY)
    with_config = next(r for r in public if r.storage == BIN_ONLY and r.config_file and "hidden_size" in r.config_file)
    readme_only = next(r for r in public if r.storage == BIN_ONLY and r.config_file is None
                       and "parameters" in r.readme)
    quantized = next(r for r in public if r.storage == QUANT_PACKED)
    models = [safetensors.repo_id, gguf.repo_id, with_config.repo_id, readme_only.repo_id, quantized.repo_id,
              "nobody/Mystery-7B-v2"]
    result = run_crawl(replica, "model_pages", {"models": ",".join(models)})
    assert result.returncode == 0, result.output[-3000:]
    rows = {r["model_id"]: r for r in result.table("model_sizes").to_pylist()}
    assert rows[safetensors.repo_id]["params_source"] == "model_page_json"
    assert rows[safetensors.repo_id]["params"] == safetensors.params and rows[safetensors.repo_id]["exact"]
    assert rows[gguf.repo_id]["params"] == gguf.params and rows[gguf.repo_id]["params_source"] == "model_page_json"
    assert rows[with_config.repo_id]["params_source"] == "config" and not rows[with_config.repo_id]["exact"]
    assert rows[with_config.repo_id]["candidates"][:2] == [
        "model_page_json: none (no safetensors or gguf metadata on the page)",
        "model_page_text: none (no 'Model size … params' text)"]
    assert rows[readme_only.repo_id]["params_source"] == "readme"
    assert "config: file not found (HTTP 404 EntryNotFound)" in rows[readme_only.repo_id]["candidates"]
    q = rows[quantized.repo_id]
    assert q["candidates"][0].startswith("model_page_json: none (quantized repo")
    assert q["params_source"] == "config"  # no hub row here, so no base-model shortcut
    missing = rows["nobody/Mystery-7B-v2"]
    assert missing["candidates"][0].startswith("model_page: not found (HTTP 40")
    assert missing["params"] is None and "not found" in missing["reason"], "a repo that does not exist is not sized"
    assert missing["candidates"][-1] == "name: not used (the repo does not exist)"
    assert stat(result.output, "model_pages/repo_not_found") == 1


def test_429_storm_on_the_pages_bucket(make_replica, catalog, run_crawl):
    ticks = itertools.count()  # the limiter's clock: half a second per request, so 2 pages per 4 requests
    limits = RateLimitConfig(window=2.0, anonymous={"api": 100, "resolvers": 100, "pages": 2})
    replica = make_replica(limits=limits, clock=lambda: next(ticks) * 0.5)
    models = [r.repo_id for r in catalog.real_records if r.storage == SAFETENSORS and "safetensors" in r.api][:10]
    result = run_crawl(replica, "model_pages", {"models": ",".join(models)})
    assert result.returncode == 0, result.output[-3000:]
    rows = result.table("model_sizes").to_pylist()
    assert sorted(r["model_id"] for r in rows) == sorted(models)
    assert all(r["params_source"] == "model_page_json" for r in rows)
    served = replica.log.counts[("hub", 429)]
    assert served > 0 and run_stats(result.data_dir, "model_pages")["ratelimit/429"] == served


def test_no_hub_dataset_fails_loudly(replica, run_crawl):
    result = run_crawl(replica, "model_pages")
    assert result.returncode == 1 and "no `hub_models` snapshot" in result.output



def test_answers_in_words_gated_legacy_wrong_case_and_missing(replica, catalog, run_crawl):
    gated = next(r for r in catalog.real_records if r.api.get("gated") and r.storage == BIN_ONLY and r.config_file)
    models = [gated.repo_id, "gpt2", "QWEN/qwen2.5-72b-INSTRUCT", "nobody/Mystery-7B-v2", "mystery-13b"]
    replica.log.clear()
    result = run_crawl(replica, "model_pages", {"models": ",".join(models)})
    assert result.returncode == 0, result.output[-3000:]
    rows = {r["model_id"]: r for r in result.table("model_sizes").to_pylist()}
    assert set(rows) == set(models), "ids kept as the user spelled them"
    gated_row = rows[gated.repo_id]
    # the first file asked (the safetensors header) answers gated: its other files are gated alike
    assert "safetensors: model.safetensors: gated (HTTP 401 GatedRepo)" in gated_row["candidates"]
    assert not [c for c in gated_row["candidates"] if c.startswith(("config:", "readme:"))]
    advice = [line for line in result.output.splitlines() if "is gated" in line]
    assert len(advice) == 1 and "HF_TOKEN" in advice[0] and "accepted the license" in advice[0]
    legacy = rows["gpt2"]
    assert legacy["canonical_id"] == "openai-community/gpt2"
    assert legacy["params"] == catalog.get("openai-community/gpt2").params and legacy["exact"]
    assert rows["QWEN/qwen2.5-72b-INSTRUCT"]["canonical_id"] == "Qwen/Qwen2.5-72B-Instruct"
    missing = rows["nobody/Mystery-7B-v2"]
    assert missing["params"] is None and missing["candidates"][0] == "model_page: not found (HTTP 404 RepoNotFound)"
    anonymous_401 = rows["mystery-13b"]
    assert anonymous_401["params"] is None and anonymous_401["candidates"][0] == "lookup: not found (HTTP 401)"
    assert stat(result.output, "model_pages/answers/gated") == 1
    assert stat(result.output, "model_pages/answers/not_found") == 2
    lookups = sorted(r.path_qs for r in replica.log.records if r.path_qs.startswith("/api/models/"))
    assert lookups == ["/api/models/gpt2?expand=author", "/api/models/mystery-13b?expand=author",
                       "/api/models/openai-community/gpt2?expand=author"], \
        "one API lookup per id without a namespace (and the redirect of gpt2)"
    cache = json.loads((result.data_dir / "_canonical" / "models.json").read_text())
    assert cache == {"gpt2": "openai-community/gpt2"}


def test_gated_with_a_token_not_granted(replica, catalog, run_crawl):
    gated = next(r for r in catalog.real_records if r.api.get("gated") and r.storage == BIN_ONLY and r.config_file)
    result = run_crawl(replica, "model_pages", {"models": gated.repo_id}, token="hf_notGrantedAnything0123")
    assert result.returncode == 0, result.output[-3000:]
    row = result.table("model_sizes").to_pylist()[0]
    assert "safetensors: model.safetensors: gated (HTTP 403 GatedRepo)" in row["candidates"]
    assert "has not been granted access" in result.output


def test_joins_hub_rows_sizes_from_the_hub_total_and_from_safetensors_headers(replica, catalog, hub_data, run_crawl,
                                                                              tmp_path):
    """`-a models=` ids in other letter case still find their hub_models row (no page request needed); a
    usable Hub total is kept, also through a legacy id (gpt2); a repo whose API answer has no `safetensors`
    block is sized exactly from its headers, read with Range requests (docs/model-sizes.md §1, §4)."""
    data = copy_data(hub_data, tmp_path)
    from llmbench.storage import read_snapshot

    hub = {r["model_id"]: r for r in read_snapshot(data, "hub_models").to_pylist()}
    quantized = next(m for m, r in sorted(hub.items()) if catalog.get(m).storage == QUANT_PACKED
                     and r["base_model_relation"] == "quantized" and hub.get(r["base_models"][0], {}).get("params"))
    unlisted = [r for r in catalog.real_records if r.unlisted_safetensors and not r.api["gated"]]
    single = next(r for r in unlisted if "model.safetensors" in {s["rfilename"] for s in r.api["siblings"]})
    sharded = next(r for r in unlisted if "model.safetensors.index.json" in {s["rfilename"] for s in r.api["siblings"]})
    assert hub[single.repo_id]["params"] is None and "safetensors" in hub[single.repo_id]["tags"]
    replica.log.clear()
    models = [quantized.upper(), "gpt2", single.repo_id, sharded.repo_id]
    result = run_crawl(replica, "model_pages", {"models": ",".join(models)}, data_dir=data)
    assert result.returncode == 0, result.output[-3000:]
    rows = {r["model_id"]: r for r in result.table("model_sizes").to_pylist()}
    row = rows[quantized.upper()]
    assert row["candidates"][0].startswith("model_page: skipped"), "joined case-insensitively"
    assert row["params_source"] == "base_model"
    gpt2 = rows["gpt2"]  # the issue-22 case: the Hub's own total, never "no usable total"
    assert (gpt2["params"], gpt2["params_source"], gpt2["exact"]) == (137_022_720, "hub_api", True)
    assert gpt2["canonical_id"] == "openai-community/gpt2" and gpt2["hub_params_reported"] == 137_022_720
    assert gpt2["candidates"] == ["hub_api: 137022720 (exact; safetensors.total of openai-community/gpt2 in "
                                  "hub_models)"]
    for record in (single, sharded):
        row = rows[record.repo_id]
        assert (row["params"], row["params_source"], row["exact"]) == (record.params, "safetensors_header", True)
        assert row["candidates"][0].startswith("model_page: skipped")
    lookups = [r.path_qs for r in replica.log.records if r.path_qs.startswith("/api/")]
    assert lookups == ["/api/models/gpt2?expand=author", "/api/models/openai-community/gpt2?expand=author"], \
        "no lookup for a joined id; one for the legacy id"
    assert not [r for r in replica.log.records if "/resolve/" not in r.path_qs and r.origin == "hub"
                and not r.path_qs.startswith(("/api/", "/robots.txt"))], "no page request"
    shards = len(repo_weight_files(sharded.api, sharded.unlisted_safetensors).files)
    header_reads = [r for r in replica.log.records if r.origin == "cdn" and r.path_qs != "/robots.txt"]
    assert len(header_reads) == 1 + shards and all(r.status == 206 and r.authorization is None
                                                   for r in header_reads), "one ranged read per file"
