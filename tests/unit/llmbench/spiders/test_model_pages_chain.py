"""The model_pages chain of sources, in process: each answer built as a TextResponse and handed to the
callback (or, for an HTTP error Scrapy would not pass on, to the errback), in the order the spider asks."""

from __future__ import annotations

import html
import json
from pathlib import Path

import pytest
from scrapy import Request
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from llmbench.failures import FAILED_STAT
from llmbench.items import ModelSizeItem
from llmbench.spiders.model_pages import ModelPagesSpider
from tests.inprocess import HUB, answer, collect, make_spider, unstarted_engine

SAMPLES = Path(__file__).resolve().parents[3] / "fixtures" / "hub-samples"
GGUF_PROPS = json.loads((SAMPLES / "page_TheBloke_Mistral-7B-v0.1-GGUF_ModelHeader_props.json").read_text())
LLAMA_CONFIG = {"model_type": "llama", "hidden_size": 4096, "num_hidden_layers": 32, "vocab_size": 32000,
                "num_attention_heads": 32, "intermediate_size": 11008}
README = "---\nlicense: mit\n---\n# A model\nThis model has 1.5 billion parameters.\n"
MISSING_FILE = (404, {"error": "Entry not found"}, {"X-Error-Code": "EntryNotFound"})


def page(props: dict | None) -> str:
    header = f'<div data-target="ModelHeader" data-props="{html.escape(json.dumps(props))}"></div>' if props else ""
    return f"<html><body>{header}<p>A model card</p></body></html>"


def urls(model_id: str) -> dict[str, str]:
    resolve = f"{HUB}/{model_id}/resolve/main"
    return {"page": f"{HUB}/{model_id}", "config": f"{resolve}/config.json", "readme": f"{resolve}/README.md",
            "single": f"{resolve}/model.safetensors", "index": f"{resolve}/model.safetensors.index.json"}


def no_safetensors(where: dict[str, str]) -> dict[str, tuple]:
    return {where["single"]: MISSING_FILE, where["index"]: MISSING_FILE}


def run(spider: ModelPagesSpider, answers: dict[str, tuple]) -> tuple[list[ModelSizeItem], list[str]]:
    """Feed the spider's requests their answers until the chains end; (items, URLs asked in order)."""
    pending, items, asked = collect(spider.start()), [], []
    while pending:
        output = pending.pop(0)
        if not isinstance(output, Request):
            items.append(output)
            continue
        asked.append(output.url)
        given = answers[output.url]  # a list: one answer per request to that URL, in order
        status, body, headers = given.pop(0) if isinstance(given, list) else given
        response = answer(output.url, body, status, headers, request=output)
        if status < 400 or status in spider.handle_httpstatus_list:
            pending.extend(output.callback(response, **output.cb_kwargs) or [])
        else:  # what HttpErrorMiddleware hands the errback once retries are spent
            failure = Failure(HttpError(response, "Ignoring non-200 response"))
            failure.request = output
            pending.extend(output.errback(failure) or [])
    return items, asked


@pytest.fixture
def spider_for(tmp_path):
    def build(*models: str) -> ModelPagesSpider:
        spider = make_spider(ModelPagesSpider, {"DATA_DIR": str(tmp_path / "data"), "JOBDIR": None},
                             models=",".join(models))
        unstarted_engine(spider.crawler)
        return spider
    return build


def test_the_page_json_answers_first_and_alone(spider_for):
    model = "TheBloke/Mistral-7B-v0.1-GGUF"
    items, asked = run(spider_for(model), {urls(model)["page"]: (200, page(GGUF_PROPS), {})})
    assert asked == [urls(model)["page"]], "no file is fetched once the page answered"
    (item,) = items
    assert (item.params, item.params_source, item.exact) == (7241732096, "model_page_json", True)
    assert item.reason is None


def test_each_weaker_source_in_turn_with_every_answer_recorded(spider_for):
    model = "org/Plain-Model"
    where = urls(model)
    items, asked = run(spider_for(model), {where["page"]: (200, page(None), {}), where["config"]: MISSING_FILE,
                                           where["readme"]: (200, README, {})} | no_safetensors(where))
    assert asked == [where["page"], where["single"], where["index"], where["config"], where["readme"]]
    (item,) = items
    assert (item.params, item.params_source, item.exact) == (1_500_000_000, "readme", False)
    sources = [c.split(":")[0] for c in item.candidates]
    assert sources == ["model_page_json", "model_page_text", "base_model", "safetensors_header", "config", "readme"]
    assert item.candidates[3] == "safetensors_header: none (no model.safetensors or model.safetensors.index.json)"
    assert "file not found" in item.candidates[4]


def test_config_beats_the_readme(spider_for):
    model = "org/Llama-Like"
    where = urls(model)
    items, asked = run(spider_for(model), {where["page"]: (200, page(None), {}),
                                           where["config"]: (200, LLAMA_CONFIG, {})} | no_safetensors(where))
    assert asked == [where["page"], where["single"], where["index"], where["config"]]
    assert items[0].params_source == "config" and 6e9 < items[0].params < 7e9 and items[0].exact is False


def test_a_repo_that_does_not_exist_stops_the_chain_and_is_not_sized_by_name(spider_for):
    model = "nobody/Mystery-7B"
    items, asked = run(spider_for(model), {urls(model)["page"]: (404, "Not found", {"X-Error-Code": "RepoNotFound"})})
    assert asked == [urls(model)["page"]]
    (item,) = items
    assert item.params is None and "not found" in item.reason and "name: not used" in item.reason
    assert item.candidates[0].startswith("model_page: not found")


def test_a_gated_repo_skips_its_other_files(spider_for):
    model = "org/Gated-Model"
    where = urls(model)
    gated = (401, {"error": "Access restricted"}, {"X-Error-Code": "GatedRepo"})
    items, asked = run(spider_for(model), {where["page"]: (200, page(None), {}), where["single"]: gated})
    assert asked == [where["page"], where["single"]], "its config and README are gated alike"
    assert items[0].candidates[3].startswith("safetensors: model.safetensors: gated")


def test_the_name_is_the_last_resort(spider_for):
    model = "org/Tiny-3B-chat"
    where = urls(model)
    items, _ = run(spider_for(model), {where["page"]: (200, page(None), {}), where["config"]: MISSING_FILE,
                                       where["readme"]: MISSING_FILE} | no_safetensors(where))
    assert (items[0].params, items[0].params_source) == (3_000_000_000, "name")


def test_a_server_error_leaves_the_model_for_a_rerun_and_fails_the_crawl(spider_for):
    model, other = "org/Flaky-7B", "org/Fine-Model"
    answers = {urls(model)["page"]: (503, {"error": "busy"}, {}),
               urls(other)["page"]: (200, page(GGUF_PROPS), {})}
    spider = spider_for(model, other)
    items, _ = run(spider, answers)
    assert [i.model_id for i in items] == [other], "nothing is written for the model left unsized"
    stats = spider.crawler.stats
    assert stats.get_value(FAILED_STAT) and stats.get_value("model_pages/left_for_resume") == 1


def ranged(content: bytes, request_range: str) -> tuple:
    """A 206 answer with the bytes of `content` a `bytes=a-b` range asks for."""
    first, last = (int(x) for x in request_range.removeprefix("bytes=").split("-"))
    part = content[first:last + 1]
    return 206, part, {"Content-Range": f"bytes {first}-{first + len(part) - 1}/{len(content)}"}


def test_safetensors_headers_sharded_and_a_header_longer_than_the_first_read(spider_for):
    """Index, then per shard `bytes=0-99999`, and for a longer header `bytes=8-{N+7}`; the sum is exact."""
    from llmbench.replica.repos.weights import build_files, decode_header, encode_header, weight_filenames

    model = "org/Sharded-11B"
    where = urls(model)
    parameters = {"BF16": 11_000_000_007, "F32": 4096}
    files = build_files(parameters, "llama", weight_filenames(11_000_000_007, packed=False))
    shard_urls = {name: f"{HUB}/{model}/resolve/main/{name}" for name in files.files}
    answers: dict = {where["page"]: (200, page(None), {}), where["single"]: MISSING_FILE,
                     where["index"]: (200, files.index, {})}
    long_header = "model-00001-of-00002.safetensors"  # metadata this long is rare, but a header may be
    for name, weight in files.files.items():
        header = weight.header
        if name == long_header:
            entries = decode_header(header)
            entries["__metadata__"]["notes"] = "x" * 150_000
            header = encode_header(entries)
        content = header + bytes(64)
        reads = [ranged(content, "bytes=0-99999")]
        if name == long_header:
            reads.append(ranged(content, f"bytes=8-{len(header) - 1}"))
        answers[shard_urls[name]] = reads
    spider = spider_for(model)
    items, asked = run(spider, answers)
    assert asked[:3] == [where["page"], where["single"], where["index"]]
    assert sorted(asked[3:]) == sorted([*shard_urls.values(), shard_urls[long_header]])
    (item,) = items
    assert (item.params, item.params_source, item.exact) == (11_000_004_103, "safetensors_header", True)
    assert item.candidates[-1] == "safetensors_header: 11000004103 (exact; 2 files: BF16 11000000007, F32 4096)"
