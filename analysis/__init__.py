"""`python -m analysis`: join the crawled datasets, run the statistics, draw the figures, write the report.

Three layers, data flowing one way (tests/unit/test_analysis_layers.py checks the imports):
`data/` (read, join, tidy, quality rules) -> `statistics/` (every number of results.json) ->
`report/` (figures, captions, report.html, results.json, models.parquet, where they are written);
`pipeline.py` runs them in order and `__main__.py` is the command line.
"""
