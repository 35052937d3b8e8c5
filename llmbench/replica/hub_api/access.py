"""Who may see what, and the error answers the Hub gives when they may not (docs/hub-api.md §7).

Anonymous requests for a repo that does not exist get **401** with "Invalid username or password." in
the body and in `X-Error-Message`, and no `X-Error-Code` (the Hub will not say whether the repo exists);
with a token they get 404 `RepoNotFound`. Gated repos' model info is public, their files are not:
401 `GatedRepo` anonymously, 403 `GatedRepo` for a token that was not granted access, 200 once granted.
Any bearer token is a valid user here; which of them were granted gated access is a replica option.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from aiohttp import web

INVALID_CREDENTIALS = "Invalid username or password."
NOT_FOUND_HTML = """<!doctype html>
<html class=""><head><meta charset="utf-8"><title>404 – Hugging Face</title></head>
<body><main class="flex flex-1 flex-col"><div class="container py-24">
<h1 class="text-4xl font-bold">404</h1>
<p class="text-lg">Sorry, we can't find the page you are looking for.</p>
</div></main></body></html>
"""


@dataclass(frozen=True)
class AccessConfig:
    """Bearer tokens that were granted access to every gated repo (others are refused with 403)."""

    granted_tokens: frozenset[str] = field(default_factory=frozenset)


def bearer_token(request: web.Request) -> str | None:
    header = request.headers.get("Authorization", "")
    return header[7:].strip() or None if header.startswith("Bearer ") else None


def json_error(status: int, message: str, *, error_code: str | None = None,
               headers: dict[str, str] | None = None) -> web.Response:
    """A JSON error as the Hub sends it: `{"error": …}`, the message in `X-Error-Message` too."""
    out = {"X-Error-Message": message} | (headers or {})
    if error_code:
        out["X-Error-Code"] = error_code
    return web.json_response({"error": message}, status=status, headers=out)


def repo_not_found(request: web.Request) -> web.Response:
    """An unknown repo on the API or a resolver: 401 anonymously, 404 `RepoNotFound` with a token."""
    if bearer_token(request) is None:
        return json_error(401, INVALID_CREDENTIALS)
    return json_error(404, "Repository not found", error_code="RepoNotFound")


def page_not_found() -> web.Response:
    """An unknown repo's HTML page: the site's 404 page, whoever asks."""
    return web.Response(status=404, text=NOT_FOUND_HTML, content_type="text/html",
                        headers={"X-Error-Code": "RepoNotFound"})


def entry_not_found(request: web.Request) -> web.Response:
    return json_error(404, "Entry not found", error_code="EntryNotFound")


def revision_not_found(revision: str) -> web.Response:
    """An unknown branch, tag or sha: 404 `RevisionNotFound`, "Invalid rev id: …" (docs/hub-api.md §12)."""
    return json_error(404, f"Invalid rev id: {revision}", error_code="RevisionNotFound")


def gated_refusal(request: web.Request, config: AccessConfig, repo_id: str, gated: object) -> web.Response | None:
    """None when the caller may read this repo's files, else the Hub's `GatedRepo` answer."""
    if not gated:
        return None
    token = bearer_token(request)
    if token is not None and token in config.granted_tokens:
        return None
    message = f"Access to model {repo_id} is restricted and you are not in the authorized list. " if token else ""
    message += f"Cannot access gated repo for url {request.url}."
    return json_error(403 if token else 401, message, error_code="GatedRepo")
