"""The git-facing API of model and dataset repos (docs/hub-api.md §12): `revision/{rev}`, `commits/{rev}`,
`tree/{rev}[/{path}]`, `refs` and `paths-info/{rev}`, under `/api/models/…` and `/api/datasets/…`.

As for model info: an unknown repo is 401 anonymously and 404 `RepoNotFound` with a token, a legacy,
renamed or wrongly cased id a 307 to the canonical path; tree, refs and paths-info of a gated repo are
public (its file list shows on the Hub), its commits are gated like its files. An unknown branch, tag or
sha is 404 `RevisionNotFound` everywhere. These routes are registered before `/api/models/{id}`.
"""

from __future__ import annotations

import base64
import json
from typing import Any
from urllib.parse import urlencode

from aiohttp import web

from ..appkeys import CATALOG, REPLICA
from ..evals.routes import DATASET_FILES, dataset_file_text
from ..files.snapshots import (
    RepoView,
    dataset_view,
    file_entry,
    folder_entry,
    last_change,
    model_view,
    security_status,
)
from ..leaderboard.app import CONTENTS_FILE, CONTENTS_REPO, CONTENTS_SHA, contents_parquet
from ..repos.revisions import Commit, split_revision
from .access import entry_not_found, gated_refusal, json_error, repo_not_found, revision_not_found
from .models import info_answer, redirect

PAGE_SIZE, EXPANDED_PAGE_SIZE = 1000, 50  # per page; with `expand` the Hub pages at 50 (list_repo_tree docs)
REPO = r"{repo:[^/]+(?:/[^/]+)?}"
CONTENTS_DATE = "2024-06-24T14:10:46.000Z"  # inferred: the contents dataset's last commit is not recorded


def _truthy(value: Any) -> bool:
    return value is True or str(value).lower() in ("1", "true", "yes")


def find_view(request: web.Request) -> RepoView | web.Response:
    """The repo the URL names, or the Hub's 401/404/307 answer."""
    repo_id = request.match_info["repo"]
    catalog = request.app[CATALOG]
    if request.path.startswith("/api/models/"):
        canonical = catalog.canonical(repo_id)
        if canonical is None:
            return repo_not_found(request)
        if canonical != repo_id:
            prefix = f"/api/models/{repo_id}"
            return redirect(request, f"/api/models/{canonical}{request.rel_url.raw_path[len(prefix):]}")
        record = catalog.get(canonical)
        assert record is not None
        return model_view(record)
    if repo_id == CONTENTS_REPO:
        return dataset_view(CONTENTS_REPO, CONTENTS_SHA, author="open-llm-leaderboard", date=CONTENTS_DATE,
                            files={CONTENTS_FILE: contents_parquet()})
    record = catalog.community_evals.datasets.get(repo_id)
    if record is None:
        return repo_not_found(request)
    files = {name: text.encode() for name in DATASET_FILES if (text := dataset_file_text(record, name)) is not None}
    return dataset_view(repo_id, record["sha"], author=record["author"], date=record["lastModified"], files=files)


def _commit(view: RepoView, revision: str) -> Commit | web.Response:
    commit = view.history.resolve(revision)
    return revision_not_found(revision) if commit is None else commit


def _view_at(request: web.Request) -> tuple[RepoView, Commit] | web.Response:
    """The repo and the commit `{rev}` names, or the Hub's answer when either does not exist."""
    view = find_view(request)
    if isinstance(view, web.Response):
        return view
    commit = _commit(view, request.match_info["rev"])
    return commit if isinstance(commit, web.Response) else (view, commit)


# -- revision/{rev} and commits/{rev} ---------------------------------------------------------------
async def revision_info(request: web.Request) -> web.Response:
    """Repo info at a revision: that commit's `sha` and date (huggingface_hub's `repo_info(revision=…)`,
    `revision_exists`)."""
    found = _view_at(request)
    if isinstance(found, web.Response):
        return found
    view, commit = found
    if view.repo_type == "model":
        return info_answer(request, request.app[CATALOG].get(view.repo_id), commit)
    files = view.files(commit)
    body = {"_id": "", "id": view.repo_id, "author": view.repo_id.split("/")[0], "sha": commit.id,
            "lastModified": commit.date, "private": False, "gated": view.gated, "disabled": False,
            "siblings": [{"rfilename": path} for path in files]}
    if request.match_info["repo"] != CONTENTS_REPO:
        record = request.app[CATALOG].community_evals.datasets[view.repo_id]
        body = {k: record[k] for k in record if k not in body} | body | {"_id": record["_id"]}
    return web.json_response(body)


async def commits(request: web.Request) -> web.Response:
    """`/commits/{rev}`: `rev`'s commit and its ancestors, newest first; gated like the repo's files."""
    view = find_view(request)
    if isinstance(view, web.Response):
        return view
    refusal = gated_refusal(request, request.app[REPLICA].access, view.repo_id, view.gated)
    if refusal is not None:
        return refusal
    commit = _commit(view, request.match_info["rev"])
    if isinstance(commit, web.Response):
        return commit
    return web.json_response([{"id": c.id, "title": c.title, "message": "", "authors": [{"user": a} for a in c.authors],
                               "date": c.date} for c in view.history.log(commit)])


# -- tree, paths-info --------------------------------------------------------------------------------
def _entries(view: RepoView, commit: Commit, paths: list[str], files: dict[str, bytes], *,
             expand: bool) -> list[dict[str, Any]]:
    out = []
    for path in paths:
        entry = file_entry(path, files[path]) if path in files else folder_entry(path, files)
        if expand:
            changed = ([last_change(view, commit, path)] if path in files else
                       [last_change(view, commit, p) for p in files if p.startswith(path + "/")])
            latest = max(changed, key=lambda c: c.date)
            entry["lastCommit"] = {"id": latest.id, "title": latest.title, "date": latest.date}
            if path in files:
                entry["securityFileStatus"] = security_status(path)
        out.append(entry)
    return out


def _folders(files: dict[str, bytes]) -> set[str]:
    return {"/".join(p.split("/")[:i]) for p in files for i in range(1, p.count("/") + 1)}


def _cursor(last_path: str, limit: int) -> str:
    """base64(base64(json{file_name}) + ":" + limit), the shape of the Hub's tree cursors."""
    inner = base64.b64encode(json.dumps({"file_name": last_path}).encode()).decode()
    return base64.b64encode(f"{inner}:{limit}".encode()).decode()


def _after(cursor: str) -> str:
    try:
        inner = base64.b64decode(cursor.encode()).decode().rsplit(":", 1)[0]
        return str(json.loads(base64.b64decode(inner.encode()))["file_name"])
    except (ValueError, KeyError, TypeError) as exc:
        raise ValueError("invalid cursor") from exc


async def tree(request: web.Request) -> web.Response:
    """`/tree/{rev}[/{path}]`: a folder's entries (folders first), all below it with `recursive`,
    paginated through `Link: <…cursor=…>; rel="next"`; a path that is a file or absent is 404."""
    view = find_view(request)
    if isinstance(view, web.Response):
        return view
    revision, parts = split_revision(request.match_info["rest"].strip("/").split("/"))
    commit = _commit(view, revision)
    if isinstance(commit, web.Response):
        return commit
    folder = "/".join(parts)
    files = view.files(commit)
    folders = _folders(files)
    if folder and folder not in folders:
        return entry_not_found(request)
    query = request.query
    recursive, expand = _truthy(query.get("recursive")), _truthy(query.get("expand"))
    prefix = folder + "/" if folder else ""
    inside = [p for p in sorted(folders) + sorted(files) if p.startswith(prefix)]
    listed = inside if recursive else [p for p in inside if "/" not in p[len(prefix):]]
    try:
        limit = min(int(query.get("limit", PAGE_SIZE)), EXPANDED_PAGE_SIZE if expand else PAGE_SIZE)
        after = _after(query["cursor"]) if query.get("cursor") else None
    except ValueError as exc:
        return json_error(400, f"invalid parameter: {exc}")
    if limit < 1:
        return json_error(400, "invalid parameter: limit")
    if after is not None and after not in listed:
        return json_error(400, "invalid parameter: cursor")
    start = listed.index(after) + 1 if after is not None else 0
    page = listed[start:start + limit]
    response = web.json_response(_entries(view, commit, page, files, expand=expand))
    if start + limit < len(listed):
        pairs = [(k, v) for k, v in query.items() if k not in ("cursor", "limit")]
        pairs += [("limit", str(limit)), ("cursor", _cursor(page[-1], limit))]
        response.headers.add("Link", f'<{request.url.with_query(None)}?{urlencode(pairs)}>; rel="next"')
    return response


async def paths_info(request: web.Request) -> web.Response:
    """`POST /paths-info/{rev}` with form or JSON `paths` (and `expand`): the entries of the paths that exist,
    in the order asked; absent paths are left out (get_paths_info docs)."""
    found = _view_at(request)
    if isinstance(found, web.Response):
        return found
    view, commit = found
    if request.content_type == "application/json":
        try:
            data = await request.json()
            paths, expand = list(data.get("paths") or []), _truthy(data.get("expand"))
        except (ValueError, AttributeError):
            return json_error(400, "Invalid JSON body")
    else:
        form = await request.post()
        paths, expand = [str(p) for p in form.getall("paths", [])], _truthy(form.get("expand"))
    files = view.files(commit)
    known = set(files) | _folders(files)
    wanted = [p.strip("/") for p in paths if p.strip("/") in known]
    return web.json_response(_entries(view, commit, list(dict.fromkeys(wanted)), files, expand=expand))


# -- refs ----------------------------------------------------------------------------------------------
async def refs(request: web.Request) -> web.Response:
    """`/refs`: branches, tags and converts; pull requests (`name` is the PR number) with `include_prs=1`."""
    view = find_view(request)
    if isinstance(view, web.Response):
        return view
    history = view.history

    def ref(name: str, full: str, sha: str) -> dict[str, str]:
        return {"name": name, "ref": full, "targetCommit": sha}

    body: dict[str, Any] = {
        "branches": [ref(n, f"refs/heads/{n}", s) for n, s in history.branches.items()],
        "converts": [ref(n.removeprefix("refs/convert/"), n, s) for n, s in history.converts.items()],
        "tags": [ref(n, f"refs/tags/{n}", s) for n, s in history.tags.items()],
    }
    if _truthy(request.query.get("include_prs")):
        body["pullRequests"] = [ref(n.removeprefix("refs/pr/"), n, s) for n, s in history.pull_requests.items()]
    return web.json_response(body)


def add_routes(app: web.Application) -> None:
    """Register before `/api/models/{repo:.+}` (hub_api/models.py) and the dataset info routes: aiohttp tries
    routes under the same literal prefix (`/api/models`, `/api/datasets`) in registration order."""
    for kind in ("models", "datasets"):
        base = f"/api/{kind}/{REPO}"
        app.router.add_get(f"{base}/revision/{{rev:.+}}", revision_info)
        app.router.add_get(f"{base}/commits/{{rev:.+}}", commits)
        app.router.add_get(f"{base}/tree/{{rest:.+}}", tree)
        app.router.add_get(f"{base}/refs", refs)
        app.router.add_post(f"{base}/paths-info/{{rev:.+}}", paths_info)
