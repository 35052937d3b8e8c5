"""The efficiency floor: why per-parameter and per-kg ratios are taken only above it, and how the
results move with it.

The board's normalized scores subtract each benchmark's random baseline, so a model answering at
chance scores about 0 on BBH, GPQA, MuSR, MMLU-Pro and MATH; IFEval has no such baseline (any model
that follows some format instructions scores there). Dividing such a model's average by a small size
rewards being tiny, not being capable. The floor is justified from the data: the models at chance
(normalized score ≤ 3 points, `CHANCE_POINTS`, on at least 4 of those five tasks, `CHANCE_TASKS`) reach averages up
to their 99th percentile on IFEval alone; a floor at or above it leaves them out. The sensitivity
table recomputes the efficiency statistics at several floors.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from analysis.statistics.estimates import efficiency

BASELINED = ("bbh", "gpqa", "musr", "mmlu_pro", "math")  # tasks whose normalized score removes chance
CHANCE_POINTS = 3.0  # normalized points: at chance, within noise
CHANCE_TASKS = 4  # of the five
FLOORS = (0.0, 5.0, 10.0, 15.0, 20.0, 25.0)


def chance_level(table: pd.DataFrame) -> dict[str, Any]:
    """The averages of the models at chance on most baselined tasks: n, median, 95th and 99th
    percentiles, and the floor they suggest (the 99th percentile rounded up to a whole point)."""
    present = [c for c in BASELINED if c in table]
    scores = table[present].to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        at_chance = (scores <= CHANCE_POINTS).sum(axis=1) >= min(CHANCE_TASKS, len(present))
    averages = table["average"].to_numpy(dtype=float)[at_chance]
    averages = averages[np.isfinite(averages)]
    rule = (f"models with a normalized score of at most {CHANCE_POINTS:g} points on at least {CHANCE_TASKS} of "
            f"{', '.join(BASELINED)} (at chance: the normalization removes the random baseline)")
    if len(averages) < 10:
        return {"rule": rule, "n": int(len(averages)), "suggested_floor": None,
                "note": f"too few models at chance (n = {len(averages)}; needs 10) to derive a floor"}
    p95, p99 = np.percentile(averages, [95, 99])
    return {"rule": rule, "n": int(len(averages)), "median_average": float(np.median(averages)),
            "p95_average": float(p95), "p99_average": float(p99), "max_average": float(averages.max()),
            "suggested_floor": float(math.ceil(p99))}


def sensitivity(table: pd.DataFrame, floors: tuple[float, ...] = FLOORS, top: int = 3) -> list[dict[str, Any]]:
    """Per floor: models above it, the median score per billion and per kg, the Pareto fronts' sizes
    and the top `top` models per billion (audited sizes)."""
    rows = []
    for floor in floors:
        above = (table["average"] >= floor).to_numpy(dtype=bool)
        size = efficiency(table, "params_b", "score_per_b", "per billion", top=top, rows=above)
        co2 = efficiency(table, "co2_kg", "score_per_kg", "per kg", top=top, rows=above)
        rows.append({"floor": floor, "n_size": size["n"], "median_score_per_b": size["statistic"],
                     "pareto_size": len(size["pareto"]), "n_co2": co2["n"], "median_score_per_kg": co2["statistic"],
                     "pareto_co2": len(co2["pareto"]),
                     "top_per_b": [f"{t['model_id']} ({t['params_b']:.2f} B, {t['average']:.1f})"
                                   for t in size["top"]]})
    return rows


def floor_report(table: pd.DataFrame, floor: float) -> dict[str, Any]:
    """results.json `efficiency_floor`: the floor in use, its justification and the sensitivity table."""
    chance = chance_level(table)
    suggested = chance.get("suggested_floor")
    verdict = ("no data-derived floor (too few models at chance)" if suggested is None else
               f"the floor in use ({floor:g}) is at or above the 99th percentile of the at-chance models' averages "
               f"({chance['p99_average']:.2f})" if floor >= chance["p99_average"] else
               f"the floor in use ({floor:g}) is BELOW the 99th percentile of the at-chance models' averages "
               f"({chance['p99_average']:.2f}): models at chance remain among the ratios")
    floors = tuple(sorted({*FLOORS, float(floor)}))
    return {"method": (__doc__ or "").split("\n\n")[1].replace("\n", " "), "floor": floor, "chance_level": chance,
            "justification": verdict, "sensitivity": sensitivity(table, floors)}
