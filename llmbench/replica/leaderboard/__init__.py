"""The Open LLM Leaderboard: its Space on the Hub origin, its app origin, the board snapshot they serve;
and the archived v1 board's Space page and Gradio app (`v1_space.py`)."""
