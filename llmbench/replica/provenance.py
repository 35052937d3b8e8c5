"""What in an answer of the replica is synthetic: the `X-Llmbench-Replica` header on its API answers.

The real Hub sends no such header; the replica adds it so that whatever reads its data (the crawl's run
records, then the analysis's report) can say the data came from a replica and which fields were made up.
The value is `;`-separated `key=value` pairs, API field names as the answer spells them:

    X-Llmbench-Replica: answer=models; synthetic=downloads,trendingScore,...; board-scores=Idavidrein/gpqa,...

- `answer`: which kind of answer (`models`, `leaderboard-contents`, `datasets`, `benchmark-leaderboard`,
  `api`, `leaderboard-app`): the same field name means different things in each;
- `synthetic`: fields whose values the replica made up (deterministic from `--seed`); README.md's
  replica section lists them in words.
- `board-scores`: Community Evals datasets whose "live" results are the Open LLM Leaderboard's own raw
  scores of the same models, filed as results: compared with the board they agree by construction.

Answers the replica copies from real data unchanged (the leaderboard rows, recorded card files) carry
`synthetic=` with an empty list, so a reader still learns that a replica served them.
"""

from __future__ import annotations

from aiohttp import web

HEADER = "X-Llmbench-Replica"

# README.md ("Data", "Community Evals"): the Hub metadata the replica synthesises.
MODEL_FIELDS = ("downloads", "downloadsAllTime", "trendingScore", "cardData.language", "gated", "createdAt",
                "lastModified", "cardData.license_name", "cardData.license_link", "childrenModelCount",
                "siblings", "safetensors", "gguf", "evalResults", "model-index", "spaces")
BOARD_SCORES = ("Idavidrein/gpqa", "TIGER-Lab/MMLU-Pro")
CONTENTS_FIELDS = ("sha", "lastModified")  # the board's rows are real; the dataset's revision is not
DATASET_FIELDS = ("downloads", "likes", "createdAt", "lastModified", "sha", "description")
LEADERBOARD_FIELDS = ("value", "verified", "source", "notes", "pullRequest", "author.type")


def value(answer: str, synthetic: tuple[str, ...] = (), board_scores: tuple[str, ...] = ()) -> str:
    text = f"answer={answer}; synthetic=" + ",".join(synthetic)
    return text + ("; board-scores=" + ",".join(board_scores) if board_scores else "")


def marker(path: str) -> str | None:
    """The header value for an answer to `path` (Hub or leaderboard app origin); None for what is not an
    API answer (pages and files carry no fields)."""
    if path.startswith("/api/models"):
        return value("models", MODEL_FIELDS, BOARD_SCORES)
    if path.startswith("/api/datasets/open-llm-leaderboard/contents"):
        return value("leaderboard-contents", CONTENTS_FIELDS)
    if path.startswith("/api/datasets/") and path.endswith("/leaderboard"):
        return value("benchmark-leaderboard", LEADERBOARD_FIELDS, BOARD_SCORES)
    if path.startswith("/api/datasets"):
        return value("datasets", DATASET_FIELDS)
    if path.startswith("/api/leaderboard") or path.startswith("/api/v2/leaderboard"):
        return value("leaderboard-app")  # the board's rows as recorded: nothing made up
    if path.startswith("/api/"):
        return value("api")
    return None


@web.middleware
async def mark_answers(request: web.Request, handler):
    """Adds the header to every API answer (errors included: they come from a replica too)."""
    header = marker(request.path)
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        if header is not None:
            exc.headers[HEADER] = header
        raise
    if header is not None and not response.prepared:  # a streamed (hostile) answer has sent its headers
        response.headers[HEADER] = header
    return response
