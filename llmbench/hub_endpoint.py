"""The Hub's vocabulary, from huggingface_hub: endpoint URLs, token, auth headers, rate-limit buckets, sorts."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from urllib.parse import quote, urlencode, urlsplit

from huggingface_hub import get_token

# The `sort` values `/api/models` accepts (its own 400 message lists them).
SORTS = ("downloads", "likes", "createdAt", "lastModified", "trendingScore")
_REPO_PREFIX = {"model": "", "dataset": "datasets/", "space": "spaces/"}


class HubUrls:
    """Every Hub URL llmbench requests, built from `HUB_ENDPOINT` in this one place."""

    def __init__(self, endpoint: str) -> None:
        self.endpoint = endpoint.rstrip("/")

    def _repo(self, repo_id: str, repo_type: str) -> str:
        return f"{self.endpoint}/{_REPO_PREFIX[repo_type]}{quote(repo_id, safe='/')}"

    def model_list(self, params: Iterable[tuple[str, str]]) -> str:
        return f"{self.endpoint}/api/models?{urlencode(list(params))}"

    def repo_info(self, repo_id: str, repo_type: str = "model", expand: Iterable[str] = ()) -> str:
        query = urlencode([("expand", field) for field in expand])
        url = f"{self.endpoint}/api/{repo_type}s/{quote(repo_id, safe='/')}"
        return f"{url}?{query}" if query else url

    def page(self, repo_id: str, repo_type: str = "model") -> str:
        return self._repo(repo_id, repo_type)

    def resolve(self, repo_id: str, filename: str, repo_type: str = "model", revision: str = "main") -> str:
        return f"{self._repo(repo_id, repo_type)}/resolve/{revision}/{quote(filename)}"

    def raw(self, repo_id: str, filename: str, repo_type: str = "model", revision: str = "main") -> str:
        return f"{self._repo(repo_id, repo_type)}/raw/{revision}/{quote(filename)}"


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


def hub_token() -> str | None:
    """The user's token as huggingface_hub finds it (HF_TOKEN, then the token file); never logged."""
    return get_token()


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
