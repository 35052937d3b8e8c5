"""`leaderboard -a source=dataset` against a crafted Hub whose dataset answers are broken (issue #10).

Every broken answer must end the crawl non-zero with the URL in one log line, never "finished, 0 items".
"""

from __future__ import annotations

import io
from types import SimpleNamespace

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from llmbench.replica.leaderboard.snapshot import formatted_rows, raw_from_formatted
from tests.e2e.hostile.crafted_hub import FILE_PATH, GOOD_INDEX, INDEX_PATH, CraftedHub


def small_parquet(rows: int = 10) -> bytes:
    sink = io.BytesIO()
    pq.write_table(pa.Table.from_pylist([raw_from_formatted(r) for r in formatted_rows()[:rows]]), sink)
    return sink.getvalue()


# case → {path: (status, content type, body)}
CASES = {
    "index not JSON": {INDEX_PATH: (200, "text/html", b"<html><body>Hugging Face is down</body></html>")},
    "index is a list": {INDEX_PATH: (200, "application/json", b'[{"rfilename": "data/train.parquet"}]')},
    "index 404": {INDEX_PATH: (404, "application/json", b'{"error": "Repository not found"}')},
    "index 500": {INDEX_PATH: (500, "application/json", b'{"error": "Internal Error"}')},
    "parquet 500": {INDEX_PATH: (200, "application/json", GOOD_INDEX),
                    FILE_PATH: (500, "text/plain", b"Internal Error")},
}


@pytest.fixture
def crafted_hub():
    started = []

    def start(answers):
        started.append(CraftedHub(answers))
        return started[-1]

    yield start
    for hub in started:
        hub.close()


@pytest.mark.parametrize("case", list(CASES))
def test_broken_dataset_answer_fails_the_crawl_naming_the_url(case, crafted_hub, run_crawl):
    hub = crafted_hub(CASES[case])
    result = run_crawl(SimpleNamespace(hub_url=hub.hub_url, leaderboard_url=hub.leaderboard_url),
                       "leaderboard", {"source": "dataset"}, timeout=120)
    assert result.returncode == 1, result.output[-3000:]
    bad_path = FILE_PATH if case == "parquet 500" else INDEX_PATH
    lines = [line for line in result.output.splitlines() if "ERROR" in line and f"{hub.hub_url}{bad_path}" in line]
    assert lines, result.output[-3000:]
    assert "'leaderboard/dataset_unreadable': 1" in result.output
    assert "Traceback" not in result.output
    assert not list(result.data_dir.rglob("*.parquet"))
    assert "/robots.txt" not in hub.requests  # the Hub API and its resolvers are not governed by robots.txt


def test_good_dataset_answer_is_written(crafted_hub, run_crawl):
    """The control: the same crafted Hub with sound answers gives a successful crawl."""
    hub = crafted_hub({INDEX_PATH: (200, "application/json", GOOD_INDEX),
                       FILE_PATH: (200, "application/octet-stream", small_parquet(10))})
    result = run_crawl(SimpleNamespace(hub_url=hub.hub_url, leaderboard_url=hub.leaderboard_url),
                       "leaderboard", {"source": "dataset"}, timeout=120)
    assert result.returncode == 0, result.output[-3000:]
    table = result.table("leaderboard")
    assert table.num_rows == 10 and set(table.column("source").to_pylist()) == {"dataset"}
    assert "playwright" not in result.output.lower()  # no browser, not even Playwright's driver
