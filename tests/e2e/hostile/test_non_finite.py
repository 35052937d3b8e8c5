"""Numbers that are not numbers from the board (issue #23, item 6): a `contents` parquet whose scores and
sizes hold NaN and ±Infinity. Each such field is stored as null and counted, the row kept; the crawl says
so in one line; nothing non-finite reaches the written dataset.
"""

from __future__ import annotations

import io
import math
from types import SimpleNamespace

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from llmbench.replica.leaderboard.snapshot import formatted_rows, raw_from_formatted
from tests.e2e.hostile.crafted_hub import FILE_PATH, GOOD_INDEX, INDEX_PATH, CraftedHub

NAN, INF = float("nan"), float("inf")
# row → the raw columns replaced
POISON = {0: {"Average ⬆️": NAN}, 1: {"Average ⬆️": INF, "IFEval": NAN}, 2: {"#Params (B)": INF},
          3: {"#Params (B)": NAN, "CO₂ cost (kg)": INF}, 4: {"MMLU-PRO Raw": -INF}}


def poisoned_parquet(rows: int = 10) -> bytes:
    raw = [raw_from_formatted(r) for r in formatted_rows()[:rows]]
    for index, columns in POISON.items():
        raw[index].update(columns)
    sink = io.BytesIO()
    pq.write_table(pa.Table.from_pylist(raw), sink)
    return sink.getvalue()


@pytest.fixture
def hub():
    served = CraftedHub({INDEX_PATH: (200, "application/json", GOOD_INDEX),
                         FILE_PATH: (200, "application/octet-stream", poisoned_parquet())})
    yield served
    served.close()


def test_non_finite_board_values_are_stored_as_null_and_counted(hub, run_crawl):
    result = run_crawl(SimpleNamespace(hub_url=hub.hub_url, leaderboard_url=hub.leaderboard_url),
                       "leaderboard", {"source": "dataset"}, timeout=120)
    assert result.returncode == 0, result.output[-3000:]
    table = result.table("leaderboard")
    assert table.num_rows == 10  # every row kept
    rows = {r["model_id"]: r for r in table.to_pylist()}
    names = [r["fullname"] for r in (raw_from_formatted(f) for f in formatted_rows()[:10])]
    assert rows[names[0]]["average"] is None and rows[names[1]]["average"] is None
    assert rows[names[1]]["ifeval"] is None and rows[names[1]]["bbh"] is not None  # that field alone
    assert rows[names[2]]["params_billions"] is None and rows[names[3]]["params_billions"] is None
    assert rows[names[3]]["co2_kg"] is None and rows[names[4]]["mmlu_pro_raw"] is None
    for column in table.column_names:
        if pa.types.is_floating(table.schema.field(column).type):
            assert all(math.isfinite(v) for v in table.column(column).to_pylist() if v is not None), column
    for field, count in {"average": 2, "ifeval": 1, "params_billions": 2, "co2_kg": 1, "mmlu_pro_raw": 1}.items():
        assert f"'quality/leaderboard/non_finite/{field}': {count}" in result.output, field
    assert "'quality/leaderboard/invalid/average'" not in result.output  # rejected, not kept as invalid
    said = [line for line in result.output.splitlines() if "not numbers" in line]
    assert len(said) == 1 and "7 values" in said[0] and "leaderboard.average non-finite ×2" in said[0], said
