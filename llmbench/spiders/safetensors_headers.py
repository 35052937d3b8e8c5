"""model_pages' `safetensors` step: the exact count from the repo's safetensors headers, read with Range
requests through the resolvers (llmbench/parsing/safetensors.py, docs/model-sizes.md §4).

Per file: `Range: bytes=0-99999` (most headers fit), and only for a longer header `bytes=8-{N+7}`. First
`model.safetensors`; when the repo has none (404 EntryNotFound), `model.safetensors.index.json` and then
each shard it names, one after the other. The requests go to `/resolve/` (the resolvers' bucket and
download slot); LFS files answer there with a redirect to the storage origin, which the Range follows.
Each answer is bounded (`download_maxsize`): a server that ignores Range and sends gigabytes is refused.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote, urlsplit

import scrapy
from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.http import Response

from llmbench.download_bounds import MIB
from llmbench.hub_endpoint import same_origin
from llmbench.parsing import hub_answers as answers
from llmbench.parsing.safetensors import (
    FIRST_READ,
    INDEX_FILE,
    SINGLE_FILE,
    HeaderError,
    add_counts,
    header_counts,
    header_length,
    index_files,
    size_from_headers,
)
from llmbench.repo_ids import repo_id_problem

STEP = "safetensors"
SOURCE = "safetensors_header"
MARGIN = 64 * 1024  # bytes allowed beyond what a ranged answer should hold
INDEX_LIMIT = {"download_maxsize": 16 * MIB}  # the index of a 1,000-shard model is well under 1 MiB


class SafetensorsHeaders:
    """Mixed into ModelPagesSpider: uses its `urls`, `advance`, `answered`, `finish`, `step_failed`."""

    def safetensors_start(self, state: dict[str, Any]) -> scrapy.Request:
        state[STEP] = {"files": [SINGLE_FILE], "done": 0, "counts": {}}
        return self.header_request(state, SINGLE_FILE)

    def file_url(self, state: dict[str, Any], filename: str) -> str:
        return self.urls.resolve(state["canonical"] or state["model_id"], filename)

    def header_request(self, state: dict[str, Any], filename: str, length: int | None = None) -> scrapy.Request:
        """The first FIRST_READ bytes of `filename`, or (`length` known) bytes 8 to the header's end."""
        wanted, span = (f"bytes=0-{FIRST_READ - 1}", FIRST_READ) if length is None else (f"bytes=8-{length + 7}",
                                                                                        length)
        return scrapy.Request(self.file_url(state, filename), headers={"Range": wanted}, callback=self.parse_header,
                              errback=self.step_failed, dont_filter=True, meta={"download_maxsize": span + MARGIN},
                              cb_kwargs={"state": state, "step": STEP, "filename": filename, "length": length})

    def index_request(self, state: dict[str, Any]) -> scrapy.Request:
        return scrapy.Request(self.file_url(state, INDEX_FILE), callback=self.parse_index, errback=self.step_failed,
                              dont_filter=True, meta=INDEX_LIMIT, cb_kwargs={"state": state, "step": STEP})

    def learn_hub_redirect(self, state: dict[str, Any], response: Response) -> None:
        """A renamed repo's resolver redirects to its new name: later files are asked there (not at the CDN)."""
        hops = [*response.meta.get("redirect_urls", [])[1:], response.url]
        on_hub = [u for u in hops if same_origin(u, self.urls.endpoint) and "/resolve/" in u]
        if on_hub:
            canonical = unquote(urlsplit(on_hub[-1]).path).lstrip("/").split("/resolve/")[0]
            if canonical != state["model_id"] and repo_id_problem(canonical) is None:
                state["canonical"] = canonical

    def refused(self, state: dict[str, Any], response: Response, filename: str):
        """An error answer: a missing file moves on (single file → index → no headers); others as any source."""
        word, words = answers.describe_response(response, file_request=True)
        if word == answers.FILE_NOT_FOUND and filename == SINGLE_FILE:
            yield self.index_request(state)
            return
        if word == answers.FILE_NOT_FOUND and filename == INDEX_FILE:
            state["candidates"].append(f"{SOURCE}: none (no {SINGLE_FILE} or {INDEX_FILE})")
            yield from self.advance(state)
            return
        yield from self.answered(state, STEP, word, f"{filename}: {words}")

    def unreadable(self, state: dict[str, Any], response: Response, filename: str, problem: str):
        """A header or index that cannot be read: asked again (a cut answer), then given up for this source."""
        retry = get_retry_request(response.request, spider=self, reason="model_pages/invalid_safetensors")
        if retry is not None:
            yield retry
            return
        state["candidates"].append(f"{SOURCE}: none ({filename}: {problem}, after retries)")
        yield from self.advance(state)

    def parse_index(self, response: Response, state: dict[str, Any], step: str):
        self.learn_hub_redirect(state, response)
        if response.status >= 400:
            yield from self.refused(state, response, INDEX_FILE)
            return
        try:
            files = index_files(response.body)
        except HeaderError as exc:
            yield from self.unreadable(state, response, INDEX_FILE, str(exc))
            return
        state[STEP] = {"files": files, "done": 0, "counts": {}}
        yield self.header_request(state, files[0])

    def parse_header(self, response: Response, state: dict[str, Any], step: str, filename: str,
                     length: int | None):
        self.learn_hub_redirect(state, response)
        if response.status >= 400:
            yield from self.refused(state, response, filename)
            return
        body = response.body
        try:
            if length is None:
                length = header_length(body[:8])
                if 8 + length > len(body):  # a longer header: one more ranged request for the rest
                    yield self.header_request(state, filename, length)
                    return
                header = body[8:8 + length]
            elif len(body) != length:
                raise HeaderError(f"{len(body)} header bytes of {length}")
            else:
                header = body
            counts = header_counts(header)
        except HeaderError as exc:
            yield from self.unreadable(state, response, filename, str(exc))
            return
        reading = state[STEP]
        reading["counts"] = add_counts(reading["counts"], counts)
        reading["done"] += 1
        if reading["done"] < len(reading["files"]):
            yield self.header_request(state, reading["files"][reading["done"]])
            return
        finding = size_from_headers(reading["counts"], len(reading["files"]))
        state["candidates"].append(finding.describe())
        if finding.params is not None:
            yield self.finish(state, finding)
            return
        yield from self.advance(state)
