"""The hub spider's list pages, in process: one page item per list page holding its models, a bad entry
costs that entry alone, a page in a changed shape fails the crawl, and with a JOBDIR each page leaves its
cursor in `spider.state`
(Scrapy's SpiderState saves it on a clean stop; docs/resume.md)."""

from __future__ import annotations

import pytest
from scrapy import Request
from scrapy.exceptions import CloseSpider

from llmbench.failures import FAILED_STAT
from llmbench.items import HubModelItem, HubModelsPage
from llmbench.spiders.hub import HubSpider
from tests.inprocess import HUB, answer, make_spider


def page_url(n: int) -> str:
    return f"{HUB}/api/models?cursor=page{n}"


def list_page(spider: HubSpider, n: int, ids: list[str], last: bool = False) -> list:
    """What the spider yields for list page `n` holding `ids` (a Link to page n+1 unless `last`)."""
    headers = {} if last else {"Link": f'<{page_url(n + 1)}>; rel="next"'}
    return list(spider.parse_page(answer(page_url(n), [{"id": i} for i in ids], headers=headers)))


def models(output: list) -> list[str]:
    pages = [x for x in output if isinstance(x, HubModelsPage)]
    assert len(pages) <= 1, "one item per list page"
    assert all(isinstance(m, HubModelItem) for page in pages for m in page.models)
    return [m.model_id for page in pages for m in page.models]


@pytest.fixture
def spider(tmp_path) -> HubSpider:
    return make_spider(HubSpider, {"DATA_DIR": str(tmp_path / "data")}, limit="all", page_size="2")


def test_one_page_item_after_the_next_page_request(spider):
    output = list_page(spider, 1, ["org/a", "org/b"])
    assert isinstance(output[0], Request) and output[0].url == page_url(2), "the next page downloads meanwhile"
    assert models(output) == ["org/a", "org/b"] and len(output) == 2
    assert output[1].url == page_url(1) and output[1].eval_results == []


def test_each_page_leaves_its_cursor_in_spider_state(spider):
    spider.state = {}  # as Scrapy's SpiderState sets it with a JOBDIR
    list_page(spider, 1, ["org/a", "org/b"])
    assert spider.state == {"next_page": page_url(2), "models_seen": 2}
    list_page(spider, 2, ["org/c"], last=True)
    assert spider.state == {"next_page": None, "models_seen": 3}, "the listing is done"


def test_the_limit_ends_the_listing_in_spider_state(tmp_path):
    spider = make_spider(HubSpider, {"DATA_DIR": str(tmp_path / "data")}, limit="3", page_size="2")
    spider.state = {}
    list_page(spider, 1, ["org/a", "org/b"])
    output = list_page(spider, 2, ["org/c", "org/d"])
    assert models(output) == ["org/c"] and not [r for r in output if isinstance(r, Request)]
    assert spider.state == {"next_page": None, "models_seen": 3}


def test_a_page_in_a_changed_shape_fails_the_crawl(spider):
    response = answer(page_url(1), {"models": [{"id": "org/a"}]})
    with pytest.raises(CloseSpider):
        list(spider.parse_page(response))
    stats = spider.crawler.stats
    assert stats.get_value(FAILED_STAT) and stats.get_value("hub/unexpected_shape") == 1


def test_a_bad_entry_costs_that_entry_alone(spider):
    output = list(spider.parse_page(answer(page_url(1), [{"id": "org/a"}, {"no": "id"}, {"id": "org/b"}],
                                           headers={"Link": f'<{page_url(2)}>; rel="next"'})))
    assert models(output) == ["org/a", "org/b"]
    stats = spider.crawler.stats
    assert stats.get_value("hub/entries/invalid") == 1 and stats.get_value(FAILED_STAT)
