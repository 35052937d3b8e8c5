"""`python -m analysis` end to end on datasets crawled from the replica, plus the join rules."""

from __future__ import annotations

import json
import math
import shutil
import subprocess
import sys
from datetime import UTC, datetime

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from scipy import stats

from analysis.load import build_table, one_row_per_model
from analysis.output import MARKER
from llmbench.items import HubModelItem, LeaderboardItem, ModelSizeItem, schema_of
from llmbench.pipelines.parquet_writer import to_row
from llmbench.replica.leaderboard_data import formatted_rows
from llmbench.storage import partition_dir
from tests.conftest import ROOT, crawl_command, crawl_env

NOW = datetime(2026, 11, 25, tzinfo=UTC)


@pytest.fixture(scope="module")
def crawled(replica, tmp_path_factory):
    """The three crawls against the replica (the leaderboard through its dataset source: no browser)."""
    data = tmp_path_factory.mktemp("crawled") / "data"
    for spider, args in (("hub", {"limit": "all"}), ("leaderboard", {"source": "dataset"}), ("model_pages", {})):
        proc = subprocess.run(crawl_command(spider, args), cwd=ROOT, env=crawl_env(replica, data),
                              capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stderr[-2000:]
    return data


def analyse(data, out, *extra):
    return subprocess.run([sys.executable, "-m", "analysis", "--data", str(data), "--out", str(out), *extra],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def report(crawled, tmp_path_factory):
    out = tmp_path_factory.mktemp("report") / "report"
    proc = analyse(crawled, out)
    assert proc.returncode == 0, proc.stderr
    assert str(out / "report.html") in proc.stdout
    return out


def test_report_files(report):
    document = json.loads((report / "results.json").read_text())
    names = {s["name"] for s in document["statistics"]}
    assert {"pearson log10 size_b vs average", "spearman size_b vs average", "ols average ~ log10 size_b",
            "welch open vs restricted average", "mann_whitney open vs restricted average",
            "efficiency score per billion parameters", "efficiency score per kg CO2", "by_type"} <= names
    assert all("n" in s and "method" in s for s in document["statistics"])
    assert document["population"] == "join" and document["n_models"] > 1000
    figures = sorted(p.name for p in (report / "figures").iterdir())
    assert len(figures) == 6 and all(f.endswith(".png") for f in figures)
    assert all((report / "figures" / f).stat().st_size > 5000 for f in figures)
    table = pq.read_table(report / "models.parquet")
    assert table.num_rows == document["n_models"]
    assert set(table.column("size_source").to_pylist()) >= {"hub:safetensors", "leaderboard"}
    assert any(s.startswith("model_pages:") for s in table.column("size_source").to_pylist())


def test_report_renders_in_chromium(report, tmp_path):
    from playwright.sync_api import sync_playwright

    from tests.browser import CHROMIUM_ARGS, chromium_or_skip

    executable = chromium_or_skip()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        errors = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto((report / "report.html").as_uri())
        page.wait_for_load_state("load")
        widths = page.eval_on_selector_all("img", "imgs => imgs.map(i => i.complete ? i.naturalWidth : 0)")
        shot = tmp_path / "report.png"
        page.screenshot(path=str(shot), full_page=True)
        headline = page.locator("h2:has-text('Findings') + ul li").first.text_content()
        browser.close()
    assert errors == []
    assert len(widths) == 6 and all(w > 300 for w in widths)
    assert shot.stat().st_size > 50_000
    assert "correlates with log10 size" in headline


def test_whole_leaderboard_equals_an_independent_computation(crawled, tmp_path):
    out = tmp_path / "report"
    proc = analyse(crawled, out, "--population", "leaderboard")
    assert proc.returncode == 0, proc.stderr
    results = {s["name"]: s for s in json.loads((out / "results.json").read_text())["statistics"]}
    # independently: the real rows, the documented one-row rule, sizes from the best source
    tidy = pq.read_table(out / "models.parquet").to_pandas()
    best = {}
    for row in formatted_rows():
        name = row["model"]["name"]
        if "/" not in name:
            continue
        key = (row["metadata"]["submission_date"] or "", -{"bfloat16": 0, "float16": 1, "4bit": 3}.get(
            row["model"]["precision"], 9), [-ord(c) for c in row["model"]["sha"]])
        if name.lower() not in best or key > best[name.lower()][0]:
            best[name.lower()] = (key, row)
    assert len(best) == len(tidy)
    by_name = {m.lower(): p for m, p in zip(tidy["model_id"], tidy["params_b"], strict=True)}
    x, y = [], []
    for name, (_, row) in best.items():
        assert math.isclose(tidy.loc[tidy["model_id"].str.lower() == name, "average"].iloc[0],
                            row["model"]["average_score"], rel_tol=1e-12)
        size = by_name[name]
        if size and size > 0 and not math.isnan(size):
            x.append(math.log10(size))
            y.append(row["model"]["average_score"])
    assert results["pearson log10 size_b vs average"]["n"] == len(x)
    assert results["pearson log10 size_b vs average"]["statistic"] == pytest.approx(np.corrcoef(x, y)[0, 1])
    assert results["ols average ~ log10 size_b"]["statistic"] == pytest.approx(stats.linregress(x, y).slope)


def write(data, items):
    item_class = type(items[0])
    table = pa.Table.from_pylist([to_row(i) for i in items], schema=schema_of(item_class))
    path = partition_dir(data, item_class.dataset, NOW.date()) / "part-test.parquet"
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path)
    return path


def board(model_id, precision="bfloat16", revision="a", submitted="2024-01-01", average=20.0, params_b=7.0):
    return LeaderboardItem(model_id=model_id, precision=precision, revision=revision, type="chat",
                           average=average, submission_date=submitted, params_billions=params_b, co2_kg=1.0,
                           source="json", crawled_at=NOW, **{b: average for b in
                                                             ("ifeval", "bbh", "math", "gpqa", "musr", "mmlu_pro")})


def test_one_row_per_model_rule_and_size_precedence(tmp_path):
    data = tmp_path / "data"
    write(data, [board("org/A", "float16", "b", "2024-05-01", 10.0),
                 board("org/A", "bfloat16", "c", "2024-05-01", 30.0),  # same date: bfloat16 wins
                 board("org/A", "bfloat16", "a", "2024-01-01", 50.0),  # older: loses despite the higher score
                 board("org/B", params_b=3.0), board("org/C", params_b=5.0), board("org/D", params_b=-1.0)])
    write(data, [HubModelItem(model_id="org/a", author="org", params=8_000_000_000, params_source="safetensors",
                              license="mit", crawled_at=NOW, endpoint="e"),
                 HubModelItem(model_id="org/B", author="org", crawled_at=NOW, endpoint="e"),
                 HubModelItem(model_id="org/C", author="org", crawled_at=NOW, endpoint="e"),
                 HubModelItem(model_id="org/Z", author="org", crawled_at=NOW, endpoint="e")])
    write(data, [ModelSizeItem(model_id="org/B", params=2_500_000_000, params_source="config", exact=False,
                               crawled_at=NOW)])
    table = build_table(data, "join").set_index("model_id")
    assert list(table.index) == ["org/A", "org/B", "org/C"]  # D and Z are not in both
    assert table.loc["org/A", "revision"] == "c" and table.loc["org/A", "average"] == 30.0
    assert table.loc["org/A", "params_b"] == 8.0 and table.loc["org/A", "size_source"] == "hub:safetensors"
    assert table.loc["org/B", "params_b"] == 2.5 and table.loc["org/B", "size_source"] == "model_pages:config"
    assert table.loc["org/C", "params_b"] == 5.0 and table.loc["org/C", "size_source"] == "leaderboard"
    assert table.loc["org/A", "license_class"] == "open"
    whole = build_table(data, "leaderboard").set_index("model_id")
    assert math.isnan(whole.loc["org/D", "params_b"]) and whole.loc["org/D", "size_source"] == "unknown"
    assert len(one_row_per_model(pq.read_table(next(data.glob("leaderboard/*/*.parquet"))).to_pandas())) == 4


def test_missing_dataset(tmp_path):
    out = tmp_path / "report"
    proc = analyse(tmp_path / "empty", out)
    assert proc.returncode == 2 and "no `leaderboard` snapshot" in proc.stderr and str(tmp_path) in proc.stderr
    assert not out.exists()


def test_corrupt_parquet_names_the_file(crawled, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(crawled, data)
    bad = next(data.glob("leaderboard/*/*.parquet"))
    bad.write_bytes(b"PAR1 this is not parquet")
    out = tmp_path / "report"
    out.mkdir()
    (out / MARKER).write_text("{}")
    (out / "report.html").write_text("previous report")
    proc = analyse(data, out)
    assert proc.returncode == 2 and f"corrupt parquet file {bad}" in proc.stderr
    assert sorted(p.name for p in out.iterdir()) == [MARKER, "report.html"]  # the old report untouched
    assert (out / "report.html").read_text() == "previous report"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".report-")]


def test_no_overlap(tmp_path):
    data = tmp_path / "data"
    write(data, [board("org/A"), board("org/B")])
    write(data, [HubModelItem(model_id="other/X", author="other", crawled_at=NOW, endpoint="e")])
    proc = analyse(data, tmp_path / "report")
    assert proc.returncode == 2 and "no model is in both" in proc.stderr
    assert not (tmp_path / "report").exists()


def test_a_recrawled_evaluation_counts_once_with_its_latest_values(tmp_path):
    data = tmp_path / "data"
    later = datetime(2026, 11, 25, 12, tzinfo=UTC)
    write(data, [board("org/A", average=10.0), board("org/A", "float16", average=5.0), board("org/B"),
                 board("org/C")])
    path = partition_dir(data, "leaderboard", NOW.date()) / "part-later.parquet"
    table = pa.Table.from_pylist([to_row(board("org/A", average=40.0))], schema=schema_of(LeaderboardItem))
    pq.write_table(table.set_column(table.schema.get_field_index("crawled_at"), "crawled_at",
                                    pa.array([later], table.schema.field("crawled_at").type)), path)
    write(data, [HubModelItem(model_id=m, author="org", params=7_000_000_000, params_source="safetensors",
                              crawled_at=NOW, endpoint="e", downloads=1) for m in ("org/A", "org/B", "org/C")])
    hub_later = partition_dir(data, "hub_models", NOW.date()) / "part-later.parquet"
    pq.write_table(pa.Table.from_pylist([to_row(HubModelItem(model_id="org/a", author="org", downloads=99,
                                                             crawled_at=later, endpoint="e"))],
                                        schema=schema_of(HubModelItem)), hub_later)
    result = build_table(data, "join").set_index("model_id")
    assert result.loc["org/A", "average"] == 40.0 and result.loc["org/A", "evaluations"] == 2
    assert result.loc["org/A", "downloads"] == 99 and result.loc["org/B", "evaluations"] == 1
