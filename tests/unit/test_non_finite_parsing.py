"""Numbers that are not numbers, per parser and in the quality stage (issue #23, item 6)."""

from __future__ import annotations

from datetime import UTC, datetime

from scrapy import Spider
from scrapy.utils.test import get_crawler

from llmbench.items import HubModelItem, LeaderboardItem
from llmbench.parsing.eval_results import parse_eval_results
from llmbench.parsing.sizes import size_from_config, size_from_name, size_from_page_text, size_from_readme
from llmbench.pipelines.quality import QualityPipeline
from tests.inprocess import spider_of

NOW = datetime(2026, 11, 25, tzinfo=UTC)


def crawler_with(settings=None):
    crawler = get_crawler(Spider, settings or {})
    spider_of(crawler, "t")
    return crawler


def test_eval_results_with_a_non_finite_value_are_rejected_with_the_reason():
    raw = [{"filename": f"f{i}", "data": {"dataset": {"id": "d", "task_id": "t"}, "value": v}}
           for i, v in enumerate([float("nan"), float("inf"), 10 ** 400, 42.0])]
    parsed = parse_eval_results("org/m", raw, crawled_at=NOW)
    assert [i.value for i in parsed.items] == [42.0]
    assert [f for f, _ in parsed.invalid] == ["f0", "f1", "f2"]
    assert all("not a finite number" in why for _, why in parsed.invalid)


def test_absurd_or_infinite_sizes_are_no_finding():
    huge = "9" * 400
    for finding in (size_from_readme(f"a {huge}B parameters model"), size_from_name(f"org/m-{huge}B"),
                    size_from_page_text(f"<body>Model size {huge} B params</body>"),
                    size_from_readme("a 20000000B parameters model"),
                    size_from_config({"model_type": "llama", "hidden_size": 10 ** 9, "num_hidden_layers": 10 ** 6,
                                      "vocab_size": 10 ** 9})):
        assert finding.params is None and ("implausible" in finding.note or "not a number" in finding.note), finding
    assert size_from_readme("a 7B parameters model").params == 7 * 10 ** 9


def board(**values) -> LeaderboardItem:
    return LeaderboardItem(model_id="org/m", precision="bfloat16", source="json", crawled_at=NOW, **values)


def test_quality_stage_stores_non_finite_and_out_of_range_as_null(caplog):
    items = [board(average=float("nan"), params_billions=float("inf")), board(average=float("-inf"), bbh=3.0),
             board(hearts=float("nan")), HubModelItem(model_id="org/m", author="org", params=2 ** 70,
                                                      crawled_at=NOW, endpoint="e")]
    crawler = crawler_with()
    pipe = QualityPipeline.from_crawler(crawler)
    caplog.clear()
    assert [pipe.process_item(i) for i in items] == items
    pipe.close_spider()
    stats = crawler.stats.get_stats()
    assert stats["quality/leaderboard/non_finite/average"] == 2
    assert stats["quality/leaderboard/non_finite/params_billions"] == 1
    assert stats["quality/leaderboard/non_finite/hearts"] == 1
    assert stats["quality/hub_models/out_of_range/params"] == 1
    assert items[0].average is None and items[0].params_billions is None and items[1].bbh == 3.0
    assert items[3].params is None
    lines = [r.getMessage() for r in caplog.records if "not numbers" in r.getMessage()]
    assert len(lines) == 1 and lines[0].startswith("5 values"), lines
