"""The report layer: the figures (figures.py, styled and saved by figure_layout.py, drawn in a worker
process by figure_worker.py) and their captions (captions.py), report.html (sections.py, on html.py's
building blocks), results.json and models.parquet (results.py), and where they may be written (output.py)."""
