"""The unit tier's fake clock: rate-limit waits are measured in fake seconds, never waited for."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

import pytest

import llmbench.politeness.pacing
import llmbench.politeness.ratelimit
import llmbench.politeness.waiting

REAL_SLEEP = asyncio.sleep


class FakeClock:
    """time.monotonic for the rate-limit code; its sleeps advance the clock at once (and yield to the loop)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += max(seconds, 0.0)
        await REAL_SLEEP(0)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    """The fake clock in place of `time` (and asyncio's sleep) in the modules that wait for a window."""
    fake = FakeClock()
    fake_time = SimpleNamespace(monotonic=fake.monotonic)
    for module in (llmbench.politeness.ratelimit, llmbench.politeness.pacing, llmbench.politeness.waiting):
        monkeypatch.setattr(module, "time", fake_time)
    monkeypatch.setattr(llmbench.politeness.waiting, "asyncio", SimpleNamespace(sleep=fake.sleep))
    return fake
