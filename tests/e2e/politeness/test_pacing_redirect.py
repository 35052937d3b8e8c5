"""A paced bucket survives the Hub's 302 of an LFS file to its CDN: RedirectMiddleware turns that answer
into a new request before the pacing middleware sees it, which must not leave the bucket waiting forever
for its probe's reply (the `contents` parquet of the leaderboard's dataset path is such a file)."""

from __future__ import annotations

from llmbench.replica.ratelimit import RateLimitConfig


def test_dataset_path_through_the_cdn_redirect_with_pacing_on(make_replica, run_crawl):
    replica = make_replica(limits=RateLimitConfig())
    result = run_crawl(replica, "leaderboard", {"source": "dataset", "models": "openai-community/gpt2"},
                       settings={"HUB_RATE_PACING": "True"}, timeout=120)
    assert result.returncode == 0, result.output[-3000:]
    assert [r.status for r in replica.log.records if r.origin == "cdn" and "/repos/" in r.path_qs] == [200]
