"""File answers of the resolvers (`/{id}/resolve/{rev}/{file}`, `/raw/`) with the headers clients rely on.

huggingface_hub sends a HEAD first and reads `X-Repo-Commit`, `ETag` and `Content-Length`; an LFS file
answers instead with a 302 to a separate storage/CDN origin plus `X-Linked-Etag` and `X-Linked-Size`
(docs/hub-api.md §9). The CDN origin is the replica's third loopback server (`cdn.py` here). Both answer
`Range` requests (`blobs.py`); a repo with a `safetensors` block has real safetensors headers
(`repos/weights.py`), so `get_safetensors_metadata` reads the API's counts back.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from aiohttp import web

from ..hub_api.access import entry_not_found
from ..repos.records import ModelRecord
from ..repos.weights import INDEX_FILE, repo_weight_files
from .blobs import Blob, blob_answer

# Files at or above this size are stored with LFS (the Hub's threshold is 10 MB; weight files always are).
LFS_THRESHOLD = 10 * 1024 * 1024
LFS_SUFFIXES = (".safetensors", ".bin", ".gguf", ".parquet", ".pth")


def git_blob_etag(content: bytes) -> str:
    return '"' + hashlib.sha1(b"blob %d\0" % len(content) + content).hexdigest() + '"'


def is_lfs(filename: str, size: int) -> bool:
    return filename.endswith(LFS_SUFFIXES) or size >= LFS_THRESHOLD


def repo_file(record: ModelRecord, filename: str) -> bytes | Blob | None:
    """One file of a model repo: safetensors files and their index are real headers over zeros
    (`repos/weights.py`), other weight files short placeholders. None when the repo has no such file."""
    weights = None
    if filename.endswith((".safetensors", INDEX_FILE)):
        weights = repo_weight_files(record.api, record.unlisted_safetensors)
    if weights is not None:
        if filename == INDEX_FILE:
            return weights.index
        weight = weights.files.get(filename)
        return None if weight is None else Blob(weight.header, weight.size, weight.digest)
    if filename == "README.md" and record.readme:
        return record.readme.encode()
    if filename == "config.json" and record.config_file is not None:
        return json.dumps(record.config_file, indent=2).encode()
    if filename == ".gitattributes":
        return b"*.safetensors filter=lfs diff=lfs merge=lfs -text\n*.gguf filter=lfs diff=lfs merge=lfs -text\n"
    if filename.endswith(LFS_SUFFIXES) and any(s["rfilename"] == filename for s in record.api.get("siblings", [])):
        return f"placeholder for {record.repo_id}/{filename}\n".encode()
    return None


def lfs_pointer_of(blob: Blob) -> bytes:
    return f"version https://git-lfs.github.com/spec/v1\noid sha256:{blob.digest}\nsize {blob.size}\n".encode()


async def file_answer(request: web.Request, *, commit: str, filename: str, content: bytes | Blob | None,
                      cdn: Any, raw: bool = False, content_type: str = "application/octet-stream",
                      remake: Callable[[], Blob | None] | None = None) -> web.StreamResponse:
    """200 (206/416 for a Range) with the file, or for an LFS file on `/resolve/` a 302 to the CDN origin
    (whatever the Range: the client repeats it there); `remake` gives the content again (cdn.py)."""
    if content is None:
        return entry_not_found(request)
    blob = content if isinstance(content, Blob) else Blob.of(content)
    headers = {"X-Repo-Commit": commit, "Accept-Ranges": "bytes"}
    if is_lfs(filename, blob.size):
        if raw:  # `/raw/` shows what git stores: the pointer file
            pointer = lfs_pointer_of(blob)
            return web.Response(body=pointer, headers=headers | {"ETag": git_blob_etag(pointer)},
                                content_type="text/plain")
        location = cdn.publish(blob, filename, remake)
        headers |= {"Location": location, "X-Linked-Etag": f'"{blob.digest}"', "X-Linked-Size": str(blob.size),
                    "ETag": f'"{blob.digest}"'}
        return web.Response(status=302, text=f"Found. Redirecting to {location}", headers=headers)
    if filename.endswith(".json"):
        content_type = "application/json"
    elif filename.endswith((".md", ".txt", ".gitattributes")):
        content_type = "text/plain"
    return await blob_answer(request, blob, headers=headers | {"ETag": git_blob_etag(blob.stored)},
                             content_type=content_type)

