"""The replica's Hub: every repo, indexed by id (case-insensitively) and by sort order.

The repos themselves are made in `repos/` (`repos/synthesis.py`); the cursors are `hub_api/pagination.py`'s.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import cached_property
from typing import Any

from .evals import model_records
from .hub_api import pagination
from .leaderboard.snapshot import formatted_rows
from .repos import model_index
from .repos import spaces as space_records
from .repos.ids import canonical_id
from .repos.records import ModelRecord
from .repos.synthesis import derived_repos, extra_record, record_from_row


class Catalog:
    """All replica repos, with per-sort indexes for cursor pagination."""

    def __init__(self, *, seed: int = 0, extra_models: int = 0) -> None:
        self.seed = seed
        self.extra_models = extra_models
        self._records: list[ModelRecord] = []
        self._by_id: dict[str, int] = {}
        self._sort_cache: dict[str | None, tuple[list[tuple[Any, str]], list[int]]] = {}
        self._build_from_leaderboard()
        self._count_children()
        # Hook: modules that add repos or fields extend the catalog here, through `add`.
        self.community_evals = model_records.attach(self)  # evalResults on records, observed 2026 models
        self.card_results = model_index.attach(self)  # model-index: recorded cards, bot copies, claims
        self._real_count = len(self._records)
        self.spaces = space_records.attach(self._records, seed)  # the Spaces; sets each model's `spaces`

    def _build_from_leaderboard(self) -> None:
        seen: set[str] = set()
        derived: list[ModelRecord] = []
        for row in formatted_rows():
            name = row["model"]["name"]
            if name in seen:
                continue
            seen.add(name)
            if not row["features"]["is_not_available_on_hub"]:  # misnomer: False = NOT on the Hub
                continue
            record = record_from_row(row, self.seed)
            if record.repo_id.lower() in self._by_id:  # `gpt2` and `openai-community/gpt2` are one repo
                continue
            self.add(record)
            derived.extend(derived_repos(record, self.seed))
        for record in derived:
            if record.repo_id not in self._by_id:
                self.add(record)

    def _count_children(self) -> None:
        """`childrenModelCount`: how many repos name each repo as their base model."""
        for record in self._records:
            for parent in (record.api.get("baseModels") or {}).get("models", []):
                found = self.get(parent["id"])  # a renamed or legacy parent id counts for the repo it names
                if found is not None:
                    found.api["childrenModelCount"] += 1

    def add(self, record: ModelRecord) -> None:
        """Add a repo (before the server starts); its id is matched case-insensitively."""
        self._by_id[record.repo_id.lower()] = len(self._records)
        self._records.append(record)
        self._real_count = len(self._records)
        self._sort_cache.clear()

    # -- lookup -------------------------------------------------------------------------------
    def __len__(self) -> int:
        return self._real_count + self.extra_models

    def record(self, index: int) -> ModelRecord:
        if index < self._real_count:
            return self._records[index]
        return extra_record(index - self._real_count, self.seed)

    def get(self, repo_id: str) -> ModelRecord | None:
        """The repo answering to `repo_id`: its canonical id, a legacy or renamed id, or any letter case."""
        canonical = canonical_id(repo_id, self._canonical_of)
        return None if canonical is None else self._lookup(canonical.lower())

    def canonical(self, repo_id: str) -> str | None:
        """The id the Hub redirects `repo_id` to (itself when already canonical); None when unknown."""
        return canonical_id(repo_id, self._canonical_of)

    def _canonical_of(self, folded: str) -> str | None:
        record = self._lookup(folded)
        return None if record is None else record.repo_id

    def _lookup(self, folded: str) -> ModelRecord | None:
        index = self._by_id.get(folded)
        if index is not None:
            return self._records[index]
        if folded.startswith("synthetic-org-") and "/synthetic-model-" in folded:
            try:
                extra = int(folded.rsplit("-", 1)[1])
            except ValueError:
                return None
            if 0 <= extra < self.extra_models:
                record = extra_record(extra, self.seed)
                if record.repo_id == folded:
                    return record
        return None

    def __iter__(self) -> Iterator[ModelRecord]:
        for index in range(len(self)):
            yield self.record(index)

    @cached_property
    def real_records(self) -> tuple[ModelRecord, ...]:
        return tuple(self._records)

    # -- pagination ---------------------------------------------------------------------------
    def sorted_index(self, sort: str | None) -> tuple[list[tuple[Any, str]], list[int]]:
        """Keys `(−value, _id)` ascending and the record indexes in that order (cached per sort)."""
        if sort not in self._sort_cache:
            self._sort_cache[sort] = pagination.sort_index(self, sort)
        return self._sort_cache[sort]

    def page(self, *, sort: str | None, cursor: str | None, limit: int,
             predicate: Callable[[ModelRecord], bool]) -> tuple[list[ModelRecord], str | None]:
        """One page of matching records after `cursor`, and the next cursor (None on the last page)."""
        keys, order = self.sorted_index(sort)
        return pagination.page(self, keys, order, sort=sort, cursor=cursor, limit=limit, predicate=predicate)
