"""#23.1-3: bounded answers, a crawl that stays on the Hub, listings that cannot loop.

Each case runs the real `scrapy crawl` against the two-origin recording server (`hub` plays the Hub
endpoint, `other` a foreign host on 127.0.0.2 where it can listen) and checks: exit status 1, one line
naming the URL (and the limit), the stat, nothing from elsewhere written, and for the bombs the crawl
process's peak RSS (measured by a fresh parent process that runs only the crawl).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zlib

import pyarrow.parquet as pq
import pytest
from aiohttp import web

from benchmarks.faults import MEASURED
from tests.conftest import ROOT
from tests.e2e.hostile.recording_server import RecordingServer, RecordingServerThread, json_body, other_host, redirect
from tests.e2e.hostile.runs import Run, command, env_for

QUIET = {"LOG_LEVEL": "INFO"}  # retries as configured: a refused answer must not be asked again
MIB = 1024 * 1024
PEAK_RSS_LIMIT = 300 * MIB
# The crawl runs as the only child of a small parent (its address space capped, so a regression fails here
# instead of taking the machine's memory) that reports the child's peak RSS: benchmarks.faults measures the same.
MODEL = {"id": "org/good", "author": "org", "downloads": 1, "likes": 1, "tags": []}


def two_origins(answers: dict | None = None) -> RecordingServer:
    return RecordingServer(answers=answers or {}, hosts={"other": other_host()})


def crawl(server: RecordingServer, tmp_path, spider: str, args: dict[str, str],
          settings: dict[str, str] | None = None, timeout: float = 120) -> tuple[Run, int]:
    """(the run, the crawl's peak RSS in bytes)."""
    cmd = [sys.executable, "-c", MEASURED, *command(spider, args, QUIET | (settings or {}))]
    proc = subprocess.run(cmd, cwd=ROOT, env=env_for(server.url("hub"), tmp_path / "data", token=None),
                          capture_output=True, text=True, timeout=timeout)
    peak = re.search(r"PEAK_RSS_KB=(\d+)", proc.stderr)
    return Run(proc.returncode, proc.stdout + proc.stderr), int(peak.group(1)) * 1024 if peak else 0


def error_lines(output: str, needle: str) -> list[str]:
    return [line for line in output.splitlines() if "ERROR" in line and needle in line]


def reason(output: str, spider: str) -> str:
    lines = [line for line in output.splitlines() if line.startswith(f"llmbench: crawl {spider!r} failed: ")]
    assert len(lines) == 1, output[-3000:]
    return lines[0]


def written(tmp_path, dataset: str = "hub_models") -> list[str]:
    files = sorted((tmp_path / "data" / dataset).glob("crawl_date=*/part-*.parquet"))
    column = "model_id" if dataset == "hub_models" else "dataset_id"
    return [value for f in files for value in pq.read_table(f).column(column).to_pylist()]


def stat(output: str, name: str) -> int:
    match = re.search(rf"'{re.escape(name)}': (\d+)", output)
    return int(match.group(1)) if match else 0


# -- item 1: bounded parsing and downloads -----------------------------------------------------------
def alias_bomb(levels: int = 9) -> str:
    """'Billion laughs': each level a list of nine aliases of the one before; `name` the last (9**levels strings)."""
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, levels)]
    return "\n".join([*lines, f"name: *a{levels - 1}", "evaluation_framework: bomb", "tasks: [{id: t}]", ""])


def test_alias_bomb_eval_yaml_costs_its_benchmark_alone(tmp_path):
    bomb = "/datasets/org/bomb/resolve/main/eval.yaml"
    good_yaml = "name: Good\nevaluation_framework: inspect-ai\ntasks:\n  - id: good_task\n"
    server = two_origins({
        ("hub", "/api/datasets"): json_body([{"id": "org/bomb"}, {"id": "org/good"}]),
        ("hub", bomb): lambda srv, request: web.Response(text=alias_bomb()),
        ("hub", "/datasets/org/good/resolve/main/eval.yaml"): lambda srv, request: web.Response(text=good_yaml),
        ("hub", "/api/datasets/org/good/leaderboard"): json_body([]),
    })
    with RecordingServerThread(server):
        result, peak = crawl(server, tmp_path, "benchmarks", {})
    assert result.returncode == 1, result.output[-3000:]
    assert peak < PEAK_RSS_LIMIT, f"peak RSS {peak / MIB:.0f} MiB"
    line = reason(result.output, "benchmarks")
    assert bomb in line and "aliases" in line
    assert len(error_lines(result.output, bomb)) == 1
    assert stat(result.output, "benchmarks/unreadable_eval_yaml") == 1
    assert written(tmp_path, "benchmarks") == ["org/good"]  # the bad file cost its benchmark alone


def padded_page(size: int) -> bytes:
    """A valid JSON list of one model, `size` bytes long (whitespace)."""
    head = json.dumps([MODEL])[:-1].encode()
    return head + b" " * (size - len(head) - 1) + b"]"


def test_oversize_api_page_is_refused_while_it_streams(tmp_path):
    total, chunk = 250 * MIB, MIB
    sent = []

    async def stream(srv, request):  # chunked, no Content-Length: the limit must hold while bytes arrive
        response = web.StreamResponse(headers={"Content-Type": "application/json"})
        await response.prepare(request)
        head = json.dumps([MODEL])[:-1].encode()
        await response.write(head)
        try:
            for _ in range(total // chunk):
                await response.write(b" " * chunk)
                sent.append(chunk)
            await response.write(b"]")
        except (ConnectionError, RuntimeError):
            return response  # the crawler hung up
        await response.write_eof()
        return response

    server = two_origins({("hub", "/api/models"): stream})
    with RecordingServerThread(server):
        result, peak = crawl(server, tmp_path, "hub", {"limit": "10"})
    assert result.returncode == 1, result.output[-3000:]
    line = reason(result.output, "hub")
    assert "/api/models" in line and "64 MiB" in line
    assert stat(result.output, "download/too_large") == 1
    assert len(error_lines(result.output, "/api/models")) == 1
    assert peak < PEAK_RSS_LIMIT, f"peak RSS {peak / MIB:.0f} MiB"
    assert sum(sent) < total
    assert len(server.seen) == 1  # not asked again
    assert written(tmp_path) == []


@pytest.fixture(scope="module")
def gzip_bomb() -> bytes:
    """256 MiB of valid JSON (one model, then whitespace) in well under 1 MiB of gzip."""
    size, chunk = 256 * MIB, 4 * MIB
    head = json.dumps([MODEL])[:-1].encode()
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)  # wbits 31: the gzip format
    parts = [packer.compress(head)]
    parts += [packer.compress(b" " * chunk) for _ in range((size - len(head)) // chunk)]
    parts += [packer.compress(b"]"), packer.flush()]
    return b"".join(parts)


def test_gzip_bomb_is_refused_at_the_limit(tmp_path, gzip_bomb):
    def bomb(srv, request):
        return web.Response(body=gzip_bomb, headers={"Content-Type": "application/json", "Content-Encoding": "gzip"})

    server = two_origins({("hub", "/api/models"): bomb})
    with RecordingServerThread(server):
        result, peak = crawl(server, tmp_path, "hub", {"limit": "10"})
    assert result.returncode == 1, result.output[-3000:]
    line = reason(result.output, "hub")
    assert "/api/models" in line and "decompressed" in line and "64 MiB" in line
    assert stat(result.output, "download/too_large") == 1 and len(server.seen) == 1
    assert peak < PEAK_RSS_LIMIT, f"peak RSS {peak / MIB:.0f} MiB"
    assert written(tmp_path) == []


# -- item 2: stay on the Hub ---------------------------------------------------------------------------
def page_with_link(models: list[str], link: str):
    def answer(srv, request):
        target = link.replace("OTHER", srv.url("other"))
        target = target if "://" in target else srv.url("hub") + target
        return web.json_response([MODEL | {"id": m} for m in models], headers={"Link": f'<{target}>; rel="next"'})
    return answer


def test_link_to_another_origin_is_not_followed(tmp_path):
    server = two_origins({("hub", "/api/models"): page_with_link(["org/good"], "OTHER/api/models?cursor=x"),
                          ("other", "/api/models"): json_body([MODEL | {"id": "evil/foreign"}])})
    with RecordingServerThread(server):
        result, _ = crawl(server, tmp_path, "hub", {"limit": "all"})
    assert result.returncode == 1, result.output[-3000:]
    line = reason(result.output, "hub")
    assert server.url("other") in line and "off the Hub" in line
    assert [s for s in server.seen if s.origin == "other"] == []
    assert written(tmp_path) == ["org/good"]


def test_link_to_a_local_file_is_not_followed(tmp_path):
    local = tmp_path / "page.json"
    local.write_text(json.dumps([MODEL | {"id": "evil/local-file"}]))
    server = two_origins({("hub", "/api/models"): page_with_link(["org/good"], local.as_uri())})
    with RecordingServerThread(server):
        result, _ = crawl(server, tmp_path, "hub", {"limit": "all"})
    assert result.returncode == 1, result.output[-3000:]
    assert local.as_uri() in reason(result.output, "hub")
    assert "evil/local-file" not in result.output.replace(local.as_uri(), "")
    assert written(tmp_path) == ["org/good"]
    assert not any(b"evil/local-file" in p.read_bytes() for p in (tmp_path / "data").rglob("*") if p.is_file())


def test_307_to_another_origin_is_refused(tmp_path):
    server = two_origins({("hub", "/api/models"): redirect("other", "/api/models", 307),
                          ("other", "/api/models"): json_body([MODEL | {"id": "evil/foreign"}])})
    with RecordingServerThread(server):
        result, _ = crawl(server, tmp_path, "hub", {"limit": "10"})
    assert result.returncode == 1, result.output[-3000:]
    line = reason(result.output, "hub")
    assert "refused a redirect off the Hub" in line and server.url("other") in line
    assert stat(result.output, "download/refused_redirects") == 1
    assert [s for s in server.seen if s.origin == "other"] == []
    assert written(tmp_path) == []


# -- item 3: pagination loops --------------------------------------------------------------------------
@pytest.mark.parametrize("limit", ["all", "100"])
def test_link_loop_fails_the_listing(tmp_path, limit):
    models = [f"org/model-{i}" for i in range(10)]
    # every page names the same next page (the same cursor): a loop
    server = two_origins({("hub", "/api/models"): page_with_link(models, "/api/models?cursor=same&limit=10")})
    with RecordingServerThread(server):
        result, _ = crawl(server, tmp_path, "hub", {"limit": limit}, timeout=60)
    assert result.returncode == 1, result.output[-3000:]
    assert "pagination loop" in reason(result.output, "hub")
    assert stat(result.output, "hub/pagination_refused") == 1
    assert len(server.seen) <= 3
    assert sorted(written(tmp_path)) == models


def test_storage_that_ignores_range_is_refused_at_the_header_bound(tmp_path):
    """model_pages reads a safetensors header with `Range: bytes=0-99999`; a storage origin that ignores it
    and streams the whole (multi-GB) file is cut at 100,000 + 64 KiB bytes, once, and the crawl fails."""
    total, chunk = 200 * MIB, MIB
    sent, ranges = [], []

    async def whole_file(srv, request):
        ranges.append(request.headers.get("Range"))
        response = web.StreamResponse(headers={"Content-Type": "application/octet-stream"})
        await response.prepare(request)
        try:
            await response.write(b"\x10\x00\x00\x00\x00\x00\x00\x00" + b'{"__metadata__":{}}'.ljust(16))
            for _ in range(total // chunk):
                await response.write(bytes(chunk))
                sent.append(chunk)
        except (ConnectionError, RuntimeError):
            return response  # the crawler hung up
        await response.write_eof()
        return response

    server = two_origins({("hub", "/org/good"): lambda srv, request: web.Response(text="<html><body></body></html>",
                                                                                   content_type="text/html"),
                          ("hub", "/org/good/resolve/main/model.safetensors"): redirect("other", "/blob/abc"),
                          ("other", "/blob/abc"): whole_file})
    with RecordingServerThread(server):
        result, peak = crawl(server, tmp_path, "model_pages", {"models": "org/good"})
    assert result.returncode == 1, result.output[-3000:]
    line = reason(result.output, "model_pages")
    assert "/blob/abc" in line and "165536 bytes" in line
    assert stat(result.output, "download/too_large") == 1
    assert ranges == ["bytes=0-99999"], "the Range followed the redirect, and the file was not asked again"
    assert sum(sent) < total and peak < PEAK_RSS_LIMIT
    assert not [s for s in server.seen if s.origin == "other" and s.authorization]
