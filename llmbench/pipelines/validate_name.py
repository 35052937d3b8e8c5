"""Drop items whose model name is not a valid Hub repo id; the reason goes to stats and one log line."""

from __future__ import annotations

import logging
from typing import Any

from itemadapter import ItemAdapter
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from llmbench.names import repo_id_problem

logger = logging.getLogger(__name__)

NAME_FIELD = "model_id"


class ValidateNamePipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ValidateNamePipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        if NAME_FIELD not in adapter.field_names():
            return item
        value = adapter.get(NAME_FIELD)
        problem = repo_id_problem(value)
        if problem is None:
            return item
        self.crawler.stats.inc_value(f"validate/dropped/{problem}")
        self.crawler.stats.inc_value("validate/dropped")
        logger.warning("dropped %s: model name %r is not a valid repo id (%s)",
                       type(item).__name__, value, problem)
        raise DropItem(f"invalid model name {value!r}: {problem}")
