"""`python -m benchmarks`: goals read from each benchmark's JSON, one table, tolerant of missing pieces."""

from __future__ import annotations

from benchmarks.__main__ import Outcome, table
from benchmarks.goals import declared, find, goals_for, measure


def test_figures_are_found_by_path_or_by_key_anywhere():
    document = {"whole_board": {"seconds": 3.5, "kinds": {"browser": {"peak_pss_mib": 300}}}, "goals": {"x": 1}}
    assert find(document, "whole_board.seconds") == 3.5
    assert find(document, "peak_pss_mib") == 300
    assert find(document, "x") is None  # the goals themselves are not figures
    assert find(document, "missing") is None


def test_declared_goals_default_to_at_most():
    goals = {g.figure: g for g in declared("m", {"goals": {"seconds": 5.0, "rate": ">= 10,000", "errors": "== 0"}})}
    assert goals["seconds"].met(4.9) and not goals["seconds"].met(5.1)
    assert goals["rate"].met(10_000) and not goals["rate"].met(9_999)
    assert goals["errors"].met(0) and not goals["errors"].met(1)


def test_the_issues_goals_win_over_a_modules_own_for_the_same_figure():
    leaderboard = {"whole_board": {"seconds": 3.0, "peak_pss_mib": 450}, "goals": {"seconds": 4.0, "rows": 5000}}
    goals = goals_for("leaderboard", leaderboard)
    assert [g.figure for g in goals] == ["whole board", "whole board, peak PSS", "rows"]
    assert measure(goals[0], leaderboard) == 3.0


def test_one_table_with_goal_measured_and_met():
    outcomes = [
        Outcome("startup", "ok", 10, {"median_seconds": 1.1}),
        Outcome("analysis", "ok", 20, {"seconds": 7.5}),
        Outcome("hub", "not run: no --json option"),
        Outcome("replica", "ok", 5, {"requests_per_s": 900}),
    ]
    rows = {row[0]: row[1:] for row in table(outcomes)}
    assert rows["startup: `scrapy crawl hub -a limit=1`, median"] == ("< 1.3 s", "1.1 s", "yes")
    assert rows["analysis: 1,000,000 rows end to end"] == ("< 5 s", "7.5 s", "NO")
    assert rows["analysis: 1,000,000 rows, peak memory"][1:] == ("figure not in its JSON", "no")
    assert rows["hub: spider CPU per model"][1] == "not run: no --json option"
    assert rows["replica"][1].startswith("ran in 5 s")
