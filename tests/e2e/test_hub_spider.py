"""`scrapy crawl hub` end to end against the replica (real CLI, real HTTP, real parquet)."""

from __future__ import annotations

import itertools
import re
from collections import Counter

from llmbench.parsing.model_index import parse_model_index
from llmbench.replica.faults import FaultConfig
from llmbench.replica.ratelimit import RateLimitConfig
from tests.helpers import list_requests, run_stats, text_generation


def test_top_100_by_downloads(replica, catalog, run_crawl):
    replica.log.clear()
    result = run_crawl(replica, "hub")
    assert result.returncode == 0, result.output[-3000:]
    table = result.table("hub_models")
    expected = sorted(text_generation(catalog), key=lambda r: (-r.api["downloads"], r.api["_id"]))[:100]
    assert table.column("model_id").to_pylist() == [r.repo_id for r in expected]
    assert len(list_requests(replica)) == 1, "one list request for 100 models"
    assert "expand=safetensors" in list_requests(replica)[0] and "expand=gguf" in list_requests(replica)[0]
    row = table.to_pylist()[0]
    assert row["endpoint"] == replica.hub_url and row["crawled_at"] is not None
    assert "RefererMiddleware instance" not in result.output  # Scrapy's warning when a spider leaves it out


def test_all_models_across_pages(replica, catalog, run_crawl):
    replica.log.clear()
    result = run_crawl(replica, "hub", {"limit": "all"})
    assert result.returncode == 0, result.output[-3000:]
    ids = result.table("hub_models").column("model_id").to_pylist()
    expected = {r.repo_id for r in text_generation(catalog)}
    assert len(ids) == len(set(ids)) == len(expected) and set(ids) == expected
    pages = len(list_requests(replica))
    assert pages == -(-len(expected) // 500)
    sizes = result.table("hub_models").to_pydict()
    quantized = [i for i, q in enumerate(sizes["quantized"]) if q]
    assert quantized and all(sizes["params"][i] is None for i in quantized)
    assert sum(1 for s in sizes["params_source"] if s == "gguf") > 0
    stats = run_stats(result.data_dir, "hub")  # counted without per-row signal receivers or stats calls
    written = sum(v for k, v in stats.items() if k.startswith("parquet/") and k.endswith("/items"))
    assert written > len(ids)  # model rows and their eval results
    assert stats["item_scraped_count"] == pages == stats["hub/pages"]  # one item per list page
    assert stats["quality/hub_models/missing/params"] == sizes["params"].count(None)
    # card results ride on the same list requests: model-index asked on each, no request per model
    assert all("expand=model-index" in path for path in list_requests(replica))
    assert all(r.path_qs.startswith("/api/models?") for r in replica.log.records if r.origin == "hub")
    expected, invalid = [], 0
    for model_id in ids:
        parsed = parse_model_index(model_id, catalog.get(model_id).api.get("model-index"), crawled_at=None)
        expected += [(i.model_id, i.result_index, i.metric_index, i.value, i.source_kind) for i in parsed.items]
        invalid += len(parsed.invalid)
    cards = result.table("card_results").to_pylist()
    assert sorted((r["model_id"], r["result_index"], r["metric_index"], r["value"], r["source_kind"])
                  for r in cards) == sorted(expected)
    kinds = Counter(r["source_kind"] for r in cards)
    assert kinds["board_v1_copy"] > 100 and kinds["board_v2_copy"] > 1000 and kinds["claim"] > 50
    assert invalid == 2 and stats["hub/card_results/invalid"] == invalid  # counted, logged once, not fatal
    malformed = catalog.card_results.malformed
    assert f"unusable card result in {malformed} model-index[0].results[2].metrics ({replica.hub_url}/{malformed})" \
        in result.output


def test_search_and_author_filters(replica, catalog, run_crawl):
    result = run_crawl(replica, "hub", {"limit": "all", "author": "Qwen", "search": "2.5"})
    assert result.returncode == 0, result.output[-3000:]
    ids = set(result.table("hub_models").column("model_id").to_pylist())
    expected = {r.repo_id for r in text_generation(catalog) if r.repo_id.startswith("Qwen/") and "2.5" in r.repo_id}
    assert ids == expected and ids


def test_429_storm_loses_nothing(make_replica, catalog, run_crawl):
    ticks = itertools.count()
    # The limiter's clock moves half a second per request it sees, not with the wall clock: four requests
    # share a 2 s window, so every fourth list page in a row meets a spent quota however slow the machine.
    limits = RateLimitConfig(window=2.0, anonymous={"api": 3, "resolvers": 100, "pages": 100})
    replica = make_replica(limits=limits, clock=lambda: next(ticks) * 0.5)
    result = run_crawl(replica, "hub", {"limit": "all", "page_size": "400"})
    assert result.returncode == 0, result.output[-3000:]
    ids = result.table("hub_models").column("model_id").to_pylist()
    assert len(ids) == len(set(ids)) == len(text_generation(catalog))
    served = replica.log.counts[("hub", 429)]
    assert served > 0 and run_stats(result.data_dir, "hub")["ratelimit/429"] == served, "every 429 seen, waited out"
    assert "retry/count" not in result.output, "429s must not go through RetryMiddleware"


def test_malformed_page_fails_loudly_and_keeps_items(make_replica, run_crawl):
    replica = make_replica(faults=FaultConfig(malformed_rate=1.0, path="^/api/models$", after=2))
    result = run_crawl(replica, "hub", {"limit": "all", "page_size": "300"})
    assert result.returncode == 1
    assert re.search(r"malformed JSON from https?://127\.0\.0\.1:\d+/api/models\?", result.output)
    assert "failed" in result.output
    assert result.table("hub_models").num_rows == 600  # the two good pages


def test_changed_shape_fails_loudly_and_keeps_items(make_replica, run_crawl):
    # from the third list page on, the models come wrapped in an object instead of a JSON list
    replica = make_replica(faults=FaultConfig(reshape_rate=1.0, path="^/api/models$", after=2))
    result = run_crawl(replica, "hub", {"limit": "all", "page_size": "300"})
    assert result.returncode == 1
    assert re.search(r"expected a JSON list from https?://127\.0\.0\.1:\d+/api/models\?.*, got dict", result.output)
    assert run_stats(result.data_dir, "hub")["hub/unexpected_shape"] == 1
    assert result.table("hub_models").num_rows == 600  # the two good pages


def test_list_page_errors_fail_loudly(make_replica, run_crawl):
    replica = make_replica(faults=FaultConfig(error_rate=1.0, error_status=503, path="^/api/models$"))
    result = run_crawl(replica, "hub", settings={"RETRY_TIMES": "1"})
    assert result.returncode == 1 and "list page failed" in result.output


def test_token_goes_to_the_hub_only_and_never_into_output(replica, run_crawl):
    token = "hf_llmbenchSECRETtoken0123456789"
    replica.log.clear()
    result = run_crawl(replica, "hub", {"limit": "50"}, token=token)
    assert result.returncode == 0, result.output[-3000:]
    hub_requests = [r for r in replica.log.records if r.origin == "hub"]
    assert hub_requests and all(r.authorization == f"Bearer {token}" for r in hub_requests)
    assert all(r.user_agent.startswith("llmbench/") for r in hub_requests)
    assert token not in result.output
    for path in result.data_dir.rglob("*"):
        if path.is_file():
            assert token.encode() not in path.read_bytes(), path



def test_custom_licenses_and_parents_of_quantized_repos(replica, catalog, run_crawl):
    # The Hub derives `baseModels` and the `base_model:` tags from the card, so they agree (a GGUF repo whose
    # parent was only in the tags was a replica artefact); the parent-from-tags path is covered by the unit
    # tests on the recorded GGUF answer (test_hub_conformance.py).
    result = run_crawl(replica, "hub", {"limit": "all", "pipeline_tag": "", "author": "QuantFactory"})
    assert result.returncode == 0, result.output[-3000:]
    rows = {r["model_id"]: r for r in result.table("hub_models").to_pylist()}
    quantized = [r.repo_id for r in catalog if r.repo_id in rows
                 and any(t.startswith("base_model:quantized:") for t in r.api.get("tags", []))]
    assert quantized, "the replica has quantized GGUF repos"
    for model_id in quantized:
        tag = next(t for t in catalog.get(model_id).api["tags"] if t.startswith("base_model:quantized:"))
        assert rows[model_id]["base_models"] == [tag.split(":", 2)[2]]
        assert rows[model_id]["base_model_relation"] == "quantized"
    everything = run_crawl(replica, "hub", {"limit": "all"}, data_dir=result.data_dir.parent / "all")
    custom = [r for r in everything.table("hub_models").to_pylist() if r["license"] == "other"]
    assert custom and any(r["license_name"] for r in custom)
    for row in custom:
        card = catalog.get(row["model_id"]).api.get("cardData") or {}
        assert (row["license_name"], row["license_link"]) == (card.get("license_name"), card.get("license_link"))
