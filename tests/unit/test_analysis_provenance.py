"""Issue #24: where the data came from (endpoints from the rows, the replica's banner and its marker of
synthetic fields), how numbers are stated (p-values, labelled ranges, group claims), and where fit
lines may be drawn."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from scrapy import Spider, signals
from scrapy.http import Request, Response
from scrapy.utils.test import get_crawler

from analysis.data import provenance
from analysis.report.fit_range import fit_grid, within_scores
from analysis.report.html import Links
from analysis.report.methods import banner, ci_text, iqr_text, methods_section, p_text
from analysis.report.sections import evals_section, findings, stats_rows
from analysis.statistics.community_evals import mark_board_copies
from analysis.statistics.estimates import prediction_band
from llmbench.extensions.replica_marker import ReplicaMarker, parse_marker
from llmbench.replica.provenance import HEADER
from tests.replica_client import request

DAY = "2026-01-02"


def write(data: Path, dataset: str, rows: dict[str, list], day: str = DAY) -> None:
    folder = data / dataset / f"crawl_date={day}"
    folder.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.table(rows), folder / "part-00000.parquet")


def run_record(data: Path, spider: str, stats: dict, hub_endpoint: str, day: str = DAY) -> None:
    (data / "_runs").mkdir(parents=True, exist_ok=True)
    record = {"spider": spider, "status": "finished", "crawl_date": day, "hub_endpoint": hub_endpoint,
              "stats": stats}
    (data / "_runs" / f"{spider}-x.json").write_text(json.dumps(record))


def test_endpoints_come_from_the_rows_not_the_settings(tmp_path, monkeypatch):
    monkeypatch.setenv("HF_ENDPOINT", "https://huggingface.co")  # the default the old report claimed
    write(tmp_path, "hub_models", {"model_id": ["a/b", "c/d"], "endpoint": ["https://127.0.0.1:4431"] * 2})
    write(tmp_path, "leaderboard", {"model_id": ["a/b"], "url": [
        "https://127.0.0.1:4433/repos/ab/cdef?download=1"]})
    write(tmp_path, "model_sizes", {"model_id": ["a/b"], "params": [7]})
    run_record(tmp_path, "model_pages", {"parquet/model_sizes/items": 1}, "https://user:pw@127.0.0.1:4431")
    run_record(tmp_path, "leaderboard", {"parquet/leaderboard/items": 1, "leaderboard/path": "dataset",
                                         "leaderboard/contents_sha": "c4f1", "leaderboard/contents_last_modified":
                                         "2025-03-21T00:00:00.000Z"}, "https://127.0.0.1:4431")
    found = provenance.collect(tmp_path, None, ["python", "-m", "analysis"])
    datasets = found["datasets"]
    assert datasets["hub_models"]["endpoints"] == ["https://127.0.0.1:4431"]
    assert datasets["hub_models"]["endpoints_from"] == "rows"
    assert datasets["leaderboard"]["endpoints"] == ["https://127.0.0.1:4433"]  # the origin, not the file's URL
    assert datasets["leaderboard"]["contents_sha"] == "c4f1"
    assert datasets["leaderboard"]["contents_last_modified"].startswith("2025-03-21")
    assert datasets["model_sizes"] == datasets["model_sizes"] | {
        "endpoints": ["https://127.0.0.1:4431"], "endpoints_from": "run records", "snapshot": DAY}  # no password
    assert all(d["loopback"] and not d["replica"] for d in datasets.values())
    assert found["command"] == ["python", "-m", "analysis"] and found["llmbench_version"]
    assert provenance.link_base(found) == "https://127.0.0.1:4431"
    text = banner(found)
    assert "localhost/loopback" in text and "https://127.0.0.1:4431" in text and "Synthetic" not in text


def test_the_real_hub_has_no_banner(tmp_path):
    write(tmp_path, "hub_models", {"model_id": ["a/b"], "endpoint": ["https://huggingface.co"]})
    found = provenance.collect(tmp_path, None, [])
    assert not found["replica"]["used"] and not found["replica"]["loopback"]
    assert banner(found) == ""
    assert provenance.is_loopback("http://localhost:8000") and provenance.is_loopback("https://127.3.4.5")
    assert provenance.is_loopback("http://[::1]:80") and not provenance.is_loopback("https://huggingface.co")


def test_replica_answers_carry_the_synthetic_marker(replica):
    _, headers, _ = request(f"{replica.hub_url}/api/models?limit=1")
    marked = parse_marker(headers[HEADER])
    assert marked["answer"] == {"models"} and {"downloads", "trendingScore"} <= marked["synthetic"]
    assert marked["board-scores"] == {"Idavidrein/gpqa", "TIGER-Lab/MMLU-Pro"}
    _, headers, body = request(f"{replica.hub_url}/api/datasets/open-llm-leaderboard/contents")
    assert parse_marker(headers[HEADER])["synthetic"] == {"sha", "lastModified"}
    assert json.loads(body)["lastModified"].startswith("2025-03-21")
    _, headers, _ = request(f"{replica.hub_url}/api/models/no-such/model-x")  # errors are marked too
    assert HEADER in headers


def test_the_crawl_records_the_marker_and_the_report_says_so(replica, tmp_path):
    crawler = get_crawler(Spider, {"EXTENSIONS": {ReplicaMarker: 0}})
    crawler.stats.open_spider()
    ReplicaMarker.from_crawler(crawler)
    for path in ("/api/models?limit=1", "/api/models?limit=2", "/api/datasets/open-llm-leaderboard/contents"):
        status, headers, body = request(replica.hub_url + path)
        answer = Response(replica.hub_url + path, status=status, body=body,
                          headers={k: v for k, v in headers.items()})
        crawler.signals.send_catch_log(signals.response_received, response=answer,
                                       request=Request(answer.url), spider=None)
    plain = Response("https://huggingface.co/api/models", body=b"[]")  # the real Hub: no header, nothing counted
    crawler.signals.send_catch_log(signals.response_received, response=plain, request=Request(plain.url), spider=None)
    stats = crawler.stats.get_stats()
    assert stats["replica/answers"] == 3
    assert "downloads" in stats["replica/synthetic/models"].split(",")
    assert stats["replica/synthetic/leaderboard-contents"] == "lastModified,sha"
    assert stats["replica/board_scores"] == "Idavidrein/gpqa,TIGER-Lab/MMLU-Pro"
    write(tmp_path, "hub_models", {"model_id": ["a/b"], "endpoint": [replica.hub_url]})
    run_record(tmp_path, "hub", stats | {"parquet/hub_models/items": 1}, replica.hub_url)
    found = provenance.collect(tmp_path, DAY, [])
    assert found["replica"]["used"] and found["datasets"]["hub_models"]["replica"]
    assert found["replica"]["board_scores"] == ["Idavidrein/gpqa", "TIGER-Lab/MMLU-Pro"]
    text = banner(found)
    assert "replica" in text and "Synthetic fields" in text and "downloads" in text and "not a validation" in text


def test_board_vs_live_is_not_called_a_validation_when_the_replica_copied_it():
    evals = {"available": True, "n_results": 2, "n_models": 2, "untasked_leaderboard_rows": 0,
             "tasks": {"Idavidrein/gpqa:diamond": {"scale": "percent", "n_models": 300, "verified_share": 0.1,
                                                   "community_share": 0.2, "ambiguous_values": 78}},
             "board_vs_live": {"Idavidrein/gpqa": {"n": 200, "pearson": {"statistic": 1.0},
                                                   "mean_difference_live_minus_board": 0.0}}}
    mark_board_copies(evals, ["Idavidrein/gpqa"])
    entry = evals["board_vs_live"]["Idavidrein/gpqa"]
    assert entry["live_is_board_copy"] and "not a validation" in entry["note"]
    assert "diamond" in entry["setup_note"] and "may differ" in entry["setup_note"]
    page = evals_section(evals)
    assert "not a validation" in page and "may differ" in page
    assert "78 values of Idavidrein/gpqa:diamond" in page  # the fractions left out are said, not silent
    mark_board_copies(evals, [])  # the real Hub: still the setup caveat, no copy note
    assert not evals["board_vs_live"]["Idavidrein/gpqa"]["live_is_board_copy"]


def test_p_values_are_never_printed_as_zero():
    assert p_text(0.0) == "< 1e-4" and p_text(3e-12) == "< 1e-4" and p_text(9.9e-5) == "< 1e-4"
    assert p_text(1e-4) == "0.0001" and p_text(0.00042) == "0.0004" and p_text(0.928) == "0.928"
    assert p_text(None) == "–" and p_text(float("nan")) == "–"
    rows = stats_rows({"t": {"name": "t", "n": 10, "statistic": 1.0, "p_value": 1e-30, "method": "m",
                             "effect_size": {}, "ci95": [0.1, 0.2]}})
    assert rows[0]["p"] == "< 1e-4" and rows[0]["p"].value == 1e-30  # sorted by the exact value


def results(types: list[dict]) -> dict:
    stat = {"n": 500, "statistic": 0.6, "ci95": [0.5, 0.7], "p_value": 1e-40,
            "effect_size": {"r_squared": 0.36, "mean_difference": 1.0, "hedges_g": 0.1, "rank_biserial": 0.05}}
    efficiency = {"floor": 10.0, "n": 400, "statistic": 2.5, "effect_size": {"q1": 1.6, "median": 2.5, "q3": 3.4},
                  "top": [{"model_id": "a/b"}], "pareto": []}
    return {"pearson_log_size": stat, "ols_log_size": stat, "pearson_size": stat, "spearman_size": stat,
            "welch_license": stat | {"n_groups": [300, 200]}, "mann_whitney_license": stat,
            "efficiency_size": efficiency, "efficiency_co2": efficiency,
            "by_type": {"statistic": 50.0, "p_value": 0.0, "effect_size": {"epsilon_squared": 0.1}, "groups": types}}


def test_every_range_says_what_it_is_and_small_groups_make_no_claim():
    types = [{"type": "multimodal", "n": 8, "mean_average": 40.0}, {"type": "chat", "n": 900, "mean_average": 30.0},
             {"type": "pretrained", "n": 400, "mean_average": 20.0}]
    sentences = findings(results(types))
    for sentence in sentences:  # a range is "a to b": each one is labelled
        for match in re.finditer(r"[-\d.]+ to [-\d.]+", sentence):
            before = sentence[:match.start()]
            assert before.endswith("95% CI ") or before.endswith("IQR "), sentence
    text = " ".join(sentences)
    assert "IQR 1.60 to 3.40" in text and "95% CI 0.50 to 0.70" in text
    assert "multimodal models score highest" not in text and "chat models score highest" in text
    assert "multimodal n = 8" in text and "p < 1e-4" in text and "0.000" not in text
    assert ci_text(1, None).startswith("95% CI") and iqr_text(1, 2).startswith("IQR")


def test_methods_section_defines_co2_and_cites_sources():
    document = {"statistics": results([]), "published_findings": {"source": "Hugging Face blog (2025-01-09)"},
                "provenance": {"replica": {"used": False, "loopback": False}}, "community_evals": {}}
    text = methods_section(document)
    assert "GPU-hour" in text and "evaluation time" in text and "random baseline removed" in text
    assert "issue #6" in text and "no published source" in text and "arXiv:2412.04315" in text
    assert "Hugging Face blog (2025-01-09)" in text and "IQR" in text and "“&lt; 1e-4”" in text


def test_fit_lines_stay_within_the_data():
    rng = np.random.default_rng(24)
    x = np.concatenate([rng.uniform(0.5, 15, 400), [175.0]])  # one huge model, as the board's
    y = np.concatenate([10 + 2 * x[:-1] + rng.normal(0, 3, 400), [50.0]])
    grid = fit_grid(x)
    assert grid.max() < 175 and grid.min() >= x.min()  # the 99th percentile, not the outlier
    line, _, _ = prediction_band(x, y, grid)
    keep = within_scores(line, y)
    assert line[keep].max() <= y.max() and line[keep].min() >= y.min()
    low = within_scores(np.array([-5.0, 0.5, 60.0]), np.array([0.0, 52.0]))
    assert low.tolist() == [False, True, False]  # a log-scale line below zero is not drawn
    assert len(fit_grid(np.array([]))) == 0


def test_links_go_to_the_endpoint_given():
    assert Links("https://127.0.0.1:4431").model("a/b").startswith('<a href="https://127.0.0.1:4431/a/b"')
