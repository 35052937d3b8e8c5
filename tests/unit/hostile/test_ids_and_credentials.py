"""Issue #23 items 5, 6, 8/9 in process: ids with newlines or dot segments, credentials in URLs, `.env`
(the crawls against the recording server: tests/e2e/hostile/test_ids_and_credentials.py)."""

from __future__ import annotations

import os

PASSWORD = "S3cretPassHostile"


def test_ids_with_a_newline_are_invalid():
    from llmbench.repo_ids import repo_id_problem

    assert repo_id_problem("org/model\n") is not None
    assert repo_id_problem("org/model\nother/line") is not None
    assert repo_id_problem("org/model") is None


def test_no_dot_segment_survives_url_building():
    import pytest

    from llmbench.hub_endpoint import HubUrls

    urls = HubUrls("https://hub.test")
    for bad in ("..", "org/..", "../../api/whoami-v2", "a/b\n"):
        with pytest.raises(ValueError):
            urls.repo_info(bad)
    assert urls.resolve("org/m", "../x/./y").endswith("/org/m/resolve/main/%2E%2E/x/%2E/y")


def test_the_analysis_records_and_links_no_userinfo():
    from analysis.pipeline import Options
    from analysis.report.html import Links

    options = Options(hub_url=f"https://alice:{PASSWORD}@hub.example/")
    assert PASSWORD not in options.hub_url and options.hub_url.startswith("https://hub.example")
    assert PASSWORD not in Links(f"http://alice:{PASSWORD}@hub.example").model("org/m")


def test_dotenv_reads_hf_token_only(tmp_path, monkeypatch):
    from llmbench.hub_endpoint import dotenv_token, hub_token

    (tmp_path / ".env").write_text('OTHER=x\nexport HF_TOKEN="hf_quoted"\nPATH=/nowhere\n')
    (tmp_path / ".env").chmod(0o600)
    assert dotenv_token(tmp_path) == "hf_quoted"
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("HF_TOKEN", raising=False)
    monkeypatch.delenv("HUGGING_FACE_HUB_TOKEN", raising=False)
    monkeypatch.setenv("HF_TOKEN_PATH", str(tmp_path / "no-token-file"))
    assert hub_token() == "hf_quoted"
    assert "HF_TOKEN" not in os.environ and os.environ.get("OTHER") is None  # nothing loaded process-wide
    monkeypatch.setenv("HF_HUB_DISABLE_IMPLICIT_TOKEN", "1")  # the demo and the tests: a stray .env is not read
    assert hub_token() is None
    monkeypatch.delenv("HF_HUB_DISABLE_IMPLICIT_TOKEN")
    monkeypatch.setenv("HF_TOKEN", "hf_env")
    assert hub_token() == "hf_env"
