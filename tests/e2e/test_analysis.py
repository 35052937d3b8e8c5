"""`python -m analysis` end to end on datasets crawled from the replica, plus the join rules."""

from __future__ import annotations

import json
import math
import shutil
import subprocess
import sys
from datetime import UTC, datetime

import numpy as np
import pyarrow.parquet as pq
import pytest
from scipy import stats

from analysis.data.tidy import build_table
from analysis.report.output import MARKER
from llmbench.replica.leaderboard.snapshot import formatted_rows
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


REPLICA_HUB = "http://hub.example"


def analyse(data, out, *extra):
    return subprocess.run([sys.executable, "-m", "analysis", "--data", str(data), "--out", str(out),
                           "--hub-url", REPLICA_HUB, *extra],
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
    assert document["schema"] == "llmbench-analysis/2"
    assert {"pearson_log_size", "spearman_size", "ols_log_size", "welch_license", "mann_whitney_license",
            "efficiency_size", "efficiency_co2", "by_type"} <= set(document["statistics"])
    assert all("n" in s and "method" in s for s in document["statistics"].values())
    assert document["population"] == "join" and document["n_models"] > 1000
    populations = document["populations"]
    assert populations["top_downloads"]["n_models"] <= 100 < populations["join"]["n_models"] == document["n_models"]
    assert populations["join"]["n_models"] < populations["board"]["n_models"]
    assert populations["join"]["statistics"]["pearson_log_size"] == document["statistics"]["pearson_log_size"]
    assert document["statistics"]["efficiency_size"]["floor"] == 10.0
    assert all(t["average"] >= 10 for t in document["statistics"]["efficiency_size"]["top"])
    assert {"implausible_size", "quantized_total", "board_hub_disagree", "no_co2", "duplicate_evaluations"} <= set(
        document["quality"]["rules"])
    assert set(document["published_findings"]["findings"]) == {"official_70b", "leaders_per_kg", "community_small",
                                                                "moe_per_kg", "finetunes_vs_base"}
    assert all(f["verdict"] for f in document["published_findings"]["findings"].values())
    assert document["density"]["doubling_months"] > 0 and len(document["density"]["doubling_months_ci95"]) == 2
    evals = document["community_evals"]  # the hub crawl collected evalResults
    assert evals["available"] and evals["tasks"]["Idavidrein/gpqa:diamond"]["n_sized"] >= 10
    assert "community_evals" in document["figures"]
    figures = sorted(p.name for p in (report / "figures").iterdir())
    assert figures == sorted(f"{name}.png" for name in document["figures"])
    assert all((report / "figures" / f).stat().st_size > 5000 for f in figures)
    table = pq.read_table(report / "models.parquet")
    assert table.num_rows == document["n_models"]
    assert set(table.column("size_source").to_pylist()) >= {"hub:safetensors"}
    assert any(s.startswith("model_pages:") for s in table.column("size_source").to_pylist())


def test_figure_labels_never_overlap(crawled, tmp_path):
    from analysis.data.quality import apply
    from analysis.report.figure_layout import STYLE, Figures, overlapping_texts, plt
    from analysis.report.figures import density_figure, draw_all, evals_figure
    from analysis.statistics import community_evals as evals
    from analysis.statistics import density
    from analysis.statistics.estimates import run_all

    board, _ = apply(build_table(crawled, "leaderboard"))
    figures = Figures(tmp_path, keep=True)
    draw_all(board, run_all(board, 10.0), figures)
    with plt.rc_context(STYLE):
        density_figure(board, density.fit(board, 30.0), figures)
    found, points = evals.analyse(crawled, None, None)
    evals_figure(points, found, figures)
    assert len(figures.kept) == 8
    for name, fig in figures.kept.items():
        assert overlapping_texts(fig) == [], name
    labels = [t.get_text() for t in figures.kept["efficiency_size"].axes[0].texts if t.get_text()]
    assert len(labels) >= 3  # frontier models are labelled, none dropped for all


@pytest.mark.browser
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
        images = page.eval_on_selector_all("img", "imgs => imgs.map(i => [i.complete ? i.naturalWidth : 0, i.alt])")
        shot = tmp_path / "report.png"
        page.screenshot(path=str(shot), full_page=True)
        headline = page.locator("#findings li").first.text_content()
        column = "#statistics table th:nth-child(3)"  # n
        read = "els => els.map(e => parseFloat(e.getAttribute('data-value')))"
        page.click(column)
        ascending = page.eval_on_selector_all("#statistics tbody td:nth-child(3)", read)
        page.click(column)
        descending = page.eval_on_selector_all("#statistics tbody td:nth-child(3)", read)
        sorted_attr = page.get_attribute(column, "aria-sort")
        links = page.eval_on_selector_all("#efficiency a", "as => as.map(a => a.getAttribute('href'))")
        hows = page.locator("section .how").count()
        browser.close()
    assert errors == []
    assert len(images) == 8 and all(w > 300 and len(alt) > 30 for w, alt in images)
    assert shot.stat().st_size > 50_000
    assert "correlates with log10 size" in headline
    assert ascending == sorted(ascending) and descending == sorted(ascending, reverse=True) and len(set(ascending)) > 1
    assert sorted_attr == "descending"
    assert links and all(h.startswith(REPLICA_HUB) for h in links)
    assert hows >= 9


def test_whole_leaderboard_equals_an_independent_computation(crawled, tmp_path):
    out = tmp_path / "report"
    proc = analyse(crawled, out, "--population", "leaderboard")
    assert proc.returncode == 0, proc.stderr
    results = json.loads((out / "results.json").read_text())["statistics"]
    # independently: the real rows, the documented one-row rule, sizes from the best source
    tidy = pq.read_table(out / "models.parquet").to_pandas()
    crawled_ids = pq.ParquetDataset(crawled / "leaderboard").read(columns=["model_id", "canonical_id"]).to_pylist()
    canonical = {r["model_id"].lower(): (r["canonical_id"] or r["model_id"]).lower() for r in crawled_ids}
    tidy["key"] = [canonical[m.lower()] for m in tidy["model_id"]]
    assert "openai-community/gpt2" in canonical.values() and canonical.get("gpt2") == "openai-community/gpt2"
    best = {}
    for row in formatted_rows():
        name = canonical[row["model"]["name"].lower()]  # legacy ids (gpt2) count as their canonical id
        key = (row["metadata"]["submission_date"] or "", -{"bfloat16": 0, "float16": 1, "4bit": 3}.get(
            row["model"]["precision"], 9), [-ord(c) for c in row["model"]["sha"]])
        if name not in best or key > best[name][0]:
            best[name] = (key, row)
    assert len(best) == len(tidy)
    by_name = dict(zip(tidy["key"], tidy["params_b"], strict=True))
    x, y = [], []
    for name, (_, row) in best.items():
        assert math.isclose(tidy.loc[tidy["key"] == name, "average"].iloc[0],
                            row["model"]["average_score"], rel_tol=1e-12)
        size = by_name[name]
        if size and size > 0 and not math.isnan(size):
            x.append(math.log10(size))
            y.append(row["model"]["average_score"])
    assert results["pearson_log_size"]["n"] == len(x)
    assert results["pearson_log_size"]["statistic"] == pytest.approx(np.corrcoef(x, y)[0, 1])
    assert results["ols_log_size"]["statistic"] == pytest.approx(stats.linregress(x, y).slope)


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


# Each table's visible box (the table, or the scrolling box it sits in) and the page's own width.
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [];
  document.querySelectorAll("table").forEach(function (table) {
    let box = table.getBoundingClientRect();
    const scroller = table.closest(".scroll");
    if (scroller && getComputedStyle(scroller).overflowX === "auto") { box = scroller.getBoundingClientRect(); }
    if (box.right > width + 0.5) {
      wide.push((table.closest("section") || {}).id + ": " + Math.round(box.right) + " px");
    }
  });
  return {page: document.documentElement.scrollWidth, width: width, wide: wide};
}"""


@pytest.mark.browser
def test_report_fits_1280_px_and_says_where_its_data_came_from(report):
    """Issue #24: no table wider than a 1280 px window (wide ones scroll inside their own box); the
    provenance of a replica crawl: loopback endpoints, the contents revision, the banner."""
    from playwright.sync_api import sync_playwright

    from llmbench.replica.leaderboard.app import CONTENTS_SHA
    from tests.browser import CHROMIUM_ARGS, chromium_or_skip

    executable = chromium_or_skip()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto((report / "report.html").as_uri())
        page.wait_for_load_state("load")
        layout = page.evaluate(OVERFLOW)
        tables = page.locator("table").count()
        banner = page.locator(".banner").first.text_content()
        browser.close()
    assert tables > 10 and layout["wide"] == [] and layout["page"] <= layout["width"], layout
    assert "replica" in banner and "Synthetic fields" in banner and "not a validation" in banner
    origin = json.loads((report / "results.json").read_text())["provenance"]
    board = origin["datasets"]["leaderboard"]
    assert board["path"] == "dataset" and board["contents_sha"] == CONTENTS_SHA
    assert board["contents_last_modified"].startswith("2025-03-21")
    assert origin["replica"]["used"] and all(d["loopback"] for d in origin["datasets"].values())
    assert origin["datasets"]["hub_models"]["endpoints_from"] == "rows"
    assert origin["command"][1:3] == ["-m", "analysis"] and origin["command"][-2:] == ["--hub-url", REPLICA_HUB]
