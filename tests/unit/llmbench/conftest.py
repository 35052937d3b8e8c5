"""In-process tests: crawlers never reach engine_stopped, so take off the log handlers their extensions add
(LoudFailures watches Scrapy's loggers) lest they pile up from test to test."""

from __future__ import annotations

import logging

import pytest


@pytest.fixture(autouse=True)
def scrapy_log_handlers_restored():
    logger = logging.getLogger("scrapy")
    before = list(logger.handlers)
    yield
    for handler in logger.handlers[:]:
        if handler not in before:
            logger.removeHandler(handler)
