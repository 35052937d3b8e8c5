"""The replica's Spaces: the Open LLM Leaderboard Space and the community demo Spaces that use board models.

Real: the leaderboard Space's id, its docker SDK and its runtime (served live from the replica's Space
state, leaderboard/space.py), and that popular models are used by many small demo Spaces named
`<user>/<org>-<model>` (the recorded `spaces` of meta-llama/Llama-3.2-3B: 22 Spaces at 286 likes, most of
them named so). **Synthetic** (seeded, per model): how many demo Spaces a model has (about one per 13
likes, at most 24), their users, likes, dates and runtime stages. A model's `spaces` and each Space's
`models` name each other, so both directions agree.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from .records import ModelRecord, iso, object_id
from .synthesis import seeded

LEADERBOARD_SPACE = "open-llm-leaderboard/open_llm_leaderboard"
MAX_SPACES_PER_MODEL = 24
LIKES_PER_SPACE = 13
USERS = ("allknowingroger", "sakuexe", "Illia56", "IamVicky111", "realmachas", "mtcporto", "Inaruss", "realaer",
         "Depsa", "varun324242", "BICORP", "Woziii", "TechXplorer", "Insikoorit", "skimike02", "DjDister",
         "jesuswithclinton", "laohan", "erstrik", "Joaovsales", "sunitbana", "Kukedlc", "John6666", "K00B404",
         "awacke1", "ruslanmv", "Sarath0x8f", "eduagarcia", "fffiloni", "gsaivinay", "Omnibus", "pngwn")
STAGES = ("RUNNING", "SLEEPING", "RUNTIME_ERROR", "PAUSED", "BUILD_ERROR")
STAGE_WEIGHTS = (30, 55, 8, 5, 2)  # community demos mostly sleep (inferred)


@dataclass
class SpaceRecord:
    """One Space; `api` is its full `/api/spaces/{id}` JSON (the runtime of the leaderboard Space is live)."""

    api: dict[str, Any]

    @property
    def repo_id(self) -> str:
        return self.api["id"]


def subdomain(space_id: str) -> str:
    """`owner/name` → `owner-name` in lower case, other characters as dashes (the `*.hf.space` host)."""
    return re.sub(r"[^a-z0-9]+", "-", space_id.lower()).strip("-")


def runtime(stage: str, sha: str, domain: str) -> dict[str, Any]:
    running = stage == "RUNNING"
    return {"stage": stage, "hardware": {"current": "cpu-basic" if running else None, "requested": "cpu-basic"},
            "storage": None, "gcTimeout": 172800, "replicas": {"current": 1 if running else 0, "requested": 1},
            "devMode": False, "domains": [{"domain": domain, "stage": "READY"}], "sha": sha}


def space_api(space_id: str, *, sdk: str, likes: int, created: datetime, last_modified: datetime, stage: str,
              models: list[str], datasets: list[str], tags: list[str], title: str) -> dict[str, Any]:
    sha = hashlib.sha1(f"{space_id}@main".encode()).hexdigest()
    sub = subdomain(space_id)
    return {
        "_id": object_id(space_id), "id": space_id, "author": space_id.split("/", 1)[0], "sha": sha,
        "lastModified": iso(last_modified), "private": False, "gated": False, "disabled": False,
        "host": f"https://{sub}.hf.space", "subdomain": sub, "likes": likes, "trendingScore": likes // 200,
        "sdk": sdk, "tags": tags, "createdAt": iso(created),
        "cardData": {"title": title, "sdk": sdk, "emoji": "🏆" if sdk == "docker" else "🤖", "pinned": False,
                     **({"models": models} if models else {}), **({"datasets": datasets} if datasets else {})},
        "siblings": [{"rfilename": ".gitattributes"}, {"rfilename": "README.md"},
                     {"rfilename": "app.py" if sdk == "gradio" else "Dockerfile"}],
        "runtime": runtime(stage, sha, f"{sub}.hf.space"), "models": models, "datasets": datasets,
        "usedStorage": 20_000 + len(space_id) * 1_000,
    }


def leaderboard_space() -> SpaceRecord:
    """The Open LLM Leaderboard Space (its runtime is replaced by the live one when served)."""
    created = datetime(2023, 4, 26, 9, 2, 11, tzinfo=UTC)
    return SpaceRecord(space_api(
        LEADERBOARD_SPACE, sdk="docker", likes=13_000, created=created,
        last_modified=datetime(2025, 3, 13, 12, 0, 0, tzinfo=UTC), stage="RUNNING", models=[],
        datasets=["open-llm-leaderboard/contents"], tags=["docker", "leaderboard", "region:us"],
        title="Open LLM Leaderboard"))


def demo_spaces(api: dict[str, Any], seed: int) -> list[SpaceRecord]:
    """The demo Spaces that use one model (none for most models: one per ~13 likes)."""
    rng = seeded(seed, api["id"], "spaces")
    count = min(MAX_SPACES_PER_MODEL, round(api.get("likes", 0) / LIKES_PER_SPACE * rng.uniform(0.5, 1.5)))
    if count <= 0:
        return []
    created = datetime.strptime(api["createdAt"], "%Y-%m-%dT%H:%M:%S.000Z").replace(tzinfo=UTC)
    users = rng.sample(USERS, min(count, len(USERS)))
    out = []
    for user in users:
        space_id = f"{user}/{api['id'].replace('/', '-')}"
        made = created + timedelta(days=rng.randint(1, 200), seconds=rng.randint(0, 86_399))
        out.append(SpaceRecord(space_api(
            space_id, sdk="gradio", likes=int(rng.expovariate(0.5)), created=made,
            last_modified=made + timedelta(days=rng.randint(0, 30)),
            stage=rng.choices(STAGES, weights=STAGE_WEIGHTS)[0], models=[api["id"]], datasets=[],
            tags=["gradio", "region:us"], title=api["id"].split("/", 1)[1])))
    return out


def attach(records: Iterable[ModelRecord], seed: int) -> list[SpaceRecord]:
    """Every Space of the replica; sets each model's `spaces` to the Spaces that use it."""
    spaces = [leaderboard_space()]
    for record in records:
        used_by = demo_spaces(record.api, seed)
        record.api["spaces"] = [space.repo_id for space in used_by]
        spaces.extend(used_by)
    return spaces
