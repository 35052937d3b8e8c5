"""The hub spider's JOBDIR checkpoint, in process: a page is checkpointed only once every row it yielded
is on disk (or dropped), pages in order, and a new crawl starts from the checkpoint."""

from __future__ import annotations

import json

import pytest
from scrapy import Request, signals
from scrapy.exceptions import CloseSpider

from llmbench.batches import members
from llmbench.failures import FAILED_STAT
from llmbench.items import HubModelItem
from llmbench.signals import batch_written
from llmbench.spiders.hub import CHECKPOINT_FILE, HubSpider
from tests.inprocess import HUB, answer, collect, make_spider, unstarted_engine


def page_url(n: int) -> str:
    return f"{HUB}/api/models?cursor=page{n}"


def list_page(spider: HubSpider, n: int, ids: list[str], last: bool = False) -> list:
    """What the spider yields for list page `n` holding `ids` (a Link to page n+1 unless `last`)."""
    headers = {} if last else {"Link": f'<{page_url(n + 1)}>; rel="next"'}
    return list(spider.parse_page(answer(page_url(n), [{"id": i} for i in ids], headers=headers)))


def written(spider: HubSpider, items: list) -> None:
    """As the parquet writer announces a batch on disk."""
    spider.crawler.signals.send_catch_log(batch_written, items=items)


def items_of(output: list) -> list[HubModelItem]:
    """The models of a page: yielded as one ItemBatch (llmbench/batches.py)."""
    return [x for item in output for x in members(item) if isinstance(x, HubModelItem)]


@pytest.fixture
def jobdir(tmp_path):
    return tmp_path / "job"


@pytest.fixture
def spider(jobdir, tmp_path) -> HubSpider:
    return make_spider(HubSpider, {"JOBDIR": str(jobdir), "DATA_DIR": str(tmp_path / "data")},
                       limit="all", page_size="2")


def checkpoint(jobdir) -> dict | None:
    path = jobdir / CHECKPOINT_FILE
    return json.loads(path.read_text()) if path.exists() else None


def test_a_page_is_checkpointed_once_all_its_rows_are_on_disk(spider, jobdir):
    output = list_page(spider, 1, ["org/a", "org/b"])
    assert [r.url for r in output if isinstance(r, Request)] == [page_url(2)]
    a, b = items_of(output)
    assert checkpoint(jobdir) is None, "nothing on disk yet"
    written(spider, [a])
    assert checkpoint(jobdir) is None, "org/b is not on disk yet"
    written(spider, [b])
    assert checkpoint(jobdir) == {"next_url": page_url(2), "models_done": 2}


def test_pages_are_checkpointed_in_order(spider, jobdir):
    first = items_of(list_page(spider, 1, ["org/a", "org/b"]))
    second = items_of(list_page(spider, 2, ["org/c", "org/d"]))
    written(spider, second)
    assert checkpoint(jobdir) is None, "page 1 still has rows in flight: a resume must start there"
    written(spider, first)
    assert checkpoint(jobdir) == {"next_url": page_url(3), "models_done": 4}


def test_a_dropped_row_counts_as_done(spider, jobdir):
    a, b = items_of(list_page(spider, 1, ["org/a", "org/b"]))
    written(spider, [a])
    spider.crawler.signals.send_catch_log(signals.item_dropped, item=b, response=None, exception=None,
                                          spider=spider)
    assert checkpoint(jobdir) == {"next_url": page_url(2), "models_done": 2}


def test_the_last_page_checkpoints_a_finished_crawl_and_a_rerun_does_nothing(spider, jobdir, tmp_path):
    output = list_page(spider, 1, ["org/a"], last=True)
    assert not [r for r in output if isinstance(r, Request)]
    written(spider, items_of(output))
    assert checkpoint(jobdir) == {"next_url": None, "models_done": 1}
    rerun = make_spider(HubSpider, {"JOBDIR": str(jobdir), "DATA_DIR": str(tmp_path / "data")}, limit="all")
    unstarted_engine(rerun.crawler)  # no saved request queue
    assert collect(rerun.start()) == []


def test_a_new_crawl_resumes_from_the_checkpoint(spider, jobdir, tmp_path):
    written(spider, items_of(list_page(spider, 1, ["org/a", "org/b"])))
    resumed = make_spider(HubSpider, {"JOBDIR": str(jobdir), "DATA_DIR": str(tmp_path / "data")},
                          limit="3", page_size="2")
    unstarted_engine(resumed.crawler)  # no saved request queue
    requests = collect(resumed.start())
    assert [r.url for r in requests] == [page_url(2)] and resumed.models_seen == 2
    rest = list(resumed.parse_page(answer(page_url(2), [{"id": "org/c"}, {"id": "org/d"}],
                                          headers={"Link": f'<{page_url(3)}>; rel="next"'})))
    assert [x.model_id for x in items_of(rest)] == ["org/c"], "-a limit=3 counts the models done before"
    assert not [r for r in rest if isinstance(r, Request)]


def test_without_jobdir_nothing_is_written(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    spider = make_spider(HubSpider, {"JOBDIR": None, "DATA_DIR": str(tmp_path / "data")}, limit="all")
    written(spider, items_of(list_page(spider, 1, ["org/a"])))
    assert list(tmp_path.rglob(CHECKPOINT_FILE)) == []


def test_a_page_in_a_changed_shape_fails_the_crawl(spider, jobdir):
    response = answer(page_url(1), {"models": [{"id": "org/a"}]})
    with pytest.raises(CloseSpider):
        list(spider.parse_page(response))
    stats = spider.crawler.stats
    assert stats.get_value(FAILED_STAT) and stats.get_value("hub/unexpected_shape") == 1
    assert checkpoint(jobdir) is None


def test_a_bad_entry_costs_that_entry_alone(spider, jobdir):
    output = list(spider.parse_page(answer(page_url(1), [{"id": "org/a"}, {"no": "id"}, {"id": "org/b"}],
                                           headers={"Link": f'<{page_url(2)}>; rel="next"'})))
    assert [x.model_id for x in items_of(output)] == ["org/a", "org/b"]
    stats = spider.crawler.stats
    assert stats.get_value("hub/entries/invalid") == 1 and stats.get_value(FAILED_STAT)
    written(spider, items_of(output))
    assert checkpoint(jobdir) == {"next_url": page_url(2), "models_done": 2}
