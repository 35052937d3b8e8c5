"""WindowBudget: bursts within a fixed window, never past HUB_RATE_SHARE of it (simulated clock)."""

from __future__ import annotations

import pytest

from llmbench.politeness.budget import WindowBudget


def drive(budget: WindowBudget, seconds: float, answer=None) -> list[float]:
    """Send as fast as the budget allows for `seconds` of simulated time; returns the send times."""
    now, sent = 0.0, []
    while True:
        now += budget.wait(now)
        if now >= seconds:
            return sent
        budget.sent(now)
        sent.append(now)
        if answer is not None:
            answer(budget, now)
        else:
            budget.answered()


def test_burst_then_spread_then_hold_without_headers():
    budget = WindowBudget(quota=100, window=300, share=0.9, margin=1)
    sent = drive(budget, 300)
    assert len(sent) == 90  # the share of the window, not one more
    assert sent[79] == 0.0  # the first 80 in one burst
    assert 0 < sent[80] < sent[89] < 300  # the last stretch spread over the rest of the window


def test_every_window_gets_its_share_and_no_more():
    budget = WindowBudget(quota=100, window=10, share=0.9, margin=0)
    sent = drive(budget, 100)
    per_window = [sum(1 for t in sent if w * 10 <= t < (w + 1) * 10) for w in range(10)]
    assert per_window == [90] * 10


def server_answers(quota: int, window: float):
    """A fixed-window server that answers each request at once with its RateLimit state."""
    used: dict[int, int] = {}

    def answer(budget: WindowBudget, now: float) -> None:
        wid = int(now // window)
        used[wid] = used.get(wid, 0) + 1
        assert used[wid] <= quota, "a request beyond the quota would have earned a 429"
        budget.answered()
        budget.observe(now, quota - used[wid], (wid + 1) * window - now, quota, window)

    return answer, used


def test_the_advertised_window_wins_over_the_configured_one():
    answer, used = server_answers(quota=20, window=5)
    budget = WindowBudget(quota=3000, window=300, share=0.9, margin=0.5)  # settings far too generous
    sent = drive(budget, 30, answer)
    assert max(used.values()) <= 18 and len(sent) >= 4 * 18  # 90% of each 5 s window, windows skipped for margins


def test_other_clients_use_of_the_window_is_respected():
    budget = WindowBudget(quota=100, window=300, share=0.9)
    budget.sent(0.0)
    budget.answered()
    budget.observe(0.0, remaining=15, reset=100)  # someone else used most of it
    assert budget.wait(0.1) > 0  # 5 above the reserve: the slow stretch
    budget.observe(0.2, remaining=10, reset=100)
    assert budget.wait(0.3) == pytest.approx(0.2 + 100 + 1 - 0.3)  # only the reserve left: until the reset


def test_a_429_at_r0_holds_until_the_reset_plus_margin():
    budget = WindowBudget(quota=500, window=300, share=0.9, margin=1)
    budget.sent(0.0)
    budget.answered()
    budget.observe(0.0, remaining=0, reset=55)
    assert budget.wait(0.0) == pytest.approx(56)
    assert budget.wait(56.0) == 0.0  # a new window: one probe goes out at once


def test_unanswered_requests_count_against_what_a_header_says():
    budget = WindowBudget(quota=100, window=300, share=0.9)
    for _ in range(5):
        budget.sent(0.0)
    budget.answered()
    budget.observe(0.0, remaining=24, reset=200)  # 4 still out: 20 left, 10 usable, the slow stretch
    assert budget.remaining == 20 and budget.wait(0.0) > 0


def test_out_of_order_answers_keep_the_lowest_count():
    budget = WindowBudget(quota=100, window=300, share=0.9)
    budget.observe(0.0, remaining=40, reset=200)
    budget.observe(0.1, remaining=60, reset=200)  # an older answer arriving late
    assert budget.remaining == 40
    budget.observe(250.0, remaining=99, reset=299)  # the next window
    assert budget.remaining == 99


def test_an_unknown_window_gets_one_probe_at_a_time():
    budget = WindowBudget(quota=100, window=300, share=0.9)
    assert budget.wait(0.0) == 0.0
    budget.sent(0.0)
    assert 0 < budget.wait(0.0) < 1  # wait for the first answer before bursting
    budget.answered()
    budget.observe(0.1, remaining=99, reset=299)
    assert budget.wait(0.1) == 0.0
