"""Put Community Evals into the replica's catalog: `evalResults` and the `eval-results` tag on model records,
and records for the observed models that were never on the 2024 board (metadata synthetic, see README).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Protocol

from ..leaderboard.snapshot import formatted_rows
from ..repos.records import BIN_ONLY, SAFETENSORS, ModelRecord, RepoSpec, api_record
from .benchmarks import BY_ID, all_datasets
from .results import (
    RESULTS_TAG,
    SHARE_OF_BOARD,
    CommunityEvals,
    add_observed,
    add_synthetic,
    seeded_rng,
    wrapped,
)


class Repos(Protocol):
    """What `attach` needs of the catalog (which calls it while it is being built): its seed, lookup and `add`."""

    seed: int

    def get(self, repo_id: str) -> ModelRecord | None: ...
    def add(self, record: ModelRecord) -> None: ...


GONE_MODELS = 3  # board models the Hub no longer serves that keep a GPQA leaderboard row
_NAME_SIZE = re.compile(r"[-_](\d+(?:\.\d+)?)[bB](?:[-_]|$)")


def size_in_name(repo_id: str) -> int | None:
    """`Qwen3.8-27B` → 27e9, `Qwen3-235B-A22B-…` → 235e9 (total, not active); None without one."""
    match = _NAME_SIZE.search(repo_id.split("/", 1)[1])
    return int(float(match.group(1)) * 1e9) if match else None


def observed_model_record(repo_id: str, seed: int) -> ModelRecord:
    """A 2026 model repo (metadata synthetic): safetensors sized from its name when it has a size."""
    rng = seeded_rng(seed, repo_id, "observed")
    params = size_in_name(repo_id)
    created = datetime(2026, 1, 5, tzinfo=UTC) + timedelta(seconds=rng.randrange(15_000_000))
    spec = RepoSpec(repo_id=repo_id, created=created, pipeline="text-generation",
                    storage=SAFETENSORS if params else BIN_ONLY, library="transformers",
                    likes=rng.randint(100, 3_000), license="apache-2.0", params=params, chat=True)
    readme = f"---\nlicense: apache-2.0\n---\n\n# {repo_id.split('/', 1)[1]}\n"
    return ModelRecord(api=api_record(spec, rng), storage=spec.storage, params=params, config_file=None,
                       readme=readme)


def attach(catalog: Repos) -> CommunityEvals:
    """Build the results (observed + synthetic) and put them on the catalog's records."""
    evals = CommunityEvals(datasets={record["id"]: record for record in all_datasets(catalog.seed)})
    add_observed(evals)
    for model_id in list(evals.results):
        if catalog.get(model_id) is None:
            catalog.add(observed_model_record(model_id, catalog.seed))
    gone = 0
    seen: set[str] = set()
    for row in formatted_rows():
        name = row["model"]["name"]
        if name in seen or "/" not in name:
            continue
        seen.add(name)
        rng = seeded_rng(catalog.seed, name, "evals-pick")
        if rng.random() >= SHARE_OF_BOARD:
            continue
        record = catalog.get(name)
        if record is None and gone < GONE_MODELS:
            gone += 1
            evals.gone.add(name)
            value = round(row["evaluations"]["gpqa"]["value"] * 100, 1)
            evals.add(name, wrapped(BY_ID["Idavidrein/gpqa"], "diamond", value, model_id=name,
                                    source={"url": f"https://huggingface.co/{name}", "name": "Model Card"}))
        elif record is not None:
            add_synthetic(evals, record.repo_id, row, catalog.seed)
    for model_id, elements in evals.results.items():
        record = catalog.get(model_id)
        if record is None:
            continue
        record.api["evalResults"] = elements
        record.api["tags"] = [*record.api["tags"], RESULTS_TAG]
        if record.api.get("baseModels"):
            evals.derivative.add(model_id)
    return evals
