"""What llmbench's spiders share: `-a models=`, Hub URLs, "requested but not found", argument errors.

Modelled on kingfisher-collect's BaseSpider. A subclass reads its own `-a` arguments in
`parse_arguments` (pure: local files only, never the network) and finds the results as attributes:

    class MySpider(BaseSpider):
        name = "mine"

        @classmethod
        def parse_arguments(cls, settings, arguments):
            parsed = super().parse_arguments(settings, arguments)  # `requested`, from -a models=
            parsed["limit"] = positive_int(arguments, "limit", default=100)
            return parsed

        async def start(self):
            for model_id in self.requested or ():
                yield scrapy.Request(self.urls.repo_info(model_id), callback=...)

        def closed(self, reason):
            self.report_not_found(found_ids)

`scrapy crawl` calls `check_arguments` before the crawl starts, so a bad argument ends as one line
(`scrapy crawl: error: -a limit: ...`, exit 2) before any request and without a traceback. Each spider
lists the `-a` names it reads in `arguments`; any other name (a typo, an option of a later version) is
refused the same way, with the accepted names.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import scrapy
from scrapy.settings import BaseSettings

from llmbench.hub_endpoint import HubUrls
from llmbench.model_lists import argument_error, load_models
from llmbench.repo_ids import normalize_repo_id

SHOWN_MISSING = 10  # ids named in the "not found" log line; the rest are counted


def positive_int(arguments: Mapping[str, Any], name: str, default: int | None, *,
                 allow_all: bool = False) -> int | None:
    """`-a name=N` (N ≥ 1); `all` → None when allowed; the default when absent."""
    value = arguments.get(name)
    if value is None:
        return default
    text = str(value).strip().lower()
    if allow_all and text == "all":
        return None
    if not text.isdigit() or int(text) < 1:
        expected = "a positive whole number or 'all'" if allow_all else "a positive whole number"
        raise argument_error(name, f"expected {expected}, got {value!r}")
    return int(text)


def choice(arguments: Mapping[str, Any], name: str, choices: Iterable[str], default: str | None) -> str | None:
    """`-a name=value` where value is one of `choices`."""
    value = arguments.get(name)
    if value is None:
        return default
    options = tuple(choices)
    if value not in options:
        raise argument_error(name, f"expected one of {', '.join(options)}; got {value!r}")
    return value


class BaseSpider(scrapy.Spider):
    """A spider whose `-a` arguments are checked before anything starts; see the module docstring."""

    requested: list[str] | None = None  # -a models=, validated; None = the spider's default selection
    arguments: tuple[str, ...] = ("models",)  # the -a names parse_arguments reads; any other is refused

    @classmethod
    def usage(cls) -> str:
        """The accepted `-a` arguments, for the message that refuses another."""
        accepted = ", ".join(f"-a {name}=..." for name in cls.arguments) or "no -a argument"
        return f"scrapy crawl {cls.name} accepts {accepted}"

    @classmethod
    def parse_arguments(cls, settings: BaseSettings, arguments: Mapping[str, Any]) -> dict[str, Any]:
        """`-a` arguments → attribute values. Raise `argument_error(name, why)` for a bad one."""
        return {"requested": load_models(arguments.get("models"), settings.get("DATA_DIR"))}

    @classmethod
    def check_arguments(cls, settings: BaseSettings, arguments: Mapping[str, Any]) -> None:
        """Raise UsageError for an unknown or bad argument (called by `scrapy crawl` before the crawl)."""
        unknown = sorted(set(arguments) - set(cls.arguments))
        if unknown:
            raise argument_error(unknown[0], f"unknown argument; {cls.usage()}")
        cls.parse_arguments(settings, arguments)

    @classmethod
    def from_crawler(cls, crawler, *args: Any, **kwargs: Any) -> BaseSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        for name, value in cls.parse_arguments(crawler.settings, kwargs).items():
            setattr(spider, name, value)
        spider.urls = HubUrls(crawler.settings.get("HUB_ENDPOINT"))
        return spider

    def report_not_found(self, found: Iterable[str]) -> list[str]:
        """Log once (and count) the requested models that `found` lacks, compared case-insensitively."""
        if not self.requested:
            return []
        seen = {normalize_repo_id(model_id) for model_id in found}
        missing = [m for m in self.requested if normalize_repo_id(m) not in seen]
        self.crawler.stats.set_value(f"{self.name}/requested_not_found", len(missing))
        if missing:
            more = f" and {len(missing) - SHOWN_MISSING} more" if len(missing) > SHOWN_MISSING else ""
            self.logger.warning("%d of %d requested models were not found: %s%s", len(missing), len(self.requested),
                                ", ".join(missing[:SHOWN_MISSING]), more)
        return missing
