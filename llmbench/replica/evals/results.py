"""Community Evals results of the replica: every real observed row, plus a deterministic synthetic population.

Real: each row of `data/community_evals_observed.csv` (values seen on rendered model pages and the
SWE-bench Verified top three printed in the Hub's docs) is filed on its model as seen, `community_pr`
as an open pull request. GPQA and MMLU-Pro values of the synthetic population are the board's real raw
scores of those models (the Open LLM Leaderboard evaluated the same datasets), filed mostly as
percentages and some as the raw fraction. Synthetic (from `seed`): which ~9% of board models file
results, every other benchmark's value (derived from the model's board average), verified/PR/source/
notes/date choices, error placeholders, author types, the metadata of observed models that are not
on the 2024 board, and three board models the Hub no longer serves that still have a GPQA row.
"""

from __future__ import annotations

import csv
import hashlib
import io
import random
import zlib
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from .benchmarks import BENCHMARKS, BY_ID, Benchmark

OBSERVED_FILE = "community_evals_observed.csv"
RESULTS_TAG = "eval-results"
SHARE_OF_BOARD = 0.09
# Filed without `source` (6 of 98 real GPQA rows have none): the docs' rank 3, as the inferred example shows it.
WITHOUT_SOURCE = {("stepfun-ai/Step-3.5-Flash", "SWE-bench/SWE-bench_Verified")}
# (benchmark, task) → value from a strength s in [0, 1]: (offset, span, noise); None = real board score.
SYNTHETIC_VALUES = {
    ("cais/hle", "hle"): (2, 14, 1.5), ("openai/gsm8k", "gsm8k"): (20, 72, 5),
    ("SWE-bench/SWE-bench_Verified", "swe_bench_%_resolved"): (5, 55, 4),
    ("ScaleAI/SWE-bench_Pro", "SWE_Bench_Pro"): (2, 35, 3),
    ("harborframework/terminal-bench-2.0", "terminalbench_2"): (3, 40, 3),
    ("internlm/WildClawBench", "overall"): (10, 45, 3), ("internlm/WildClawBench", "avg_time"): (900, -450, 60),
    ("claw-eval/Claw-Eval", "multi_turn"): (15, 50, 4), ("claw-eval/Claw-Eval", "multimodal"): (12, 48, 4),
    ("benchflow/skillsbench", "skillsbench_v1_1"): (5, 40, 3),
}
FRACTION_SHARE = {"Idavidrein/gpqa": 0.15, "TIGER-Lab/MMLU-Pro": 0.10, "openai/gsm8k": 0.20}
ERRORS = ("✖ Invalid input: expected string, received null\n  → at [0].source.url",
          "✖ Invalid input: expected number, received string\n  → at [0].value")


def seeded_rng(seed: int, *parts: str) -> random.Random:
    return random.Random(seed * 1_000_003 + zlib.crc32("\x1f".join(parts).encode()))


def observed_rows() -> list[dict[str, str]]:
    text = resources.files("llmbench.replica.evals").joinpath("data", OBSERVED_FILE).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def as_filed(text: str) -> int | float:
    """`79` was filed as an integer, `88.1` as a float."""
    number = float(text)
    return int(number) if number.is_integer() and "." not in text else number


def avatar(name: str) -> str:
    return f"https://cdn-avatars.huggingface.co/v1/production/uploads/{hashlib.sha1(name.encode()).hexdigest()[:24]}.png"


@dataclass
class CommunityEvals:
    """Results per model (`evalResults` as served) and the leaderboard rows derived from them."""

    results: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    orgs: set[str] = field(default_factory=set)  # authors that are organisations
    derivative: set[str] = field(default_factory=set)  # models that declare a base model
    gone: set[str] = field(default_factory=set)  # on a board, no longer served by the Hub
    datasets: dict[str, dict[str, Any]] = field(default_factory=dict)  # `/api/datasets/{id}` records by id

    def add(self, model_id: str, element: dict[str, Any]) -> None:
        self.results.setdefault(model_id, []).append(element)

    def leaderboard(self, dataset_id: str, *, base_model_only: bool) -> list[dict[str, Any]] | None:
        """The bare-array leaderboard of a dataset, ranked per task; None when nobody filed a result."""
        benchmark = BY_ID.get(dataset_id)
        if benchmark is None:
            return None
        rows: list[dict[str, Any]] = []
        for task in benchmark.tasks:
            entries = [(model_id, e) for model_id, elements in self.results.items() for e in elements
                       if "data" in e and e["data"]["dataset"] == {"id": dataset_id, "task_id": task}
                       and not (base_model_only and model_id in self.derivative)]
            entries.sort(key=lambda pair: (-float(pair[1]["data"]["value"]), pair[0]))
            rows += [self._row(rank, model_id, e) for rank, (model_id, e) in enumerate(entries, 1)]
        return rows or None

    def _row(self, rank: int, model_id: str, element: dict[str, Any]) -> dict[str, Any]:
        data = element["data"]
        author = model_id.split("/", 1)[0]
        row: dict[str, Any] = {"rank": rank, "modelId": model_id, "value": data["value"],
                               "filename": element["filename"], "verified": element["verified"]}
        if "source" in data:
            source = {"url": data["source"]["url"], "name": data["source"].get("name", ""),
                      "isExternal": not data["source"]["url"].startswith("https://huggingface.co/")}
            row["source"] = source
        kind = "org" if author in self.orgs else "user"
        row["author"] = {"_id": hashlib.sha1(author.encode()).hexdigest()[:24], "avatarUrl": avatar(author),
                         "fullname": author, "name": author, "type": kind}
        if "pullRequest" in element:
            row["pullRequest"] = element["pullRequest"]
        if "notes" in data:
            row["notes"] = data["notes"]
        return row


def wrapped(benchmark: Benchmark, task: str, value: int | float, *, model_id: str,
            pull_request: int | None = None, source: dict[str, str] | None = None,
            verified: bool = False, notes: str | None = None, date: str | None = None) -> dict[str, Any]:
    """One `evalResults` element: `{filename, verified, data, pullRequest?}`."""
    data: dict[str, Any] = {"dataset": {"id": benchmark.dataset_id, "task_id": task}, "value": value}
    if verified:
        data["verifyToken"] = "eyJhbGciOiJFZERTQSJ9." + hashlib.sha1(f"{model_id}{task}".encode()).hexdigest()
    if date:
        data["date"] = date
    if source:
        data["source"] = source
    if notes:
        data["notes"] = notes
    element: dict[str, Any] = {"filename": f".eval_results/{benchmark.filename}", "verified": verified,
                               "data": data}
    if pull_request is not None:
        element["pullRequest"] = pull_request
    return element


def add_observed(evals: CommunityEvals) -> None:
    """Every real row, as seen: a model-card source, an open PR where the page showed one."""
    for row in observed_rows():
        model_id, benchmark = row["model_id"], BY_ID[row["dataset_id"]]
        evals.orgs.add(model_id.split("/", 1)[0])
        rng = seeded_rng(0, model_id, row["dataset_id"], row["task_id"])
        model_card = {"url": f"https://huggingface.co/{model_id}", "name": "Model Card"}
        source = None if (model_id, row["dataset_id"]) in WITHOUT_SOURCE else model_card
        pull = rng.randint(2, 60) if row["community_pr"] == "true" else None
        evals.add(model_id, wrapped(benchmark, row["task_id"], as_filed(row["value"]), model_id=model_id,
                                    pull_request=pull, source=source))
    # The placeholder of the inferred payload example (docs/community-evals.md §4; synthesized, not recorded).
    evals.add("deepseek-ai/DeepSeek-V4-Flash", {"filename": ".eval_results/mdpbench.yaml",
                                                "error": ERRORS[0].replace("[0]", "[18]")})


def synthetic_source(model_id: str, rng: random.Random) -> dict[str, str] | None:
    roll = rng.random()
    author = model_id.split("/", 1)[0]
    if roll < 0.6:
        return {"url": f"https://huggingface.co/{model_id}", "name": "Model Card"}
    if roll < 0.8:
        return {"url": f"https://huggingface.co/spaces/{author}/evals", "name": "Eval Logs", "user": author}
    if roll < 0.9:
        return {"url": f"https://github.com/{author}/evals", "name": "Paper"}
    return None


def add_synthetic(evals: CommunityEvals, model_id: str, board_row: dict[str, Any], seed: int) -> None:
    """Results of one board model: GPQA and MMLU-Pro (real raw scores), a few others (synthetic)."""
    rng = seeded_rng(seed, model_id, "evals")
    strength = max(0.0, min(1.0, board_row["model"]["average_score"] / 50))
    if board_row["features"]["is_official_provider"] or rng.random() < 0.3:
        evals.orgs.add(model_id.split("/", 1)[0])
    for benchmark in BENCHMARKS:
        for task in benchmark.tasks:
            key = (benchmark.dataset_id, task)
            if key in (("Idavidrein/gpqa", "diamond"), ("TIGER-Lab/MMLU-Pro", "mmlu_pro")):
                raw = board_row["evaluations"]["gpqa" if "gpqa" in benchmark.dataset_id else "mmlu_pro"]["value"]
            elif task == "avg_time" and _has(evals, model_id, benchmark):  # filed beside `overall` only
                offset, span, noise = SYNTHETIC_VALUES[key]
                raw = max(60.0, offset + span * strength + rng.gauss(0, noise))
            elif key in SYNTHETIC_VALUES and task != "avg_time" and rng.random() < 0.25:
                offset, span, noise = SYNTHETIC_VALUES[key]
                raw = max(0.0, offset + span * strength + rng.gauss(0, noise)) / 100
            else:
                continue
            if task == "avg_time":
                value: int | float = int(raw)
            elif rng.random() < FRACTION_SHARE.get(benchmark.dataset_id, 0.03):
                value = round(min(raw, 1.0), 4)
            else:
                value = round(min(raw, 1.0) * 100, 1)
            evals.add(model_id, wrapped(
                benchmark, task, value, model_id=model_id,
                pull_request=rng.randint(1, 80) if rng.random() < 0.2 else None,
                source=synthetic_source(model_id, rng), verified=rng.random() < 0.1,
                notes=rng.choice(("chain-of-thought", "no-tools", "5-shot")) if rng.random() < 0.1 else None,
                date=f"2026-{rng.randint(2, 9):02d}-{rng.randint(1, 28):02d}" if rng.random() < 0.7 else None))
    if rng.random() < 0.03:
        evals.add(model_id, {"filename": f".eval_results/{rng.choice(BENCHMARKS).filename}",
                             "error": rng.choice(ERRORS)})


def _has(evals: CommunityEvals, model_id: str, benchmark: Benchmark) -> bool:
    return any(e.get("data", {}).get("dataset", {}).get("id") == benchmark.dataset_id
               for e in evals.results.get(model_id, []))
