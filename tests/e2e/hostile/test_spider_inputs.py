"""Hostile inputs for the hub and model_pages spiders (issue #10): bad arguments, bad entries, bad files.

A small crafted server (kept here, not in the replica) answers what the real Hub could but the replica
does not: list entries of unexpected types, a config.json with strings for numbers, a truncated body
once, 503s until told otherwise. Every case runs the real `scrapy crawl` CLI over loopback.
"""

from __future__ import annotations

import json
import subprocess
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.conftest import ROOT, crawl_command, crawl_env

Answer = tuple[int, dict[str, str], bytes]


@dataclass
class Crafted:
    """Routes: path (with query) → a function of the number of earlier hits on that path → Answer."""

    routes: dict[str, Callable[[int], Answer]] = field(default_factory=dict)
    hits: list[str] = field(default_factory=list)
    hub_url: str = ""
    leaderboard_url: str = ""

    def answer(self, path: str) -> Answer:
        count = self.hits.count(path)
        self.hits.append(path)
        route = self.routes.get(path) or self.routes.get(path.split("?")[0])
        if route is None:
            return 404, {"X-Error-Code": "EntryNotFound"}, b'{"error": "Entry not found"}'
        return route(count)


@pytest.fixture
def crafted() -> Iterator[Crafted]:
    state = Crafted()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            status, headers, body = state.answer(self.path)
            try:
                self.send_response(status)
                for name, value in headers.items():
                    for line in value.split("\n"):
                        self.send_header(name, line)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up waiting (the stall case)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.hub_url = state.leaderboard_url = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


def run(server, tmp_path: Path, spider: str, args: dict[str, str], settings: dict[str, str] | None = None):
    data = tmp_path / "data"
    data.mkdir(exist_ok=True)
    proc = subprocess.run(crawl_command(spider, args, settings), cwd=ROOT, env=crawl_env(server, data),
                          capture_output=True, text=True, timeout=120)
    return proc.returncode, proc.stdout + proc.stderr, data


def rows(data: Path, dataset: str) -> dict[str, dict]:
    from llmbench.storage import read_snapshot

    return {r["model_id"]: r for r in read_snapshot(data, dataset).to_pylist()}


def json_answer(value, status: int = 200, **headers: str) -> Callable[[int], Answer]:
    return lambda _: (status, {"Content-Type": "application/json"} | headers, json.dumps(value).encode())


def entry(model_id: str, **fields) -> dict:
    return {"_id": model_id, "id": model_id, "downloads": 5, "likes": 1, "tags": ["text-generation"],
            "createdAt": "2025-01-02T03:04:05.000Z", "safetensors": {"parameters": {"BF16": 7}, "total": 7}} | fields


@pytest.mark.parametrize(("spider", "args", "message"), [
    ("model_pages", {"models": "nothing-here.txt"}, "-a models: no such file: nothing-here.txt"),
    ("model_pages", {"models": "empty.txt"}, "-a models: file empty.txt names no model id"),
    # a path-like id that is no file from any working directory (from /work/main, ../../etc/passwd is one)
    ("model_pages", {"models": "../../no-such-dir/passwd"},
     "-a models: invalid repo id in the list: '../../no-such-dir/passwd'"),
    ("model_pages", {"models": ""}, "-a models: the list names no model id"),
    ("hub", {"limit": "ten"}, "-a limit: expected a positive whole number or 'all', got 'ten'"),
    ("hub", {"limit": "0"}, "-a limit: expected a positive whole number or 'all', got '0'"),
    ("hub", {"page_size": "5x"}, "-a page_size: expected a positive whole number, got '5x'"),
    ("hub", {"sort": "stars"}, "-a sort: expected one of downloads, likes"),
])
def test_bad_arguments_stop_before_any_request(crafted, tmp_path, spider, args, message):
    empty = tmp_path / "empty.txt"
    empty.write_text("\n")
    args = {k: (str(empty) if v == "empty.txt" else v) for k, v in args.items()}
    code, output, _ = run(crafted, tmp_path, spider, args)
    assert code == 2, output[-2000:]
    assert message.replace("empty.txt", str(empty)) in output
    assert "Traceback" not in output
    errors = [line for line in output.splitlines() if "error" in line.lower()]
    assert len(errors) == 1 and ": error: -a " in errors[0], output
    assert crafted.hits == [], "no request before the arguments are checked"


def test_invalid_list_entries_cost_only_themselves(crafted, tmp_path):
    base = crafted.hub_url
    bad = {"org/card-text": {"cardData": "x"}, "org/numeric-date": {"createdAt": 12345},
           "org/null-total": {"safetensors": {"parameters": {"BF16": 7}, "total": None}},
           "org/word-downloads": {"downloads": "many"}}
    first = [entry("org/good-1")] + [entry(m, **f) for m, f in bad.items()] + [entry("org/good-2")]
    # rel="next" on the first of two Link lines: a reader of the last line only would stop after page 1.
    links = f'<{base}/api/models?cursor=2>; rel="next"\n<{base}/.well-known/api-catalog>; rel="api-catalog"'
    crafted.routes["/api/models"] = json_answer(first, Link=links)
    crafted.routes["/api/models?cursor=2"] = json_answer([entry("org/good-3")])
    code, output, data = run(crafted, tmp_path, "hub", {"limit": "all"})
    assert code == 1, output[-3000:]
    assert set(rows(data, "hub_models")) == {"org/good-1", "org/good-2", "org/good-3"}
    assert "'hub/entries/invalid': 4" in output
    for model_id in bad:
        logged = [line for line in output.splitlines() if f"model {model_id}:" in line and "ERROR" in line]
        assert len(logged) == 1 and f"{base}/api/models?" in logged[0], model_id


def model_repo(crafted: Crafted, model_id: str, config: Callable[[int], Answer]) -> None:
    crafted.routes[f"/{model_id}"] = lambda _: (200, {"Content-Type": "text/html"}, b"<html><body>a page</body></html>")
    crafted.routes[f"/{model_id}/resolve/main/config.json"] = config


LLAMA_CONFIG = {"model_type": "llama", "hidden_size": 512, "num_hidden_layers": 2, "vocab_size": 1000,
                "num_attention_heads": 8, "intermediate_size": 1024}


def test_config_of_wrong_types_gives_a_row_with_a_reason(crafted, tmp_path):
    model_repo(crafted, "org/strings", json_answer(LLAMA_CONFIG | {"num_attention_heads": "32"}))
    code, output, data = run(crafted, tmp_path, "model_pages", {"models": "org/strings"})
    assert code == 0, output[-3000:]
    row = rows(data, "model_sizes")["org/strings"]
    assert row["params"] is None and "num_attention_heads is str '32'" in row["reason"]
    assert "readme: file not found (HTTP 404 EntryNotFound)" in row["candidates"]


def test_truncated_config_is_asked_again_before_a_weaker_source(crafted, tmp_path):
    body = json.dumps(LLAMA_CONFIG).encode()
    model_repo(crafted, "org/cut", lambda hit: (200, {"Content-Type": "application/json"}, body[:20] if hit == 0
                                                 else body))
    code, output, data = run(crafted, tmp_path, "model_pages", {"models": "org/cut"})
    assert code == 0, output[-3000:]
    assert rows(data, "model_sizes")["org/cut"]["params_source"] == "config"
    assert crafted.hits.count("/org/cut/resolve/main/config.json") == 2


def test_transient_failures_leave_the_model_for_the_resume(crafted, tmp_path):
    healthy = {"up": False}
    def config(_hit: int) -> Answer:
        if healthy["up"]:
            return 200, {}, json.dumps(LLAMA_CONFIG).encode()
        return 503, {}, b"busy"
    model_repo(crafted, "org/flaky", config)
    model_repo(crafted, "org/fine", json_answer(LLAMA_CONFIG))
    settings = {"RETRY_TIMES": "2", "JOBDIR": str(tmp_path / "job")}
    code, output, data = run(crafted, tmp_path, "model_pages", {"models": "org/flaky,org/fine"}, settings)
    assert code == 1, output[-3000:]
    assert "left org/flaky unsized after transient failures (config: server error (HTTP 503, after retries))" in output
    assert set(rows(data, "model_sizes")) == {"org/fine"}, "not written as done"
    assert crafted.hits.count("/org/flaky/resolve/main/config.json") == 3, "retried before giving up"
    assert "/org/flaky/raw/main/README.md" not in crafted.hits, "no weaker source after a transient failure"
    healthy["up"] = True
    crafted.hits.clear()
    code, output, data = run(crafted, tmp_path, "model_pages", {"models": "org/flaky,org/fine"}, settings)
    assert code == 0, output[-3000:]
    assert rows(data, "model_sizes")["org/flaky"]["params_source"] == "config"
    assert not [h for h in crafted.hits if h.startswith("/org/fine")], "the resume skips what is done"


def test_a_stalled_source_is_retried_then_left_for_the_resume(crafted, tmp_path):
    import time

    def stall(_hit: int) -> Answer:
        time.sleep(2.5)
        return 200, {}, json.dumps(LLAMA_CONFIG).encode()
    model_repo(crafted, "org/stalled", stall)
    code, output, data = run(crafted, tmp_path, "model_pages", {"models": "org/stalled"},
                             {"DOWNLOAD_TIMEOUT": "1", "RETRY_TIMES": "1"})
    assert code == 1, output[-3000:]
    assert "(config: network error (DownloadTimeoutError, after retries))" in output
    assert crafted.hits.count("/org/stalled/resolve/main/config.json") == 2
    assert not (data / "model_sizes").exists(), "nothing written as done"
