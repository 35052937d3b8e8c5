"""The crawlers: `hub` (API metadata), `leaderboard` (benchmark rows), `model_pages` (sizes)."""
