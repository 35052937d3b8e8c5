"""llmbench: crawl open-LLM metadata, leaderboard scores and sizes from Hugging Face; analyse them."""

__version__ = "0.1.0"
