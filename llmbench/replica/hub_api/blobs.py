"""Model info's file details: `blobs=true` (huggingface_hub's `files_metadata=True`) gives every sibling its
`size`, `blobId` and, for LFS files, `lfs: {sha256, size, pointerSize}`; `securityStatus=true` adds
`securityRepoStatus` (docs/hub-api.md §12; the client reads them in `ModelInfo.__init__`, hf_api.py)."""

from __future__ import annotations

from typing import Any

from ..files.snapshots import model_view, sibling_metadata
from ..repos.records import ModelRecord
from ..repos.revisions import Commit

# Every replica file scans clean (files/snapshots.py `security_status`): no file has issues.
SCANS_DONE = {"scansDone": True, "filesWithIssues": []}


def file_details(body: dict[str, Any], record: ModelRecord, at: Commit | None, *, blobs: bool,
                 security: bool) -> dict[str, Any]:
    """`body` with the details asked for, read at commit `at` (None: main's head)."""
    if blobs and "siblings" in body:
        view = model_view(record)
        commit = at or view.history.head
        files = view.files(commit)
        body = body | {"siblings": [sibling_metadata(s["rfilename"], files[s["rfilename"]])
                                    if s["rfilename"] in files else s for s in body["siblings"]]}
    if security:
        body = body | {"securityRepoStatus": SCANS_DONE}
    return body
