"""The Open LLM Leaderboard: its Space on the Hub origin, its app origin, the board snapshot they serve."""
