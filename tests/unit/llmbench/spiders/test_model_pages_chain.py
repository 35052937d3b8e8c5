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
    return {"page": f"{HUB}/{model_id}", "config": f"{HUB}/{model_id}/resolve/main/config.json",
            "readme": f"{HUB}/{model_id}/resolve/main/README.md"}


def run(spider: ModelPagesSpider, answers: dict[str, tuple]) -> tuple[list[ModelSizeItem], list[str]]:
    """Feed the spider's requests their answers until the chains end; (items, URLs asked in order)."""
    pending, items, asked = collect(spider.start()), [], []
    while pending:
        output = pending.pop(0)
        if not isinstance(output, Request):
            items.append(output)
            continue
        asked.append(output.url)
        status, body, headers = answers[output.url]
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
                                           where["readme"]: (200, README, {})})
    assert asked == [where["page"], where["config"], where["readme"]]
    (item,) = items
    assert (item.params, item.params_source, item.exact) == (1_500_000_000, "readme", False)
    sources = [c.split(":")[0] for c in item.candidates]
    assert sources == ["model_page_json", "model_page_text", "base_model", "config", "readme"]
    assert "file not found" in item.candidates[3]


def test_config_beats_the_readme(spider_for):
    model = "org/Llama-Like"
    where = urls(model)
    items, asked = run(spider_for(model), {where["page"]: (200, page(None), {}),
                                           where["config"]: (200, LLAMA_CONFIG, {})})
    assert asked == [where["page"], where["config"]]
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
    items, asked = run(spider_for(model), {where["page"]: (200, page(None), {}), where["config"]: gated})
    assert asked == [where["page"], where["config"]], "the README of a gated repo is gated alike"
    assert items[0].candidates[3].startswith("config: gated")


def test_the_name_is_the_last_resort(spider_for):
    model = "org/Tiny-3B-chat"
    where = urls(model)
    items, _ = run(spider_for(model), {where["page"]: (200, page(None), {}), where["config"]: MISSING_FILE,
                                       where["readme"]: MISSING_FILE})
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
