"""The Hub's vocabulary, from huggingface_hub: endpoint URLs, token, auth headers, rate-limit buckets, sorts."""

from __future__ import annotations

import ipaddress
import logging
import os
import stat
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

from huggingface_hub import get_token

from llmbench.repo_ids import repo_id_problem

logger = logging.getLogger(__name__)

# The `sort` values `/api/models` accepts (its own 400 message lists them).
SORTS = ("downloads", "likes", "createdAt", "lastModified", "trendingScore")
_REPO_PREFIX = {"model": "", "dataset": "datasets/", "space": "spaces/"}


def quote_segment(segment: str) -> str:
    """One URL path segment, percent-encoded; `.` and `..` encoded too, so no client or server resolves them."""
    if segment in (".", ".."):
        return "%2E" * len(segment)
    return quote(segment, safe="")


def quote_path(path: str) -> str:
    """A `/`-separated path (a file in a repo), each segment by quote_segment."""
    return "/".join(quote_segment(segment) for segment in path.split("/"))


def quote_repo_id(repo_id: str) -> str:
    """A repo id as path segments; ValueError for an id the Hub's rule rejects (llmbench/repo_ids.py)."""
    problem = repo_id_problem(repo_id)
    if problem is not None:
        raise ValueError(f"invalid repo id {repo_id!r} ({problem}): not put into a URL")
    return quote_path(repo_id)


class HubUrls:
    """Every Hub URL llmbench requests, built from `HUB_ENDPOINT` in this one place.

    Repo ids are checked against the Hub's rule (ValueError otherwise) and every path segment is
    percent-encoded: a hostile id or file name cannot climb out of its path (`..`) or add a query.
    """

    def __init__(self, endpoint: str) -> None:
        self.endpoint = endpoint.rstrip("/")

    def _repo(self, repo_id: str, repo_type: str) -> str:
        return f"{self.endpoint}/{_REPO_PREFIX[repo_type]}{quote_repo_id(repo_id)}"

    def model_list(self, params: Iterable[tuple[str, str]]) -> str:
        return f"{self.endpoint}/api/models?{urlencode(list(params))}"

    def repo_info(self, repo_id: str, repo_type: str = "model", expand: Iterable[str] = ()) -> str:
        query = urlencode([("expand", field) for field in expand])
        url = f"{self.endpoint}/api/{repo_type}s/{quote_repo_id(repo_id)}"
        return f"{url}?{query}" if query else url

    def repo_api(self, repo_id: str, tail: str, repo_type: str = "model",
                 params: Iterable[tuple[str, str]] = ()) -> str:
        """`/api/{type}s/{id}/{tail}`: a repo's sub-resource (a dataset's `leaderboard`, a Space's `runtime`)."""
        query = urlencode(list(params))
        url = f"{self.endpoint}/api/{repo_type}s/{quote_repo_id(repo_id)}/{quote_path(tail)}"
        return f"{url}?{query}" if query else url

    def page(self, repo_id: str, repo_type: str = "model") -> str:
        return self._repo(repo_id, repo_type)

    def resolve(self, repo_id: str, filename: str, repo_type: str = "model", revision: str = "main") -> str:
        return f"{self._repo(repo_id, repo_type)}/resolve/{quote_segment(revision)}/{quote_path(filename)}"

    def raw(self, repo_id: str, filename: str, repo_type: str = "model", revision: str = "main") -> str:
        return f"{self._repo(repo_id, repo_type)}/raw/{quote_segment(revision)}/{quote_path(filename)}"


def bucket_of(path: str) -> str:
    """Which Hub rate-limit quota a path counts against (docs/hub-api.md §1)."""
    if path.startswith("/api/"):
        return "api"
    if "/resolve/" in path or "/raw/" in path:
        return "resolvers"
    return "pages"


def origin(url: str) -> tuple[str, str, int | None]:
    """(scheme, host, port); a port that is not a number (a hostile URL) gives -1, the origin of no server."""
    parts = urlsplit(url)
    try:
        port = parts.port or {"http": 80, "https": 443}.get(parts.scheme)
    except ValueError:
        port = -1
    return parts.scheme, (parts.hostname or "").lower(), port


def same_origin(url: str, endpoint: str) -> bool:
    return origin(url) == origin(endpoint)


DOTENV = ".env"
TOKEN_VARIABLES = ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN")  # what huggingface_hub reads from the environment
_warned_dotenv: set[Path] = set()


def dotenv_token(directory: str | os.PathLike | None = None) -> str | None:
    """`HF_TOKEN` from `.env` in the working directory (the seed kept its token there), else None.

    Only that one line is read: the file is never loaded into os.environ. A file that group or others
    may read gets one warning per process (naming the file, never the value).
    """
    path = Path(directory or os.getcwd()) / DOTENV
    try:
        lines = path.read_text(errors="replace").splitlines()
        mode = path.stat().st_mode
    except OSError:
        return None
    token = None
    for line in lines:
        key, sep, value = line.strip().removeprefix("export ").partition("=")
        if sep and key.strip() == "HF_TOKEN":
            value = value.strip()
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
                value = value[1:-1]
            token = value.strip() or None
    if token and mode & (stat.S_IRGRP | stat.S_IROTH) and path not in _warned_dotenv:
        _warned_dotenv.add(path)
        logger.warning("%s holds HF_TOKEN and is readable by group or others (mode %o): chmod 600 %s",
                       path, stat.S_IMODE(mode), path)
    return token


def hub_token() -> str | None:
    """The user's token: HF_TOKEN in the environment, else HF_TOKEN in `./.env`, else huggingface_hub's
    token file (as huggingface_hub finds them); never logged."""
    if any(os.environ.get(name) for name in TOKEN_VARIABLES):
        return get_token()
    if os.environ.get("HF_HUB_DISABLE_IMPLICIT_TOKEN", "").strip().lower() in ("1", "true", "yes", "on"):
        return get_token()  # asked to send no implicit token (the demo, the tests): a stray .env is not read
    return dotenv_token() or get_token()


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def token_transport_is_safe(endpoint: str) -> bool:
    """HTTPS, or plain http to this machine (the offline replica); never plain http across a network."""
    parts = urlsplit(endpoint)
    return parts.scheme == "https" or (parts.scheme == "http" and is_loopback(parts.hostname or ""))


def hub_token_for(endpoint: str) -> str | None:
    """The user's token if it may be sent to `endpoint` (see token_transport_is_safe), else None."""
    token = hub_token()
    return token if token and token_transport_is_safe(endpoint) else None


def auth_header(token: str | None) -> str | None:
    """The `authorization` value huggingface_hub sends for this token (`Bearer <token>`).

    Not taken from `build_hf_headers`: in huggingface_hub 2.4 that call also fetches
    `{ENDPOINT}/api/agent-harnesses` (telemetry) with a blocking request outside Scrapy's pacing.
    """
    if not token:
        return None
    return f"Bearer {token}"
