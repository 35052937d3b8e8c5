"""A repo's files at one commit, for the tree, paths-info, `blobs=true` and the model resolvers alike: which paths
exist, their bytes, and the git/LFS ids the Hub derives from them.

The Hub's ids (docs/hub-api.md §12): `oid` / `blobId` is the git blob sha1 — of the pointer file for an
LFS file —, `lfs.oid` / `lfs.sha256` the content's sha256 (also the resolver's `X-Linked-Etag`),
`pointerSize` the pointer's length; folders have a tree sha1 and `size: 0`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from ..hub_api.access import AccessConfig, gated_refusal, revision_not_found
from ..repos.records import ModelRecord
from ..repos.revisions import Commit, History, card_at, history_of, split_revision
from .blobs import Blob
from .resolvers import file_answer, git_blob_etag, is_lfs, lfs_pointer_of, repo_file


@dataclass(frozen=True)
class RepoView:
    """One repo as the git-facing endpoints see it (a model or a dataset)."""

    repo_type: str  # "model" | "dataset"
    repo_id: str
    gated: Any
    history: History
    paths: tuple[str, ...]  # the files of every commit (commits differ in content, not in paths)
    read: Callable[[Commit, str], bytes | Blob | None]

    def files(self, commit: Commit) -> dict[str, bytes | Blob]:
        """Every file at `commit` with its bytes (files that cannot be produced are absent)."""
        out = {}
        for path in self.paths:
            content = self.read(commit, path)
            if content is not None:
                out[path] = content
        return out


def model_view(record: ModelRecord) -> RepoView:
    api = record.api
    history = history_of(record.repo_id, api["sha"], author=api["author"], created=api["createdAt"],
                         modified=api["lastModified"])

    def read(commit: Commit, path: str) -> bytes | Blob | None:
        if path == "README.md" and record.readme:
            return card_at(record.readme, commit).encode()
        return repo_file(record, path)

    paths = tuple(s["rfilename"] for s in api.get("siblings", []))
    return RepoView("model", record.repo_id, api.get("gated"), history, paths, read)


def dataset_view(repo_id: str, sha: str, *, author: str, date: str, files: dict[str, bytes],
                 gated: Any = False) -> RepoView:
    """A dataset with one commit holding `files`."""
    history = history_of(repo_id, sha, author=author, created=date, modified=date)
    return RepoView("dataset", repo_id, gated, history, tuple(files), lambda commit, path: files.get(path))


# -- the ids the Hub shows -------------------------------------------------------------------------
def file_entry(path: str, content: bytes | Blob) -> dict[str, Any]:
    """A tree / paths-info entry of a file: `{type, oid, size, lfs?, path}` (a Blob: a weight file whose
    bytes are made on demand, with its size and sha256 given, files/blobs.py)."""
    blob = content if isinstance(content, Blob) else Blob.of(content)
    entry: dict[str, Any] = {"type": "file", "oid": "", "size": blob.size}
    if is_lfs(path, blob.size):
        pointer = lfs_pointer_of(blob)
        entry["oid"] = git_blob_etag(pointer).strip('"')
        entry["lfs"] = {"oid": blob.digest, "size": blob.size, "pointerSize": len(pointer)}
    else:
        entry["oid"] = git_blob_etag(blob.stored).strip('"')
    entry["path"] = path
    return entry


def folder_entry(path: str, files: dict[str, bytes | Blob]) -> dict[str, Any]:
    """A tree entry of a folder; its oid is a sha1 over what it holds (a stand-in for git's tree hash)."""
    inside = sorted(f"{p}\0{file_entry(p, c)['oid']}" for p, c in files.items() if p.startswith(path + "/"))
    oid = hashlib.sha1("\n".join(inside).encode()).hexdigest()
    return {"type": "directory", "oid": oid, "size": 0, "path": path}


def sibling_metadata(path: str, content: bytes | Blob) -> dict[str, Any]:
    """A `siblings` item with `blobs=true`: `{rfilename, blobId, size, lfs?: {sha256, size, pointerSize}}`."""
    entry = file_entry(path, content)
    out: dict[str, Any] = {"rfilename": path, "blobId": entry["oid"], "size": entry["size"]}
    if "lfs" in entry:
        lfs = entry["lfs"]
        out["lfs"] = {"sha256": lfs["oid"], "size": lfs["size"], "pointerSize": lfs["pointerSize"]}
    return out


def last_change(view: RepoView, commit: Commit, path: str) -> Commit:
    """The newest commit at or before `commit` that changed `path` (only cards change between commits here)."""
    log = view.history.log(commit)
    if path != "README.md":
        return log[-1]
    return next((c for c, older in zip(log, log[1:], strict=False) if c.card_note != older.card_note), log[-1])


def security_status(path: str) -> dict[str, Any]:
    """`securityFileStatus` of a file: every replica file scans clean; pickles list their (harmless) imports."""
    pickle = None
    if path.endswith((".bin", ".pth", ".pt", ".ckpt")):
        pickle = {"highestSafetyLevel": "innocuous", "imports": [
            {"module": "collections", "name": "OrderedDict", "safety": "innocuous"},
            {"module": "torch", "name": "BFloat16Storage", "safety": "innocuous"},
            {"module": "torch._utils", "name": "_rebuild_tensor_v2", "safety": "innocuous"}]}
    return {"status": "safe", "protectAiScan": None, "avScan": {"virusFound": False, "virusNames": None},
            "pickleImportScan": pickle}


async def model_file(request: web.Request, record: ModelRecord, parts: list[str], access: AccessConfig,
                     cdn: Any) -> web.StreamResponse:
    """`parts` = [raw|resolve, revision, *path] of an existing model repo; the revision may be a branch, tag,
    sha or `refs/pr/N` (which arrives as three segments), and answers that commit's bytes."""
    refusal = gated_refusal(request, access, record.repo_id, record.api.get("gated"))
    if refusal is not None:
        return refusal
    revision, path = split_revision(parts[1:])
    view = model_view(record)
    commit = view.history.resolve(revision)
    if commit is None:
        return revision_not_found(revision)
    filename = "/".join(path)
    content = view.read(commit, filename)
    remake = (lambda: view.read(commit, filename)) if isinstance(content, Blob) else None
    return await file_answer(request, commit=commit.id, filename=filename, content=content, cdn=cdn,
                             raw=parts[0] == "raw", remake=remake)
