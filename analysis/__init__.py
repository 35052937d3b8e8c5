"""`python -m analysis`: join the crawled datasets, run the statistics, draw the figures, write the report."""
