"""Issue #23 items 5, 6, 8/9: ids from Hub answers, credentials in URLs, `.env`, and one-line errors.

Every crawl here is the real `scrapy crawl` against tests/e2e/hostile/recording_server.py, which records
each request (path and Authorization) per origin, so a test can say what reached the server.
"""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from aiohttp import web

from llmbench.replica.leaderboard.snapshot import formatted_rows, raw_from_formatted
from tests.conftest import ROOT
from tests.e2e.hostile.recording_server import RecordingServer, RecordingServerThread, json_body, redirect
from tests.e2e.hostile.runs import TOKEN, command, env_for, files_holding, run

PASSWORD = "S3cretPassHostile"
NOWHERE = "http://127.0.0.1:9"  # nothing listens: a crawl refused before it starts never gets there
EVAL_YAML = "name: Bench\nevaluation_framework: lighteval\ntasks:\n  - id: main\n"


def dotted(server: RecordingServer) -> list[str]:
    """Requested paths that still name a dot segment (raw or percent-encoded) or reached whoami."""
    return [s.path for s in server.seen
            if ".." in s.path or "%2e%2e" in s.path.lower() or "whoami" in s.path]


def text(value: str, status: int = 200):
    return lambda server, request: web.Response(text=value, status=status)


def assert_one_line_usage_error(result, *needles: str) -> None:
    assert result.returncode == 2, result.output[-2000:]
    assert "Traceback" not in result.output, result.output[-3000:]
    errors = [line for line in result.output.splitlines() if "error:" in line]
    assert len(errors) == 1, result.output[-2000:]
    for needle in needles:
        assert needle in errors[0], errors[0]


# -- 1. ids from Hub answers are validated before any request ---------------------------------------
def test_benchmark_list_with_dot_segment_dataset_ids_requests_none_of_them(tmp_path):
    server = RecordingServer(answers={
        ("hub", "/api/datasets"): json_body([{"id": "../../../api/whoami-v2"}, {"id": ".."}, {"id": "org/.."}]),
    })
    with RecordingServerThread(server):
        result = run(command("benchmarks"), env_for(server.url("hub"), tmp_path / "data"))
    assert dotted(server) == [], server.seen
    assert result.returncode == 1, result.output[-3000:]
    assert "'benchmarks/invalid_ids': 3" in result.output
    assert "../../../api/whoami-v2" in result.output and "/api/datasets" in result.output


def test_benchmark_board_with_dot_segment_model_ids_requests_none_of_them(tmp_path):
    rows = [{"modelId": "../../../../api/whoami-v2", "value": 1.0}, {"modelId": "..", "value": 2.0}]
    server = RecordingServer(answers={
        ("hub", "/api/datasets"): json_body([{"id": "org/bench"}]),
        ("hub", "/datasets/org/bench/resolve/main/eval.yaml"): text(EVAL_YAML),
        ("hub", "/api/datasets/org/bench/leaderboard"): json_body(rows),
    })
    with RecordingServerThread(server):
        result = run(command("benchmarks"), env_for(server.url("hub"), tmp_path / "data"))
    assert any(s.path.startswith("/api/datasets/org/bench/leaderboard") for s in server.seen), server.seen
    assert dotted(server) == [], server.seen
    assert result.returncode == 1, result.output[-3000:]
    assert "'benchmarks/invalid_ids': 2" in result.output


def board_parquet(names: list[str]) -> bytes:
    rows = []
    for name, row in zip(names, formatted_rows(), strict=False):
        raw = raw_from_formatted(row)
        raw["fullname"] = name
        rows.append(raw)
    sink = io.BytesIO()
    pq.write_table(pa.Table.from_pylist(rows), sink)
    return sink.getvalue()


def test_canonical_lookup_never_asks_for_an_invalid_legacy_id(tmp_path):
    parquet = board_parquet(["..", "org/good"])
    index = {"id": "open-llm-leaderboard/contents", "siblings": [{"rfilename": "data/train.parquet"}]}
    server = RecordingServer(answers={
        ("hub", "/api/datasets/open-llm-leaderboard/contents"): json_body(index),
        ("hub", "/datasets/open-llm-leaderboard/contents/resolve/main/data/train.parquet"):
            lambda server, request: web.Response(body=parquet),
    })
    with RecordingServerThread(server):
        result = run(command("leaderboard", {"source": "dataset"}), env_for(server.url("hub"), tmp_path / "data"))
    assert any(s.path.endswith("train.parquet") for s in server.seen), server.seen
    assert dotted(server) == [], server.seen
    assert "'canonical/invalid_ids': 1" in result.output, result.output[-3000:]


# -- 2. no credential in HF_ENDPOINT / LLMBENCH_LEADERBOARD_URL ------------------------------------
def test_hf_endpoint_with_userinfo_is_refused_before_anything_runs(tmp_path):
    server = RecordingServer()
    data = tmp_path / "data"
    with RecordingServerThread(server):
        hub = server.url("hub").replace("http://", f"http://alice:{PASSWORD}@")
        result = run(command("hub", {"limit": "1"}), env_for(hub, data))
        crawlall = run(command("hub")[:3] + ["crawlall"], env_for(hub, data))
    for each in (result, crawlall):
        assert_one_line_usage_error(each, "HF_ENDPOINT must not carry credentials; use HF_TOKEN")
        assert PASSWORD not in each.output
    assert server.seen == []
    assert not data.exists() or files_holding(PASSWORD, data) == []


def test_leaderboard_url_with_userinfo_is_refused(tmp_path):
    env = env_for(NOWHERE, tmp_path / "data", leaderboard_url=f"https://bob:{PASSWORD}@example.org/board")
    result = run(command("leaderboard", {"source": "dataset"}), env)
    assert_one_line_usage_error(result, "LLMBENCH_LEADERBOARD_URL must not carry credentials")
    assert PASSWORD not in result.output


# -- 3. HF_TOKEN from a .env file in the working directory -----------------------------------------
def run_in(cwd: Path, args: list[str], env: dict[str, str]):
    env = env | {"PYTHONPATH": str(ROOT), "SCRAPY_SETTINGS_MODULE": "llmbench.settings"}
    cmd = [sys.executable, "-m", "llmbench", *args]
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    return proc.returncode, proc.stdout + proc.stderr


def model_pages_server() -> RecordingServer:
    # the page, then config.json, which the Hub redirects to another origin (a CDN): that one gets no token
    return RecordingServer(answers={("hub", "/org/model"): redirect("other", "/org/model"),
                                    ("hub", "/org/model/resolve/main/config.json"): redirect("other", "/cfg")})


def dotenv_env(server, data):
    """No token in the environment, and nothing asking for no implicit token: the .env is read."""
    env = env_for(server.url("hub"), data, token=None)
    env.pop("HF_HUB_DISABLE_IMPLICIT_TOKEN", None)
    return env


def test_dotenv_token_is_used_for_the_hub_only_and_never_logged(tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    dotenv = work / ".env"
    dotenv.write_text(f"# seed's file\nOTHER=1\nHF_TOKEN={TOKEN}\n")
    dotenv.chmod(0o600)
    server = model_pages_server()
    data = tmp_path / "data"
    with RecordingServerThread(server):
        code, output = run_in(work, command("model_pages", {"models": "org/model"})[3:], dotenv_env(server, data))
    assert server.with_token("hub") and all(s.authorization == f"Bearer {TOKEN}" for s in server.with_token("hub"))
    assert [s for s in server.seen if s.origin == "other"] and server.with_token("other") == []
    assert TOKEN not in output and files_holding(TOKEN, data) == []
    assert ".env" not in output  # mode 0600: no warning


def test_dotenv_never_overrides_the_environment_and_warns_when_others_can_read_it(tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    dotenv = work / ".env"
    dotenv.write_text(f"HF_TOKEN={TOKEN}\n")
    dotenv.chmod(0o644)
    server = model_pages_server()
    with RecordingServerThread(server):
        code, output = run_in(work, command("model_pages", {"models": "org/model"})[3:],
                              env_for(server.url("hub"), tmp_path / "data", token="hf_fromTheRealEnvironment"))
        _, warned = run_in(work, command("model_pages", {"models": "org/model"})[3:],
                           dotenv_env(server, tmp_path / "data2"))
    assert server.with_token("hub")
    assert {s.authorization for s in server.with_token("hub")} == {"Bearer hf_fromTheRealEnvironment",
                                                                    f"Bearer {TOKEN}"}
    assert [line for line in warned.splitlines() if ".env" in line and "readable" in line], warned[-3000:]
    assert TOKEN not in output and TOKEN not in warned


# -- 4/5. bad input: one line, exit 2, no traceback ------------------------------------------------
def test_bad_crawl_date_is_one_line(tmp_path):
    for value in ("../../x", "20240101", "2024-13-01"):
        env = env_for(NOWHERE, tmp_path / "data", LLMBENCH_CRAWL_DATE=value)
        result = run(command("hub", {"limit": "1"}), env)
        assert_one_line_usage_error(result, "CRAWL_DATE", "YYYY-MM-DD")
    assert not (tmp_path / "x").exists()


def test_bad_benchmarks_arguments_are_one_line(tmp_path):
    env = env_for(NOWHERE, tmp_path / "data")
    assert_one_line_usage_error(run(command("benchmarks", {"page_size": "abc"}), env), "-a page_size")
    assert_one_line_usage_error(run(command("benchmarks", {"benchmarks": "../../x"}), env), "-a benchmarks",
                                "../../x")


def test_unknown_arguments_are_rejected_with_the_accepted_ones(tmp_path):
    env = env_for(NOWHERE, tmp_path / "data")
    board = run(command("leaderboard", {"bord": "v1"}), env)
    assert_one_line_usage_error(board, "-a bord", "board", "models", "source", "verify")
    assert_one_line_usage_error(run(command("hub", {"limt": "5"}), env), "-a limt", "limit")
    assert_one_line_usage_error(run(command("benchmarks", {"models": "a/b"}), env), "-a models", "benchmarks")
    assert_one_line_usage_error(run(command("model_pages", {"model": "a/b"}), env), "-a model", "models")


# -- RateLimit headers with absurd numbers ---------------------------------------------------------
def test_a_400_digit_ratelimit_reset_is_ignored_with_one_warning(tmp_path):
    entry = {"id": "org/model", "author": "org", "pipeline_tag": "text-generation", "tags": []}
    header = {"RateLimit": f'"api";r=0;t={"9" * 400}', "RateLimit-Policy": '"fixed window";"api";q=500;w=300'}
    server = RecordingServer(answers={
        ("hub", "/api/models"): lambda server, request: web.json_response([entry], headers=header),
    })
    with RecordingServerThread(server):
        result = run(command("hub", {"limit": "1"}, {"HUB_RATE_PACING": "True"}),
                     env_for(server.url("hub"), tmp_path / "data"))
    assert result.returncode == 0, result.output[-3000:]
    assert "OverflowError" not in result.output and "Traceback" not in result.output
    warnings = [line for line in result.output.splitlines() if "RateLimit" in line and "ignored" in line]
    assert len(warnings) == 1, result.output[-3000:]
