"""A user's item pipeline for tests/e2e/test_hub_batches.py, loaded by `scrapy crawl` through ITEM_PIPELINES.

It is async (as a user's pipeline may be), drops the model named in LLMBENCH_TEST_DROP and raises on
the model named in LLMBENCH_TEST_FAIL."""

from __future__ import annotations

import os
from typing import Any

from scrapy.exceptions import DropItem


class PickyPipeline:
    def __init__(self) -> None:
        self.drop = os.environ["LLMBENCH_TEST_DROP"]
        self.fail = os.environ["LLMBENCH_TEST_FAIL"]

    async def process_item(self, item: Any) -> Any:
        name = getattr(item, "model_id", None)
        if name == self.drop:
            raise DropItem(f"a user does not want {name}")
        if name == self.fail:
            raise RuntimeError(f"a user's pipeline broke on {name}")
        return item
