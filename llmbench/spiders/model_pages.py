"""`scrapy crawl model_pages`: a parameter count, with provenance, for every model the Hub API left unsized.

    scrapy crawl model_pages                          # the models with null params in the latest hub_models
    scrapy crawl model_pages -a models=org/a,org/b    # or a .txt/.csv/.parquet file, or `hub`

Sources in precedence order: the total the Hub API already gave (`hub_models`, reached by the id or
its canonical one), the model page's `ModelHeader` JSON, the page's "Model size" text, the base model's
count (quantized repos), the safetensors headers (Range reads through the resolvers,
safetensors_headers.py), `config.json` dimensions, the README's explicit statement, the name. The page
(the scarcest bucket) is fetched only when the Hub API has not already shown it to carry no usable
size; the headers are not read when the Hub's total was packed-quantized (they under-count alike).
The first source that answers wins; every source tried is in `candidates` with its answer in words
(`not found`, `gated`, `file not found`, `rate limited`, `server error`). A repo that does not exist
is not sized from its name. Transient failures are retried (truncated JSON too); a model still failing
is not written, so a rerun finishes it, and the crawl exits non-zero. Ids join
`hub_models` case-insensitively, through the Hub's canonical id when needed (llmbench/canonical.py).

With `-s JOBDIR=...` a run skips the models already sized on disk; after a clean stop (Ctrl-C) Scrapy's
saved queue continues the chains in progress first, and the models it did not bring back start once it
ran, so no request is sent twice (docs/resume.md).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote, urlsplit

import scrapy
from scrapy import signals
from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Response

from llmbench.canonical import CanonicalIds
from llmbench.failures import fail_crawl
from llmbench.hub_endpoint import hub_token
from llmbench.items import ModelSizeItem
from llmbench.parsing import hub_answers as answers
from llmbench.parsing.sizes import (
    SizeFinding,
    size_from_base_model,
    size_from_config,
    size_from_hub_row,
    size_from_name,
    size_from_page_json,
    size_from_page_text,
    size_from_readme,
)
from llmbench.repo_ids import InvalidIds, has_namespace, normalize_repo_id, repo_id_problem
from llmbench.spiders.base import BaseSpider
from llmbench.spiders.safetensors_headers import STEP as SAFETENSORS
from llmbench.spiders.safetensors_headers import SafetensorsHeaders
from llmbench.storage import DatasetError, crawl_date, partition_keys, read_snapshot

STEPS = ("hub_api", "model_page", "base_model", SAFETENSORS, "config", "readme")
FILES = {"config": "config.json", "readme": "README.md"}
FILE_STEPS = (*FILES, SAFETENSORS)  # the steps that ask the resolvers for a file


class ModelPagesSpider(SafetensorsHeaders, BaseSpider):
    name = "model_pages"
    handle_httpstatus_list = [401, 403, 404]
    arguments = ("models",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.hub: dict[str, dict[str, Any]] = {}  # by normalized model id
        self.progress_total: int | None = None
        self.left = 0
        self.gated_advised = False
        self.settled: set[str] = set()  # models whose chain ended in this run (sized, or left for a rerun)
        self.after_queue: list[str] = []  # resumed: models to start once the saved queue ran

    # -- which models -------------------------------------------------------------------------
    def load_hub(self) -> None:
        columns = ["model_id", "params", "params_source", "params_reported", "base_models", "base_model_relation",
                   "tags"]
        rows = read_snapshot(self.settings.get("DATA_DIR"), "hub_models").select(columns).to_pylist()
        self.hub = {normalize_repo_id(row["model_id"]): row for row in rows}

    def targets(self) -> list[str]:
        try:
            self.load_hub()
        except DatasetError:
            if self.requested is None:
                raise
        if self.requested is not None:
            return self.requested  # validated by -a models=
        # A snapshot written by llmbench holds valid ids only; one edited by hand may not: never requested.
        invalid = InvalidIds(self.crawler, self.logger, "model_pages/invalid_ids")
        source = f"the hub_models snapshot in {self.settings.get('DATA_DIR')}"
        return sorted(row["model_id"] for row in self.hub.values()
                      if row["params"] is None and invalid.valid(row["model_id"], source, kind="model id"))

    def hub_row(self, model_id: str) -> dict[str, Any] | None:
        row = self.hub.get(normalize_repo_id(model_id))
        canonical = self.canonical.get(model_id)
        return row if row is not None or canonical is None else self.hub.get(normalize_repo_id(canonical))

    def not_yet_done(self, targets: list[str]) -> list[str]:
        """With JOBDIR: the models not sized on disk yet."""
        if not self.settings.get("JOBDIR"):
            return targets
        keys = partition_keys(self.settings.get("DATA_DIR"), "model_sizes", crawl_date(self.settings.get("CRAWL_DATE")))
        done = {normalize_repo_id(key[0]) for key in keys}
        if done:
            self.logger.info("resuming: %d models already sized are skipped", len(done))
        return [t for t in targets if normalize_repo_id(t) not in done]

    def saved_queue_resumed(self) -> bool:
        scheduler = self.crawler.engine.scheduler
        return scheduler is not None and scheduler.has_pending_requests()

    async def start(self):
        self.canonical = CanonicalIds.from_crawler(self.crawler)
        try:
            targets = self.not_yet_done(self.targets())
        except DatasetError as exc:
            fail_crawl(self.crawler, "model_pages/no_input", f"{exc}; or pass -a models=...")
            return
        self.progress_total = len(targets)
        self.crawler.stats.set_value("model_pages/targets", len(targets))
        self.logger.info("sizing %d models", len(targets))
        if self.saved_queue_resumed():  # its chains first; then the models it did not bring back
            self.logger.info("resuming from JOBDIR: the saved request queue continues the crawl")
            self.after_queue = targets
            self.crawler.signals.connect(self.start_the_rest, signal=signals.spider_idle)
            return
        for output in (output for model_id in targets for output in self.begin(model_id)):
            yield output

    def start_the_rest(self) -> None:
        """The saved queue ran: start every model it did not settle (never queued, or lost at the stop)."""
        rest, self.after_queue = [m for m in self.after_queue if m not in self.settled], []
        if rest:
            self.logger.info("the saved queue is done: starting the %d models it did not bring back", len(rest))
            self.crawler.engine.crawl(scrapy.Request("data:,", callback=self.restart, cb_kwargs={"models": rest},
                                                     dont_filter=True))
            raise DontCloseSpider

    def restart(self, response: Response, models: list[str]):
        for model_id in models:
            yield from self.begin(model_id)

    def settle(self, model_id: str) -> None:
        """The model's chain ended (sized, or left for a later run)."""
        self.settled.add(model_id)

    # -- the chain of sources -----------------------------------------------------------------
    def begin(self, model_id: str):
        needs_lookup = not has_namespace(model_id) or (self.hub and self.hub_row(model_id) is None)
        if needs_lookup and self.canonical.needs_lookup(model_id):
            yield self.canonical.request(
                model_id, callback=self.after_lookup, errback=self.step_failed,
                cb_kwargs={"state": self.new_state(model_id, []), "step": "lookup"})
            return
        yield from self.advance(self.new_state(model_id, list(STEPS)))

    def new_state(self, model_id: str, steps: list[str]) -> dict[str, Any]:
        hub = self.hub_row(model_id)
        state = {"model_id": model_id, "steps": steps, "candidates": [], "missing": False,
                 "canonical": self.canonical.get(model_id), "reported": hub.get("params_reported") if hub else None}
        if hub is not None and hub.get("params") is None and "model_page" in steps:
            # The API already returned this repo's safetensors/gguf blocks (none, or under-reporting):
            # the page JSON and sidebar repeat them, so the Pages bucket would be spent for nothing.
            steps.remove("model_page")
            state["candidates"].append("model_page: skipped (the Hub API showed no usable safetensors/gguf total)")
        return state

    @staticmethod
    def no_headers_to_read(hub: dict[str, Any] | None) -> str | None:
        """Why the hub row shows the headers are not worth reading (each read costs resolver requests)."""
        if hub is None:
            return None
        if hub.get("params_source") == "safetensors-quantized":
            return "the Hub's total is packed-quantized; the headers under-count alike"
        if "safetensors" not in (hub.get("tags") or []):
            return "no `safetensors` tag: the repo has no safetensors weights"
        return None

    def after_lookup(self, response: Response, state: dict[str, Any], step: str):
        model_id = state["model_id"]
        if self.canonical.learn(model_id, response) is None and response.status < 400:
            yield from self.answered(state, step, answers.SERVER_ERROR, "server error (unexpected model info)")
            return
        if response.status >= 400:
            yield from self.answered(state, step, *answers.describe_response(response, file_request=False))
            return
        yield from self.begin(model_id)

    def url_for(self, model_id: str, step: str) -> str:
        return self.urls.page(model_id) if step == "model_page" else self.urls.resolve(model_id, FILES[step])

    def advance(self, state: dict[str, Any]):
        """Yield the next request, or the finished item when no source is left or one answered."""
        while state["steps"] and not state["missing"]:
            step = state["steps"].pop(0)
            if step == "hub_api":  # a usable total from the hub crawl: nothing to ask (silent when none)
                finding = size_from_hub_row(self.hub_row(state["model_id"]))
                if finding.params is not None:
                    state["candidates"].append(finding.describe())
                    yield self.finish(state, finding)
                    return
                continue
            if step == SAFETENSORS:
                skip = self.no_headers_to_read(self.hub_row(state["model_id"]))
                if skip:
                    state["candidates"].append(f"{step}: skipped ({skip})")
                    continue
                yield self.safetensors_start(state)
                return
            if step == "base_model":
                finding = size_from_base_model(self.hub_row(state["model_id"]), self.hub_row)
                state["candidates"].append(finding.describe())
                if finding.params is not None:
                    yield self.finish(state, finding)
                    return
                continue
            url = self.url_for(state["canonical"] or state["model_id"], step)
            yield scrapy.Request(url, callback=self.parse_step, errback=self.step_failed, dont_filter=True,
                                 cb_kwargs={"state": state, "step": step})
            return
        yield self.finish(state, None)

    def parse_step(self, response: Response, state: dict[str, Any], step: str):
        if response.meta.get("redirect_urls"):
            path = unquote(urlsplit(response.url).path).lstrip("/")
            canonical = path.split("/resolve/")[0] if step in FILES else path
            # where the Hub redirected: used in later URLs, so only when it is a valid repo id
            valid = canonical != state["model_id"] and repo_id_problem(canonical) is None
            state["canonical"] = canonical if valid else None
        if response.status >= 400:
            yield from self.answered(state, step, *answers.describe_response(response, file_request=step in FILE_STEPS))
            return
        findings = self.read(step, response)
        if findings is None:  # a truncated or invalid body: ask again before a weaker source
            retry = get_retry_request(response.request, spider=self, reason="model_pages/invalid_json")
            if retry is not None:
                yield retry
                return
            findings = [SizeFinding(step, None, note=f"{FILES[step]} is not valid JSON, after retries")]
        for finding in findings:
            state["candidates"].append(finding.describe())
            if finding.params is not None:
                yield self.finish(state, finding)
                return
        yield from self.advance(state)

    def read(self, step: str, response: Response) -> list[SizeFinding] | None:
        """What one source says; None for a body that is not valid JSON (worth asking again)."""
        if step == "model_page":
            return [size_from_page_json(response.text), size_from_page_text(response.text)]
        if step == "config":
            try:
                config = json.loads(response.text)
            except ValueError:
                return None
            if not isinstance(config, dict):
                return [SizeFinding("config", None, note="config.json is not an object")]
            return [size_from_config(config)]
        return [size_from_readme(response.text)]

    def step_failed(self, failure):
        kwargs = failure.request.cb_kwargs
        yield from self.answered(kwargs["state"], kwargs["step"],
                                 *answers.describe_failure(failure, file_request=kwargs["step"] in FILE_STEPS))

    def answered(self, state: dict[str, Any], step: str, word: str, words: str):
        """A source answered with an error: note it in words and stats, then go on, stop, or leave it for later."""
        model_id = state["model_id"]
        self.crawler.stats.inc_value(f"model_pages/answers/{word.replace(' ', '_')}")
        state["candidates"].append(f"{step}: {words}")
        if word in answers.TRANSIENT:
            self.leave_for_resume(state)
            return
        if word in answers.REPO_GONE:
            state["missing"] = True
            self.crawler.stats.inc_value("model_pages/repo_not_found")
            self.logger.warning("repo not found: %s (%s)", model_id, words)
        elif word == answers.GATED:
            state["steps"] = [s for s in state["steps"] if s not in FILE_STEPS]  # every file of it is gated alike
            if not self.gated_advised:
                self.gated_advised = True
                self.logger.warning(answers.gated_advice(model_id, words, self.urls.page(model_id),
                                                         token_set=hub_token() is not None))
        yield from self.advance(state)

    def leave_for_resume(self, state: dict[str, Any]) -> None:
        self.settle(state["model_id"])
        self.left += 1
        message = (f"left {state['model_id']} unsized after transient failures ({state['candidates'][-1]}); "
                   "run the crawl again (same JOBDIR to resume) to finish it")
        if self.left == 1:  # the crawl exits non-zero; later ones are logged and counted
            return fail_crawl(self.crawler, "model_pages/left_for_resume", message)
        self.crawler.stats.inc_value("model_pages/left_for_resume")
        self.logger.warning(message)

    def finish(self, state: dict[str, Any], finding: SizeFinding | None) -> ModelSizeItem:
        model_id, candidates = state["model_id"], state["candidates"]
        self.settle(model_id)
        if finding is None and state["missing"]:
            candidates.append("name: not used (the repo does not exist)")
        elif finding is None:
            by_name = size_from_name(model_id)
            candidates.append(by_name.describe())
            finding = by_name if by_name.params is not None else None
        self.crawler.stats.inc_value(f"model_pages/source/{finding.source if finding else 'unknown'}")
        return ModelSizeItem(
            model_id=model_id, canonical_id=state["canonical"] or self.canonical.redirect_of(model_id),
            params=finding.params if finding else None, params_source=finding.source if finding else None,
            exact=finding.exact if finding else None, reason=None if finding else "; ".join(candidates),
            candidates=list(candidates), hub_params_reported=state["reported"], crawled_at=datetime.now(UTC))
