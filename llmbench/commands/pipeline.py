"""`scrapy pipeline`: the former name of `scrapy crawlall`, kept so existing scripts keep working.

Renamed because "pipeline" already means Scrapy's item pipelines (llmbench/pipelines/).
"""

from __future__ import annotations

from llmbench.commands.crawlall import Command as CrawlAll


class Command(CrawlAll):
    name = "pipeline"

    def short_desc(self) -> str:
        return "Alias of `scrapy crawlall` (the former name)"
