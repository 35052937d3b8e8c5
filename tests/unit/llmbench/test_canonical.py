"""CanonicalIds in process: one API request per id that needs it, answers cached under DATA_DIR."""

from __future__ import annotations

import json

from scrapy.http import Request, TextResponse

from llmbench.canonical import CACHE_FILE, CanonicalIds

HUB = "https://huggingface.co"


def answer(url: str, status: int, body: object) -> TextResponse:
    return TextResponse(url, status=status, body=json.dumps(body).encode(), request=Request(url),
                        headers={"Content-Type": "application/json"})


def test_request_learn_and_cache(tmp_path):
    ids = CanonicalIds(tmp_path, HUB)
    assert ids.needs_lookup("gpt2") and ids.get("gpt2") is None
    request = ids.request("gpt2", callback=print, cb_kwargs={"row": 1})
    assert request.url == f"{HUB}/api/models/gpt2?expand=author"
    assert request.meta["handle_httpstatus_list"] == [401, 404] and request.cb_kwargs == {"row": 1}
    # the body after the Hub's 307 names the canonical id
    final = answer(f"{HUB}/api/models/openai-community/gpt2?expand=author", 200,
                   {"_id": "1", "id": "openai-community/gpt2", "author": "openai-community"})
    assert ids.learn("gpt2", final) == "openai-community/gpt2"
    assert ids.redirect_of("gpt2") == "openai-community/gpt2" and not ids.needs_lookup("gpt2")
    same = answer(f"{HUB}/api/models/org/a", 200, {"id": "org/a"})
    assert ids.learn("org/a", same) == "org/a" and ids.redirect_of("org/a") is None
    assert json.loads((tmp_path / CACHE_FILE).read_text()) == {"gpt2": "openai-community/gpt2", "org/a": "org/a"}
    again = CanonicalIds(tmp_path, HUB)  # a later crawl asks nothing again
    assert not again.needs_lookup("gpt2") and again.get("gpt2") == "openai-community/gpt2"


def test_not_found_and_odd_answers_are_not_cached(tmp_path):
    ids = CanonicalIds(tmp_path, HUB)
    assert ids.learn("nobody-here", answer(f"{HUB}/api/models/nobody-here", 401, {"error": "Invalid username or "
                                                                                            "password."})) is None
    assert not ids.needs_lookup("nobody-here"), "asked once per crawl"
    assert ids.learn("odd", answer(f"{HUB}/api/models/odd", 200, ["not", "an", "object"])) is None
    assert ids.needs_lookup("odd"), "an answer of another shape leaves the id unknown"
    assert not (tmp_path / CACHE_FILE).exists()
    assert CanonicalIds(tmp_path, HUB).needs_lookup("nobody-here"), "a repo may appear later"


def test_a_damaged_cache_is_ignored(tmp_path):
    (tmp_path / CACHE_FILE).parent.mkdir(parents=True)
    (tmp_path / CACHE_FILE).write_text("{not json")
    assert CanonicalIds(tmp_path, HUB).known == {}
    (tmp_path / CACHE_FILE).write_text('{"a": 5, "b": "org/b"}')
    assert CanonicalIds(tmp_path, HUB).known == {"b": "org/b"}
