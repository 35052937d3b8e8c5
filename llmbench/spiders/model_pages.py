"""`scrapy crawl model_pages`: a parameter count, with provenance, for every model the Hub API left unsized.

    scrapy crawl model_pages                          # the models with null params in the latest hub_models
    scrapy crawl model_pages -a models=org/a,org/b    # or a .txt/.csv/.parquet file

Sources in precedence order: the model page's `ModelHeader` JSON, the page's "Model size" text, the
base model's count (quantized repos), `config.json` dimensions, the README's explicit statement, the
name. Requests are spent frugally: the page (the Hub's scarcest bucket, ~100 per 5 min anonymous) is
fetched only when the Hub API has not already shown it to carry no usable size (the page JSON repeats
the API's safetensors/gguf blocks); config.json and the README go through the cheap resolver bucket;
the base model and the name cost nothing. The first source that answers wins; every source tried is
recorded in `candidates`, and a model nobody could size says why in `reason`.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import scrapy
from scrapy.http import Response

from llmbench.failures import fail_crawl
from llmbench.items import ModelSizeItem
from llmbench.model_lists import load_models
from llmbench.parsing.sizes import (
    SizeFinding,
    size_from_config,
    size_from_name,
    size_from_page_json,
    size_from_page_text,
    size_from_readme,
)
from llmbench.storage import DatasetError, crawl_date, partition_keys, read_snapshot

STEPS = ("model_page", "base_model", "config", "readme")


class ModelPagesSpider(scrapy.Spider):
    name = "model_pages"
    handle_httpstatus_list = [404]

    def __init__(self, models: str | None = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.models_spec = models
        self.hub: dict[str, dict[str, Any]] = {}
        self.progress_total: int | None = None

    def load_hub(self) -> None:
        table = read_snapshot(self.settings.get("DATA_DIR"), "hub_models")
        columns = ["model_id", "params", "params_source", "params_reported", "base_models", "base_model_relation"]
        for row in table.select(columns).to_pylist():
            self.hub[row["model_id"]] = row

    def targets(self) -> list[str]:
        explicit = load_models(self.models_spec, self.settings.get("DATA_DIR"))
        try:
            self.load_hub()
        except DatasetError:
            if explicit is None:
                raise
        if explicit is not None:
            return explicit
        return sorted(m for m, row in self.hub.items() if row["params"] is None)

    async def start(self):
        try:
            targets = self.targets()
        except DatasetError as exc:
            fail_crawl(self.crawler, "model_pages/no_input", f"{exc}; or pass -a models=...")
            return
        if self.settings.get("JOBDIR"):
            done = {key[0] for key in partition_keys(self.settings.get("DATA_DIR"), "model_sizes",
                                                     crawl_date(self.settings.get("CRAWL_DATE")))}
            if done:
                self.logger.info("resuming: %d models already sized in this snapshot are skipped", len(done))
                targets = [t for t in targets if t not in done]
        self.progress_total = len(targets)
        self.crawler.stats.set_value("model_pages/targets", len(targets))
        self.logger.info("sizing %d models", len(targets))
        for model_id in targets:
            hub = self.hub.get(model_id)
            steps = list(STEPS)
            candidates: list[str] = []
            if hub is not None:
                # The API already returned this repo's safetensors/gguf blocks (none, or under-reporting):
                # the page JSON and sidebar repeat them, so the Pages bucket would be spent for nothing.
                steps.remove("model_page")
                candidates.append("model_page: skipped (the Hub API showed no usable safetensors/gguf total)")
            state = {"model_id": model_id, "steps": steps, "candidates": candidates,
                     "reported": hub.get("params_reported") if hub else None, "missing": False}
            for output in self.advance(state):
                yield output

    # -- the chain of sources -----------------------------------------------------------------
    def url_for(self, model_id: str, step: str) -> str:
        endpoint = self.settings.get("HUB_ENDPOINT").rstrip("/")
        return {"model_page": f"{endpoint}/{model_id}",
                "config": f"{endpoint}/{model_id}/resolve/main/config.json",
                "readme": f"{endpoint}/{model_id}/raw/main/README.md"}[step]

    def advance(self, state: dict[str, Any]):
        """Yield the next request, or the finished item when no source is left or one answered."""
        while state["steps"] and not state["missing"]:
            step = state["steps"].pop(0)
            if step == "base_model":
                finding = self.base_model_size(state["model_id"])
                state["candidates"].append(finding.describe())
                if finding.params is not None:
                    yield self.finish(state, finding)
                    return
                continue
            yield scrapy.Request(self.url_for(state["model_id"], step), callback=self.parse_step,
                                 errback=self.step_failed, dont_filter=True, meta={"state": state, "step": step})
            return
        yield self.finish(state, None)

    def parse_step(self, response: Response):
        state, step = response.meta["state"], response.meta["step"]
        stats = self.crawler.stats
        if response.status == 404:
            if step == "model_page":
                state["missing"] = True
                stats.inc_value("model_pages/repo_not_found")
                self.logger.warning("repo not found (404): %s", response.url)
                state["candidates"].append("model_page: repo not found (404)")
            else:
                state["candidates"].append(f"{step}: file not found (404)")
        else:
            for finding in self.read(step, response):
                state["candidates"].append(finding.describe())
                if finding.params is not None:
                    yield self.finish(state, finding)
                    return
        yield from self.advance(state)

    def read(self, step: str, response: Response) -> list[SizeFinding]:
        if step == "model_page":
            return [size_from_page_json(response.text), size_from_page_text(response.text)]
        if step == "config":
            try:
                config = json.loads(response.text)
            except ValueError:
                self.crawler.stats.inc_value("model_pages/bad_config")
                return [SizeFinding("config", None, note="config.json is not valid JSON")]
            if not isinstance(config, dict):
                return [SizeFinding("config", None, note="config.json is not an object")]
            return [size_from_config(config)]
        return [size_from_readme(response.text)]

    def step_failed(self, failure):
        request = failure.request
        state, step = request.meta["state"], request.meta["step"]
        self.crawler.stats.inc_value(f"model_pages/errors/{step}")
        self.logger.error("could not fetch %s: %r (the next source is tried)", request.url, failure.value)
        state["candidates"].append(f"{step}: error {type(failure.value).__name__}")
        yield from self.advance(state)

    def base_model_size(self, model_id: str) -> SizeFinding:
        hub = self.hub.get(model_id)
        if not hub or not hub.get("base_models"):
            return SizeFinding("base_model", None, note="no base model recorded")
        if hub.get("base_model_relation") != "quantized":
            return SizeFinding("base_model", None, note=f"relation {hub.get('base_model_relation')}: sizes differ")
        base = hub["base_models"][0]
        base_row = self.hub.get(base)
        if base_row is None or base_row.get("params") is None:
            return SizeFinding("base_model", None, note=f"size of {base} unknown")
        return SizeFinding("base_model", base_row["params"], exact=True, note=f"quantized from {base}")

    def finish(self, state: dict[str, Any], finding: SizeFinding | None) -> ModelSizeItem:
        candidates = state["candidates"]
        if finding is None:
            by_name = size_from_name(state["model_id"])
            candidates.append(by_name.describe())
            if by_name.params is not None:
                finding = by_name
        stats = self.crawler.stats
        stats.inc_value(f"model_pages/source/{finding.source if finding else 'unknown'}")
        return ModelSizeItem(
            model_id=state["model_id"],
            params=finding.params if finding else None,
            params_source=finding.source if finding else None,
            exact=finding.exact if finding else None,
            reason=None if finding else "; ".join(candidates),
            candidates=list(candidates),
            hub_params_reported=state["reported"],
            crawled_at=datetime.now(UTC),
        )
