"""Ask the Space's runtime stage before the browser starts (docs: a Space's states).

`GET {HUB_ENDPOINT}/api/spaces/{id}/runtime` (API bucket, no browser) says whether the app can
answer: RUNNING → the browser path; BUILDING or APP_STARTING → ask again every
LEADERBOARD_SPACE_POLL seconds, up to LEADERBOARD_SPACE_WAIT; any other stage (SLEEPING, PAUSED,
RUNTIME_ERROR, ...) → the board is unavailable there, and the spider decides what follows. An
unreadable answer is not a verdict: the page is tried, and tells.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response

from llmbench.hub_endpoint import HubUrls, same_origin
from llmbench.repo_ids import repo_id_problem
from llmbench.spiders.leaderboard.dataset_path import API_META

if TYPE_CHECKING:
    from llmbench.spiders.leaderboard.spider import LeaderboardSpider

# huggingface_hub's SpaceStage: stages in which the app answers, and those it is on its way to.
RUNNING_STAGES = frozenset({"RUNNING", "RUNNING_BUILDING", "RUNNING_APP_STARTING"})
STARTING_STAGES = frozenset({"BUILDING", "APP_STARTING"})


class SpaceRuntime:
    """The runtime question and what its answer leads to."""

    def __init__(self, spider: LeaderboardSpider) -> None:
        self.spider = spider
        self.settings = spider.settings
        self.crawler = spider.crawler
        self.logger = spider.logger  # the spider's: log lines keep its name

    def space_id(self) -> str:
        """The Space of LEADERBOARD_URL when it is a Space page, else the LEADERBOARD_SPACE setting."""
        url = self.settings.get("LEADERBOARD_URL")
        parts = urlsplit(url).path.strip("/").split("/")
        if same_origin(url, self.settings.get("HUB_ENDPOINT")) and len(parts) >= 3 and parts[0] == "spaces":
            space = f"{parts[1]}/{parts[2]}"
            if repo_id_problem(space) is None:
                return space
        return self.settings.get("LEADERBOARD_SPACE")  # checked before the crawl starts (llmbench/startup.py)

    def runtime_request(self, first_asked: float | None = None) -> scrapy.Request:
        url = HubUrls(self.settings.get("HUB_ENDPOINT")).repo_api(self.space_id(), "runtime", repo_type="space")
        return scrapy.Request(url, callback=self.spider.parse_runtime,
                              errback=self.spider.runtime_failed, dont_filter=True, meta=API_META,
                              cb_kwargs={"first_asked": first_asked or time.monotonic()})

    async def parse_runtime(self, response: Response, first_asked: float):
        stage, detail = runtime_stage(response.body)
        stats = self.crawler.stats
        stats.set_value("leaderboard/space_stage", stage or "unreadable")
        if stage is None:
            self.logger.warning("unreadable Space runtime at %s; trying the page", response.url)
            requests = self.spider.browser_requests()
        elif stage in RUNNING_STAGES:
            requests = self.spider.browser_requests()
        elif stage in STARTING_STAGES:
            waited = time.monotonic() - first_asked
            limit = self.settings.getfloat("LEADERBOARD_SPACE_WAIT")
            stats.set_value("leaderboard/space_waited", round(waited, 1))
            if waited < limit:
                if not stats.get_value("leaderboard/space_wait_logged"):
                    stats.set_value("leaderboard/space_wait_logged", True)
                    self.logger.info("Space %s is %s; waiting up to %.0f s for it to run", self.space_id(), stage,
                                     limit)
                await asyncio.sleep(min(self.settings.getfloat("LEADERBOARD_SPACE_POLL"), limit - waited))
                requests = [self.runtime_request(first_asked)]
            else:
                requests = self.spider.board_unavailable(f"Space {self.space_id()} still {stage} after {waited:.0f} s "
                                                  f"(LEADERBOARD_SPACE_WAIT={limit:g})")
        else:
            requests = self.spider.board_unavailable(f"Space {self.space_id()} is {stage}{detail} ({response.url})")
        for request in requests:
            yield request

    def runtime_failed(self, failure: Any):
        self.crawler.stats.set_value("leaderboard/space_stage", "unreadable")
        self.logger.warning("could not ask the Space's runtime at %s (%s); trying the page", failure.request.url,
                            getattr(getattr(failure.value, "response", None), "status", None) or repr(failure.value))
        return list(self.spider.browser_requests())


def runtime_stage(body: bytes) -> tuple[str | None, str]:
    """(stage, ": error message" or ""); (None, "") when the body is not a runtime object."""
    try:
        runtime = json.loads(body)
    except ValueError:
        return None, ""
    if not isinstance(runtime, dict) or not isinstance(runtime.get("stage"), str):
        return None, ""
    message = runtime.get("errorMessage")
    return runtime["stage"], f": {message}" if isinstance(message, str) and message else ""
