"""`scrapy crawl leaderboard -a board=v1` end to end against the replica's archived v1 Space: one plain
request for the page, no browser, `leaderboard_v1` equal to the archived table."""

from __future__ import annotations

import csv
import gzip
from pathlib import Path

ARCHIVE = Path(__file__).resolve().parents[2] / "llmbench/replica/leaderboard/data" \
    / "open_llm_leaderboard_v1_archived_2024-07-13.csv.gz"
KEY = ("model_id", "precision", "revision")


def test_whole_v1_board_from_one_page_without_a_browser(replica, run_crawl):
    replica.log.clear()
    result = run_crawl(replica, "leaderboard", {"board": "v1"}, timeout=180)
    assert result.returncode == 0, result.output[-3000:]
    assert "leaderboard path: v1_space (7169 rows" in result.output
    assert "playwright" not in result.output.lower() and "chromium" not in result.output.lower()
    app = [r.path_qs for r in replica.log.records if r.origin == "v1_app"]
    assert app == ["/robots.txt", "/"]  # the whole board in one page request
    hub = [r.path_qs for r in replica.log.records if r.origin == "hub"]
    assert all(p.startswith("/api/models/") for p in hub) and len(hub) <= 6  # legacy ids' canonical ids only
    assert not (result.data_dir / "leaderboard").exists()  # v2's dataset untouched

    got = {tuple(r[k] for k in KEY): r for r in result.table("leaderboard_v1").to_pylist()}
    rows = list(csv.DictReader(gzip.open(ARCHIVE, "rt", encoding="utf-8")))
    assert len(got) == len(rows) == 7169
    for row in rows:
        item = got[(row["fullname"], row["precision"], row["model_sha"])]
        for column in ("average", "arc", "hellaswag", "mmlu", "truthfulqa", "winogrande", "gsm8k"):
            assert item[column] == float(row[column]), (row["fullname"], column)
        assert item["hearts"] == int(row["hub_hearts"]) and item["license"] == (row["hub_license"] or None)
        assert item["is_flagged"] is (row["flagged"] == "TRUE")
        assert item["submission_date"] == (row["date"][:10] or None)
        assert item["source"] == "space_config" and item["url"] == replica.v1_app_url
    canonical = {k[0]: r["canonical_id"] for k, r in got.items() if r["canonical_id"]}
    assert canonical == {"gpt2": "openai-community/gpt2", "distilgpt2": "distilbert/distilgpt2",
                         "gpt2-xl": "openai-community/gpt2-xl"}


def test_requested_models_by_id_or_canonical_id(replica, run_crawl):
    models = "mlabonne/NeuralBeagle14-7B,openai-community/gpt2,nobody/not-on-the-v1-board"
    result = run_crawl(replica, "leaderboard", {"board": "v1", "models": models}, timeout=180)
    assert result.returncode == 0, result.output[-3000:]
    table = result.table("leaderboard_v1").to_pylist()
    # `gpt2` (legacy id) found by its canonical id, beside the board's own `openai-community/gpt2` rows
    assert sorted({r["model_id"] for r in table}) == ["gpt2", "mlabonne/NeuralBeagle14-7B", "openai-community/gpt2"]
    beagle = [r for r in table if r["model_id"] == "mlabonne/NeuralBeagle14-7B"]
    assert [(r["arc"], r["hellaswag"]) for r in beagle] == [(72.95, 88.34)]  # as the bot copied it to the card
    assert (result.data_dir / "leaderboard_missing.txt").read_text().split() == ["nobody/not-on-the-v1-board"]
