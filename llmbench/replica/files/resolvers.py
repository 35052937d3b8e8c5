"""File answers of the resolvers (`/{id}/resolve/{rev}/{file}`, `/raw/`) with the headers clients rely on.

huggingface_hub sends a HEAD first and reads `X-Repo-Commit`, `ETag` and `Content-Length`; an LFS file
answers instead with a 302 to a separate storage/CDN origin plus `X-Linked-Etag` and `X-Linked-Size`
(docs/hub-api.md §9). The CDN origin is the replica's third loopback server (`cdn.py` here).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from aiohttp import web

from ..hub_api.access import entry_not_found
from ..repos.records import ModelRecord

# Files at or above this size are stored with LFS (the Hub's threshold is 10 MB; weight files always are).
LFS_THRESHOLD = 10 * 1024 * 1024
LFS_SUFFIXES = (".safetensors", ".bin", ".gguf", ".parquet", ".pth")


def git_blob_etag(content: bytes) -> str:
    return '"' + hashlib.sha1(b"blob %d\0" % len(content) + content).hexdigest() + '"'


def is_lfs(filename: str, content: bytes) -> bool:
    return filename.endswith(LFS_SUFFIXES) or len(content) >= LFS_THRESHOLD


def repo_file(record: ModelRecord, filename: str) -> bytes | None:
    """The bytes of one file of a model repo; weight files are short placeholders (the replica serves
    metadata, not weights). None when the repo has no such file."""
    if filename == "README.md" and record.readme:
        return record.readme.encode()
    if filename == "config.json" and record.config_file is not None:
        return json.dumps(record.config_file, indent=2).encode()
    if filename == ".gitattributes":
        return b"*.safetensors filter=lfs diff=lfs merge=lfs -text\n*.gguf filter=lfs diff=lfs merge=lfs -text\n"
    if filename.endswith(LFS_SUFFIXES) and any(s["rfilename"] == filename for s in record.api.get("siblings", [])):
        return f"placeholder for {record.repo_id}/{filename}\n".encode()
    return None


def lfs_pointer(content: bytes) -> bytes:
    digest = hashlib.sha256(content).hexdigest()
    return f"version https://git-lfs.github.com/spec/v1\noid sha256:{digest}\nsize {len(content)}\n".encode()


def file_answer(request: web.Request, *, commit: str, filename: str, content: bytes | None,
                cdn: Any, raw: bool = False, content_type: str = "application/octet-stream") -> web.Response:
    """200 with the file, or for an LFS file on `/resolve/` a 302 to the CDN origin."""
    if content is None:
        return entry_not_found(request)
    headers = {"X-Repo-Commit": commit, "Accept-Ranges": "bytes"}
    if is_lfs(filename, content):
        if raw:  # `/raw/` shows what git stores: the pointer file
            pointer = lfs_pointer(content)
            return web.Response(body=pointer, headers=headers | {"ETag": git_blob_etag(pointer)},
                                content_type="text/plain")
        digest = hashlib.sha256(content).hexdigest()
        location = cdn.publish(digest, content, filename)
        headers |= {"Location": location, "X-Linked-Etag": f'"{digest}"', "X-Linked-Size": str(len(content)),
                    "ETag": f'"{digest}"'}
        return web.Response(status=302, text=f"Found. Redirecting to {location}", headers=headers)
    if filename.endswith(".json"):
        content_type = "application/json"
    elif filename.endswith((".md", ".txt", ".gitattributes")):
        content_type = "text/plain"
    return web.Response(body=content, headers=headers | {"ETag": git_blob_etag(content)}, content_type=content_type)
