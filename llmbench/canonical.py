"""Where the Hub redirects a repo id: legacy `gpt2`, renamed repos, other letter case (docs/hub-api.md §8).

The Hub answers such ids with a 307 to the canonical one; its model info then names the canonical id.
`CanonicalIds` asks once per id that needs it, through the API bucket (`/api/models/{id}?expand=author`,
the smallest body), and remembers the answers in `DATA_DIR/_canonical/models.json` across crawls.
Which ids need it is the caller's call: ids without a namespace always do; others when a join fails.

Use from any spider (the leaderboard spider for its `gpt2` rows, model_pages for `-a models=`):

    canonical = CanonicalIds.from_crawler(self.crawler)
    if canonical.needs_lookup("gpt2"):
        yield canonical.request("gpt2", callback=self.after_lookup, cb_kwargs={...})
    def after_lookup(self, response, model_id, ...):
        target = canonical.learn(model_id, response)   # "openai-community/gpt2", or None when not found
    canonical.redirect_of("gpt2")                       # the `canonical_id` column: None when no redirect

`learn` takes any answer of that request (200, 401, 404); a failed request (errback) leaves the id
unknown, so a later crawl asks again. An id the Hub's rule rejects (`..`, llmbench/repo_ids.py) is never
asked: `needs_lookup` says no, counts it (`canonical/invalid_ids`) and logs it once with where it came from.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any

import scrapy
from scrapy.http import Response

from llmbench.hub_endpoint import HubUrls
from llmbench.repo_ids import InvalidIds, repo_id_problem

logger = logging.getLogger(__name__)

CACHE_FILE = Path("_canonical") / "models.json"
NOT_FOUND_STATUSES = [401, 404]  # anonymous 401 without X-Error-Code means "not found" (docs/hub-api.md §7)


class CanonicalIds:
    """id → canonical id, asked of the Hub once per id and cached under DATA_DIR."""

    def __init__(self, data_dir: str | os.PathLike, endpoint: str, invalid: InvalidIds | None = None) -> None:
        self.path = Path(data_dir) / CACHE_FILE
        self.urls = HubUrls(endpoint)
        self.invalid = invalid
        self.known: dict[str, str] = {}
        self.missing: set[str] = set()  # not found in this crawl (not cached: a repo may appear later)
        if self.path.is_file():
            try:
                loaded = json.loads(self.path.read_text())
            except ValueError:
                loaded = {}
            if isinstance(loaded, dict):
                self.known = {k: v for k, v in loaded.items() if isinstance(k, str) and isinstance(v, str)}

    @classmethod
    def from_crawler(cls, crawler: Any) -> CanonicalIds:
        # Not a crawl failure: the row under such an id is dropped (and counted) by ValidateNamePipeline.
        invalid = InvalidIds(crawler, logger, "canonical/invalid_ids", fail=False)
        return cls(crawler.settings.get("DATA_DIR"), crawler.settings.get("HUB_ENDPOINT"), invalid)

    def get(self, model_id: str) -> str | None:
        """The canonical id (maybe `model_id` itself) when known; None when unknown or not found."""
        return self.known.get(model_id)

    def redirect_of(self, model_id: str) -> str | None:
        """The canonical id when the Hub redirects `model_id` elsewhere (the `canonical_id` column), else None."""
        target = self.known.get(model_id)
        return target if target is not None and target != model_id else None

    def needs_lookup(self, model_id: str, source: str | None = None) -> bool:
        """Whether to ask the Hub; never for an invalid id (counted, logged once naming `source`)."""
        if model_id in self.known or model_id in self.missing:
            return False
        if repo_id_problem(model_id) is not None:
            if self.invalid is not None:
                self.invalid.valid(model_id, source or "the crawl's input", kind="model id")
            self.missing.add(model_id)
            return False
        return True

    def request(self, model_id: str, **kwargs: Any) -> scrapy.Request:
        """The API request that resolves `model_id`; pass callback/errback/cb_kwargs as for any Request.
        ValueError for an invalid id (ask `needs_lookup` first)."""
        meta = kwargs.pop("meta", {}) | {"handle_httpstatus_list": NOT_FOUND_STATUSES}
        return scrapy.Request(self.urls.repo_info(model_id, expand=["author"]), meta=meta, dont_filter=True,
                              **kwargs)

    def learn(self, model_id: str, response: Response) -> str | None:
        """Record the answer to `request(model_id)`: the canonical id, or None when the repo was not found."""
        if response.status in NOT_FOUND_STATUSES:
            self.missing.add(model_id)
            return None
        try:
            body = response.json()
        except ValueError:
            body = None
        target = body.get("id") if isinstance(body, dict) else None
        if not isinstance(target, str) or not target:
            return None  # an answer of another shape: left unknown, asked again next time
        self.known[model_id] = target
        self._save()
        return target

    def _save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(self.path.name + ".tmp")
        tmp.write_text(json.dumps(self.known, indent=0, sort_keys=True))
        os.replace(tmp, self.path)
