"""Settings checked before a crawl starts: one line and exit 2 (a UsageError) instead of a traceback or a leak.

`scrapy crawl` and `scrapy crawlall` call `check_settings` before anything is built, so nothing has
been logged, requested or recorded when a bad value is refused:

- an endpoint carrying credentials (`HF_ENDPOINT=http://alice:secret@host`): the password would reach
  logs, the run record and the report; the token belongs in HF_TOKEN (llmbench/credentials.py);
- a CRAWL_DATE that is not a YYYY-MM-DD date (it names the snapshot directory);
- a LEADERBOARD_SPACE that is not a repo id (it goes into a Hub API path).
"""

from __future__ import annotations

import re
from datetime import date

from scrapy.exceptions import UsageError
from scrapy.settings import BaseSettings

from llmbench.credentials import has_userinfo
from llmbench.repo_ids import repo_id_problem

DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
# setting -> the environment variable users set it with (named in the message)
URL_SETTINGS = {"HUB_ENDPOINT": "HF_ENDPOINT", "LEADERBOARD_URL": "LLMBENCH_LEADERBOARD_URL",
                "LEADERBOARD_V1_URL": "LLMBENCH_LEADERBOARD_V1_URL"}


def crawl_date_problem(value: str) -> str | None:
    """Why `value` is not a usable CRAWL_DATE (empty means today), or None."""
    if not value:
        return None
    if DATE.fullmatch(value):
        try:
            date.fromisoformat(value)
            return None
        except ValueError:
            pass
    return f"CRAWL_DATE (LLMBENCH_CRAWL_DATE) must be a date as YYYY-MM-DD, got {value[:40]!r}"


def settings_problem(settings: BaseSettings) -> str | None:
    """The first problem with the crawl's settings, in one line that never repeats a credential; or None."""
    for name, variable in URL_SETTINGS.items():
        if has_userinfo(str(settings.get(name) or "")):
            return f"{variable} must not carry credentials; use HF_TOKEN"
    problem = crawl_date_problem(str(settings.get("CRAWL_DATE") or "").strip())
    if problem:
        return problem
    space = settings.get("LEADERBOARD_SPACE")
    if space and (why := repo_id_problem(space)):
        return f"LEADERBOARD_SPACE must be a Space id (owner/name), got {space[:100]!r} ({why})"
    return None


def check_settings(settings: BaseSettings) -> None:
    """Raise a one-line UsageError (exit 2) for the first bad setting."""
    problem = settings_problem(settings)
    if problem:
        raise UsageError(problem, print_help=False)
