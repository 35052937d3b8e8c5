"""The figures issue 15 sets goals for, and how to read each one from a benchmark's `--json` output.

A benchmark writes its figures as JSON; a figure is found by key, either a dotted path from the top
(`whole_board.seconds`) or a bare key anywhere in the document (the first found, depth first). A
benchmark may also declare its own goals: `"goals": {"<key>": 5.0}` (a bare number means "at most"), or
a string with its comparison (`"< 4"`, `"<= 1.0"`, `">= 10000"`, `"== 0"`); those are listed too.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

COMPARISONS: dict[str, Callable[[float, float], bool]] = {
    "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge, "==": operator.eq,
}
SYMBOLS = {"<=": "≤", ">=": "≥", "==": "="}


@dataclass(frozen=True)
class Goal:
    module: str
    figure: str
    comparison: str  # one of COMPARISONS
    target: float
    keys: tuple[str, ...]  # where the figure may be in the module's JSON, in order of preference
    unit: str = ""

    def text(self) -> str:
        return f"{SYMBOLS.get(self.comparison, self.comparison)} {self.target:,g}{self.unit}"

    def met(self, value: float) -> bool:
        return COMPARISONS[self.comparison](value, self.target)


# Issue 15's goals ("Done when": items 1-5 in one run, 0 x 429 at the default settings).
ISSUE_GOALS = (
    # issue 21 replaced issue 15's ≥ 10,000 models/s (bought by bending Scrapy) with this, on Scrapy's per-item path
    Goal("hub", "spider CPU per model", "<=", 150, ("spider_cpu_us_per_model", "cpu_us_per_model"), " µs"),
    Goal("hub", "wall time, llmbench / plain client", "<=", 1.0, ("wall_ratio_vs_plain", "wall_ratio",
                                                                   "llmbench_vs_plain_wall_ratio"), "x"),
    Goal("model_pages", "496-model run at default politeness", "<", 20, ("unsized_seconds",), " s"),
    Goal("model_pages", "HTTP 429s, 496-model run", "==", 0, ("unsized_429",)),
    Goal("model_pages", "HTTP 429s, long crawl over several windows", "==", 0, ("long_429",)),
    Goal("model_pages", "long crawl: busiest window, share of quota", "<=", 0.9, ("long_busiest_window_share",)),
    Goal("leaderboard", "whole board", "<", 4, ("whole_board.seconds", "seconds"), " s"),
    Goal("leaderboard", "whole board, peak PSS", "<", 500, ("whole_board.peak_pss_mib", "peak_pss_mib"), " MiB"),
    Goal("analysis", "1,000,000 rows end to end", "<", 5, ("seconds",), " s"),
    Goal("analysis", "1,000,000 rows, peak memory", "<", 1024, ("peak_pss_mib", "peak_rss_mib"), " MiB"),
    Goal("startup", "`scrapy crawl hub -a limit=1`, median", "<", 1.3, ("median_seconds",), " s"),
)


def find(document: Any, key: str) -> Any:
    """The value at a dotted path from the top, else under `key` anywhere (depth first), else None."""
    node = document
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            break
        node = node[part]
    else:
        return node
    if isinstance(document, dict):
        if key in document and key != "goals":
            return document[key]
        for name, value in document.items():
            if name != "goals" and (found := find(value, key)) is not None:
                return found
    return None


def declared(module: str, document: dict) -> list[Goal]:
    """Goals a benchmark declares itself in its JSON (`"goals": {...}`)."""
    goals = []
    for key, spec in (document.get("goals") or {}).items():
        match = re.fullmatch(r"\s*(<=|>=|==|<|>)?\s*([-+0-9.eE_,]+)\s*", str(spec))
        if match:
            target = float(match.group(2).replace(",", "").replace("_", ""))
            goals.append(Goal(module, key, match.group(1) or "<=", target, (key,)))
    return goals


def goals_for(module: str, document: dict | None) -> list[Goal]:
    """The issue's goals for `module`, then any others it declares (same key: the issue's wins)."""
    fixed = [goal for goal in ISSUE_GOALS if goal.module == module]
    covered = {key for goal in fixed for key in goal.keys}
    extra = [goal for goal in declared(module, document or {}) if goal.keys[0] not in covered
             and not any(key.endswith("." + goal.keys[0]) for key in covered)]
    return fixed + extra


def measure(goal: Goal, document: dict | None) -> float | None:
    for key in goal.keys:
        value = find(document or {}, key)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
    return None
