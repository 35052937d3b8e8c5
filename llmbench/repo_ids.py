"""Hub repo-id rules (huggingface_hub's `validate_repo_id`), the one rule every id passes before a request.

Used by the validation pipeline, `-a models=` / `-a benchmarks=`, the spiders (ids read from Hub
answers) and the canonical-id lookup: an id that fails it is never put into a URL.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from huggingface_hub.utils import HFValidationError, validate_repo_id

from llmbench.failures import fail_crawl

# huggingface_hub's REPO_ID_REGEX: an optional `namespace/`, then a name; each part starts and ends
# with a word character (`\b[\w\-.]+\b`, so `LeroyDyer/_Spydaz_Web_AI_BIBLE_002` is valid), ASCII only.
# Legacy ids without a namespace (`gpt2`, `bert-base-uncased`) are valid: the Hub redirects them.
_PART = r"\w(?:[\w\-.]{0,94}\w)?"
REPO_ID = re.compile(rf"(?:(?P<owner>{_PART})/)?(?P<name>{_PART})", re.ASCII)
MAX_LENGTH = 96
SHOWN_INVALID = 10  # invalid ids logged one by one per reporter; the rest are counted only


def repo_id_problem(value: object) -> str | None:
    """Why `value` is not a valid repo id (`name` or `owner/name`), or None when it is."""
    if not isinstance(value, str) or not value:
        return "missing"
    if value.count("/") > 1:
        return "too_many_slashes"
    if any(len(part) > MAX_LENGTH for part in value.split("/")):
        return "too_long"
    if "--" in value or ".." in value:
        return "double_separator"
    if value.endswith(".git"):
        return "git_suffix"
    if not REPO_ID.fullmatch(value):  # fullmatch: `$` would let a trailing newline through
        return "bad_characters"
    try:
        validate_repo_id(value)  # the Hub's own vocabulary has the last word
    except HFValidationError:
        return "bad_characters"
    return None


def has_namespace(value: str) -> bool:
    """`owner/name`; a namespace-less (legacy) id needs the Hub to say where it lives now."""
    return "/" in value


def normalize_repo_id(value: str) -> str:
    """Case-insensitive comparison key: the Hub treats repo ids case-insensitively."""
    return value.strip().lower()


def id_lines(ids: list[str]) -> str:
    """Ids for a text file, one per line; an id that is not valid (a newline would split its line) is left out."""
    return "".join(f"{model_id}\n" for model_id in ids if repo_id_problem(model_id) is None)


class InvalidIds:
    """Ids read from Hub answers that fail the rule: counted (`stat`), logged once each with the URL they
    came from (the first SHOWN_INVALID), and never requested. With `fail=True` the first one also marks
    the crawl failed (exit 1): a Hub answering such ids is broken or hostile, and must not pass silently."""

    def __init__(self, crawler: Any, logger: logging.Logger | logging.LoggerAdapter, stat: str, *,
                 fail: bool = True) -> None:
        self.crawler, self.logger, self.stat, self.fail = crawler, logger, stat, fail
        self.seen: set[str] = set()

    def valid(self, value: object, url: str, kind: str = "repo id") -> bool:
        """True when `value` may go into a request; otherwise it is counted and (once) logged."""
        problem = repo_id_problem(value)
        if problem is None:
            return True
        shown = repr(value)[:200]
        message = f"skipped an invalid {kind} {shown} ({problem}) from {url}"
        first, new = not self.seen, shown not in self.seen
        self.seen.add(shown)
        if first and self.fail:
            fail_crawl(self.crawler, self.stat, message)
            return False
        self.crawler.stats.inc_value(self.stat)
        if new and len(self.seen) <= SHOWN_INVALID:
            self.logger.warning(message)
        return False
