"""A crafted Hub for the leaderboard dataset cases: one thread answering each path as a case says (shared by
test_leaderboard_dataset.py and test_non_finite.py; not a test module)."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

INDEX_PATH = "/api/datasets/open-llm-leaderboard/contents"
FILE_PATH = "/datasets/open-llm-leaderboard/contents/resolve/main/data/train-00000-of-00001.parquet"
GOOD_INDEX = b'{"id": "open-llm-leaderboard/contents", "siblings": [{"rfilename": "README.md"}, ' \
             b'{"rfilename": "data/train-00000-of-00001.parquet"}]}'


class CraftedHub:
    """A one-thread HTTP server answering each path as the case says; 404 elsewhere."""

    def __init__(self, answers: dict[str, tuple[int, str, bytes]]) -> None:
        self.requests: list[str] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                outer.requests.append(self.path)
                status, kind, body = answers.get(self.path.split("?", 1)[0], (404, "text/plain", b"Not Found"))
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.hub_url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.leaderboard_url = f"{self.hub_url}/spaces/open-llm-leaderboard/open_llm_leaderboard"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
