"""The replica's Community Evals benchmarks: dataset repos tagged `benchmark:official` with an `eval.yaml`.

Real: every dataset id and task id (docs/community-evals.md §2, §6 and the observed rows in
`data/community_evals_observed.csv`). Synthetic: the display names' exact wording, descriptions,
frameworks, task configs/splits, the datasets' counters and dates. `MathArena/aime_2026` is served
with no result filed, so its leaderboard answers an HTTP error as a dataset without one does.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import yaml

OFFICIAL_TAG = "benchmark:official"


@dataclass(frozen=True)
class Benchmark:
    dataset_id: str
    name: str
    framework: str
    tasks: tuple[str, ...]
    filename: str  # the `.eval_results/<file>` model repos file their results under
    description: str = ""

    @property
    def eval_yaml(self) -> str:
        """The `eval.yaml` at the repo root: name, description, evaluation_framework, tasks."""
        tasks = [{"id": task, "config": "default", "split": "test"} for task in self.tasks]
        document = {"name": self.name, "description": self.description or f"{self.name} benchmark.",
                    "evaluation_framework": self.framework, "tasks": tasks}
        return yaml.safe_dump(document, sort_keys=False, allow_unicode=True)


BENCHMARKS: tuple[Benchmark, ...] = (
    Benchmark("cais/hle", "Humanity's Last Exam", "inspect-ai", ("hle",), "hle.yaml"),
    Benchmark("Idavidrein/gpqa", "GPQA", "inspect-ai", ("diamond",), "gpqa.yaml"),
    Benchmark("TIGER-Lab/MMLU-Pro", "MMLU-Pro", "lighteval", ("mmlu_pro",), "mmlu_pro.yaml"),
    Benchmark("openai/gsm8k", "GSM8K", "lighteval", ("gsm8k",), "gsm8k.yaml"),
    Benchmark("SWE-bench/SWE-bench_Verified", "SWE-bench Verified", "swe-bench", ("swe_bench_%_resolved",),
              "swe_bench_verified.yaml"),
    Benchmark("SWE-bench/SWE-bench_Multilingual", "SWE-bench Multilingual", "swe-bench",
              ("swe_bench_multilingual_%_resolved",), "swe_bench_multilingual.yaml"),
    Benchmark("ScaleAI/SWE-bench_Pro", "SWE-Bench Pro", "swe-bench", ("SWE_Bench_Pro",), "swe_bench_pro.yaml"),
    Benchmark("harborframework/terminal-bench-2.0", "Terminal-Bench 2.0", "harbor", ("terminalbench_2",),
              "terminal_bench.yaml"),
    Benchmark("MathArena/aime_2026", "AIME 2026", "matharena", ("MathArena/aime_2026",), "aime_2026.yaml"),
    Benchmark("internlm/WildClawBench", "WildClawBench", "inspect-ai", ("overall", "avg_time"),
              "wildclawbench.yaml", "Agent tasks; avg_time is seconds per task (lower is better)."),
    Benchmark("claw-eval/Claw-Eval", "Claw-Eval", "inspect-ai", ("multi_turn", "multimodal"), "claw_eval.yaml"),
    Benchmark("benchflow/skillsbench", "SkillsBench", "harbor", ("skillsbench_v1_1",), "skillsbench.yaml"),
    Benchmark("datacurve/deep-swe", "Deep SWE", "harbor", ("deep_swe",), "deep_swe.yaml"),
    Benchmark("mercor/apex-agents", "APEX-Agents", "inspect-ai", ("apex-agents",), "apex_agents.yaml"),
    Benchmark("tiiuae/PBench", "PBench", "lighteval", ("average",), "pbench.yaml"),
    Benchmark("ARTPARK-IISc/Vaani-Benchmark-V1.0", "Vaani Benchmark", "custom", ("Hindi_WER",), "vaani.yaml",
              "Speech recognition; word error rate in percent (lower is better)."),
    Benchmark("meituan-longcat/WBench", "WBench", "custom", ("wbench_full",), "wbench.yaml"),
)
BY_ID = {b.dataset_id: b for b in BENCHMARKS}

# Ordinary datasets in the list (not benchmarks), so `filter=benchmark:official` has something to filter.
PLAIN_DATASETS = ("open-llm-leaderboard/contents", "HuggingFaceFW/fineweb", "allenai/c4", "tatsu-lab/alpaca")


def _oid(repo_id: str) -> str:
    return hashlib.sha1(f"dataset:{repo_id}".encode()).hexdigest()[:24]


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def dataset_record(repo_id: str, *, seed: int = 0) -> dict[str, Any]:
    """The full `/api/datasets/{id}` JSON of one replica dataset (counters and dates synthetic)."""
    digest = int(hashlib.sha1(f"{seed}:{repo_id}".encode()).hexdigest(), 16)
    created = datetime(2023, 1, 1, tzinfo=UTC) + timedelta(seconds=digest % 80_000_000)
    benchmark = BY_ID.get(repo_id)
    tags = ["task_categories:question-answering", "language:en", "format:parquet", "region:us"]
    siblings = [".gitattributes", "README.md", "data/test-00000-of-00001.parquet"]
    if benchmark is not None:
        tags.insert(0, OFFICIAL_TAG)
        siblings.insert(2, "eval.yaml")
    return {
        "_id": _oid(repo_id),
        "id": repo_id,
        "author": repo_id.split("/", 1)[0],
        "sha": hashlib.sha1(f"{repo_id}@main".encode()).hexdigest(),
        "lastModified": _iso(created + timedelta(days=digest % 400)),
        "private": False,
        "gated": False,
        "disabled": False,
        "downloads": digest % 200_000,
        "likes": digest % 1_500,
        "trendingScore": digest % 40,
        "tags": tags,
        "description": benchmark.description if benchmark else f"The {repo_id.split('/', 1)[1]} dataset.",
        "createdAt": _iso(created),
        "cardData": {"license": "mit", "language": ["en"]},
        "siblings": [{"rfilename": name} for name in siblings],
    }


LIST_FIELDS = ("_id", "id", "author", "cardData", "disabled", "gated", "lastModified", "likes", "trendingScore",
               "private", "sha", "description", "downloads", "tags", "createdAt")


def list_item(record: dict[str, Any]) -> dict[str, Any]:
    """A `/api/datasets` list entry: the default fields, no siblings."""
    return {key: record[key] for key in LIST_FIELDS if key in record} | {"key": ""}


def all_datasets(seed: int = 0) -> list[dict[str, Any]]:
    """Every replica dataset record, in `_id` order (the list's default order and cursor key)."""
    records = [dataset_record(b.dataset_id, seed=seed) for b in BENCHMARKS]
    records += [dataset_record(repo_id, seed=seed) for repo_id in PLAIN_DATASETS]
    return sorted(records, key=lambda r: r["_id"])
