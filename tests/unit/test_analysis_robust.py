"""The analysis never fails on the data (issue #23, item 7): small, degenerate and extreme tables.

Property-based (hypothesis): 0 to 5 scored models, all-equal scores or sizes, NaN and ±Infinity, sizes of
10^18 parameters, ids and types such as `$\\frac{$x` (mathtext), HTML and newlines. `python -m analysis`
runs in-process on each; it must write its report, and where a statistic cannot be computed the report
must say why ("not enough data", "undefined (zero variance)") instead of failing.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from analysis.__main__ import main
from llmbench.items import EvalResultItem, HubModelItem, LeaderboardItem
from tests.analysis_fixtures import NOW, write

NAN, INF = float("nan"), float("inf")
MIN_PARAMS_B, MAX_PARAMS_B = 0.01, 10_000.0  # the plausible sizes (analysis/data/quality.py), in billions
HOSTILE_TEXT = ["$\\frac{$x", "<script>alert(1)</script>", "a\nb", "chat", "pretrained"]
SCORES = st.sampled_from([20.0, 35.5, 50.0, NAN, INF, -INF])
SIZES = st.sampled_from([7.0, 70.0, 0.5, 1e9, NAN, INF])  # billions: 1e9 B = 10^18 parameters


def run(tmp: Path, board: list[LeaderboardItem], extra: list[list] = ()) -> tuple[str, dict]:
    data = tmp / "data"
    write(data, board)
    for items in extra:
        write(data, items)
    out = tmp / "report"
    assert main(["--data", str(data), "--out", str(out), "--population", "leaderboard"]) == 0
    return (out / "report.html").read_text(encoding="utf-8"), json.loads((out / "results.json").read_text())


def row(i: int, name: str, type_: str, average: float, params_b: float, license_: str | None) -> LeaderboardItem:
    return LeaderboardItem(model_id=f"{name}{i}", precision="bfloat16", revision="a", type=type_, average=average,
                           params_billions=params_b, co2_kg=1.0, license=license_, source="json", crawled_at=NOW,
                           submission_date="2024-01-01", upload_date=f"2024-0{1 + i % 9}-01")


def usable(board: list[LeaderboardItem]) -> tuple[np.ndarray, np.ndarray]:
    """The scores and sizes the statistics may use, by the quality rules."""
    pairs = [(r.average, r.params_billions) for r in board
             if math.isfinite(r.average) and math.isfinite(r.params_billions)
             and MIN_PARAMS_B <= r.params_billions <= MAX_PARAMS_B]
    return np.array([a for a, _ in pairs]), np.array([p for _, p in pairs])


@st.composite
def boards(draw) -> list[LeaderboardItem]:
    n = draw(st.integers(min_value=1, max_value=5))  # the parquet holds >= 1 row; "0 models" = none usable
    equal_scores, equal_sizes = draw(st.booleans()), draw(st.booleans())
    score, size = draw(SCORES), draw(SIZES)
    return [row(i, draw(st.sampled_from(HOSTILE_TEXT)), draw(st.sampled_from(HOSTILE_TEXT)),
                score if equal_scores else draw(SCORES), size if equal_sizes else draw(SIZES),
                draw(st.sampled_from(["mit", "llama3", None]))) for i in range(n)]


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(board=boards())
@example(board=[row(0, "org/m", "chat", NAN, NAN, "mit")])  # no usable model
@example(board=[row(i, "org/m", "chat", 20.0 + i, 7.0, "mit") for i in range(4)])  # equal sizes
@example(board=[row(i, "$\\frac{$x", "$\\frac{$x", 20.0 + i, [1e9, 2.0, 3.0, INF][i], "mit") for i in range(4)])
def test_report_on_any_small_table(tmp_path_factory, board):
    """Each example is a whole `python -m analysis` with its figures (about a second): few examples, the
    degenerate ones given explicitly."""
    html, results = run(tmp_path_factory.mktemp("robust"), board)
    scores, sizes = usable(board)
    stated = results["statistics"]["spearman_size"].get("note")
    if len(scores) < 4:
        assert "not enough data" in html and stated.startswith("not enough data")
    elif np.ptp(scores) == 0 or np.ptp(sizes) == 0:
        assert "undefined (zero variance)" in html and stated == "undefined (zero variance)"
    assert "<script>alert" not in html  # ids and types are text, never markup
    assert "inf" not in json.dumps(results["statistics"]).lower().replace("info", "")  # nothing infinite used


def test_hub_sizes_beyond_float_precision_and_mathtext_task_ids(tmp_path):
    """Hub params of 10^18 + 1 (no exact float64: Arrow's safe cast refused it) and 10^18 are excluded as
    implausible; a Community Evals task id `$\\frac{$x` titles its panel as plain text."""
    names = [f"org/m{i}" for i in range(12)]
    board = [row(i, "org/m", "chat", 20.0 + i, 1.0 + i, "mit") for i in range(12)]
    hub = [HubModelItem(model_id=m, author="org", params=[10 ** 18 + 1, 10 ** 18][i] if i < 2 else (i + 1) * 10 ** 9,
                        params_source="safetensors", license="mit", pipeline_tag="text-generation", crawled_at=NOW,
                        endpoint="e") for i, m in enumerate(names)]
    evals = [EvalResultItem(model_id=m, dataset_id="org/bench", task_id="$\\frac{$x", value=50.0 + i,
                            filename=".eval_results/x.yaml", crawled_at=NOW) for i, m in enumerate(names)]
    html, results = run(tmp_path, board, [hub, evals])
    assert results["quality"]["rules"]["implausible_size"]["count"] == 2
    assert results["community_evals"]["tasks"]["org/bench:$\\frac{$x"]["n_sized"] == 10
    assert (tmp_path / "report" / "figures" / "community_evals.png").exists()


def test_all_equal_scores_state_zero_variance(tmp_path):
    board = [row(i, "org/m", ["chat", "pretrained"][i % 2], 20.0, 1.0 + i, ["mit", "llama3"][i % 2]) for i in range(6)]
    html, results = run(tmp_path, board)
    assert results["statistics"]["pearson_size"]["note"] == "undefined (zero variance)"
    assert results["statistics"]["by_type"]["note"] == "undefined (zero variance)"
    assert "Model types compared (Kruskal-Wallis): undefined (zero variance)" in html


def test_licence_test_is_stated_not_dropped(tmp_path):
    """One restricted model: the open-vs-restricted test cannot run, and the findings say so."""
    board = [row(i, "org/m", "chat", 20.0 + i, 1.0 + i, "llama3" if i == 0 else "mit") for i in range(6)]
    html, results = run(tmp_path, board)
    assert results["statistics"]["welch_license"]["note"].startswith("not enough data")
    assert "Permissive against restricted open-weight licences (raw, not adjusted for size;" in html
    assert "not enough data" in html
