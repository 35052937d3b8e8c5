"""The data layer: the crawled parquet datasets read (read.py), joined and tidied into one row per model
(tidy.py, with the license classes of licenses.py), and the data-quality rules (quality.py). Imports
nothing from statistics/ or report/."""
