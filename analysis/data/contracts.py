"""The column contracts of the score datasets the analysis reads but this checkout's crawl may not
declare yet (issue #25): `card_results` (model-index results the hub spider collects) and
`leaderboard_v1` (the archived v1 board, `scrapy crawl leaderboard -a board=v1`).

Where llmbench/items.py declares the dataset, its schema wins (analysis/data/read.py merges these
under it); these types are what the analysis needs to read, so a file with other types is refused
with the same one-line error as any dataset's.
"""

from __future__ import annotations

import pyarrow as pa

TIMESTAMP = pa.timestamp("ms", tz="UTC")

CARD_RESULTS = pa.schema([
    ("model_id", pa.string()), ("entry_name", pa.string()), ("result_index", pa.int64()),
    ("metric_index", pa.int64()), ("task_type", pa.string()), ("task_name", pa.string()),
    ("dataset_type", pa.string()), ("dataset_name", pa.string()), ("dataset_config", pa.string()),
    ("dataset_split", pa.string()), ("dataset_revision", pa.string()), ("num_few_shot", pa.int64()),
    ("metric_type", pa.string()), ("metric_name", pa.string()), ("value", pa.string()),
    ("value_number", pa.float64()), ("value_pct", pa.float64()), ("value_pct_reason", pa.string()),
    ("source_name", pa.string()), ("source_url", pa.string()), ("source_kind", pa.string()),
    ("verified", pa.bool_()), ("verify_token", pa.string()), ("crawled_at", TIMESTAMP),
])
V1_BENCHMARKS = ("arc", "hellaswag", "mmlu", "truthfulqa", "winogrande", "gsm8k")
LEADERBOARD_V1 = pa.schema([
    ("model_id", pa.string()), ("canonical_id", pa.string()), ("precision", pa.string()), ("revision", pa.string()),
    ("type", pa.string()), ("type_symbol", pa.string()), ("weight_type", pa.string()),
    ("architecture", pa.string()), ("average", pa.float64()), *((b, pa.float64()) for b in V1_BENCHMARKS),
    ("params_billions", pa.float64()), ("license", pa.string()), ("hearts", pa.int64()), ("is_merged", pa.bool_()),
    ("is_moe", pa.bool_()), ("is_flagged", pa.bool_()), ("available_on_hub", pa.bool_()),
    ("submission_date", pa.string()), ("submitted_at", TIMESTAMP), ("source", pa.string()),
    ("crawled_at", TIMESTAMP), ("url", pa.string()),
])
SCHEMAS = {"card_results": CARD_RESULTS, "leaderboard_v1": LEADERBOARD_V1}
KEYS = {"card_results": ("model_id", "entry_name", "result_index", "metric_index"),
        "leaderboard_v1": ("model_id", "precision", "revision")}
