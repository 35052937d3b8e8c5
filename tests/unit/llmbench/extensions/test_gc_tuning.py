"""GcTuning: the young generation's threshold set once the engine starts; off with GC_GEN0_THRESHOLD=0."""

from __future__ import annotations

import gc

import pytest
from scrapy import signals
from scrapy.exceptions import NotConfigured

from llmbench.extensions.gc_tuning import GcTuning
from tests.inprocess import project_crawler


@pytest.fixture
def restored_gc():
    threshold = gc.get_threshold()
    yield threshold
    gc.set_threshold(*threshold)


def test_engine_start_spaces_young_collections(restored_gc):
    crawler = project_crawler(GC_GEN0_THRESHOLD=12_345)
    extension = GcTuning.from_crawler(crawler)  # kept: signals hold their receivers weakly
    assert gc.get_threshold() == restored_gc
    crawler.signals.send_catch_log(signals.engine_started)
    assert gc.get_threshold() == (12_345, *restored_gc[1:]) and extension.gen0_threshold == 12_345


def test_a_threshold_of_zero_keeps_pythons_own():
    with pytest.raises(NotConfigured):
        GcTuning.from_crawler(project_crawler(GC_GEN0_THRESHOLD=0))
