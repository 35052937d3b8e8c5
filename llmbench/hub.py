"""The Hub's vocabulary, from huggingface_hub: endpoint, token, auth headers, rate-limit buckets."""

from __future__ import annotations

from urllib.parse import urlsplit

from huggingface_hub import get_token


def bucket_of(path: str) -> str:
    """Which Hub rate-limit quota a path counts against (hub.md §5)."""
    if path.startswith("/api/"):
        return "api"
    if "/resolve/" in path or "/raw/" in path:
        return "resolvers"
    return "pages"


def origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    port = parts.port or {"http": 80, "https": 443}.get(parts.scheme)
    return parts.scheme, (parts.hostname or "").lower(), port


def same_origin(url: str, endpoint: str) -> bool:
    return origin(url) == origin(endpoint)


def hub_token() -> str | None:
    """The user's token as huggingface_hub finds it (HF_TOKEN, then the token file); never logged."""
    return get_token()


def auth_header(token: str | None) -> str | None:
    """The `authorization` value huggingface_hub sends for this token (`Bearer <token>`).

    Not taken from `build_hf_headers`: in huggingface_hub 2.4 that call also fetches
    `{ENDPOINT}/api/agent-harnesses` (telemetry) with a blocking request outside Scrapy's pacing.
    """
    if not token:
        return None
    return f"Bearer {token}"
