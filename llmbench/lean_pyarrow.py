"""Keep pandas out of a crawl: pyarrow imports it the first time it converts Python objects.

pyarrow checks once per process whether pandas can be imported, to recognise pandas objects handed to
`pa.array`. Importing pandas is most of a second of a short crawl, and a crawl only ever hands pyarrow
plain Python objects. `pyarrow_without_pandas()` lets that check run while pandas cannot be imported:
pyarrow records "no pandas" and converts Python objects directly, into the same arrays. An explicit
use later (`Table.to_pandas()`) still works: asked for pandas itself, pyarrow imports it then.
Crawl processes only: code that hands pandas objects to pyarrow (the analysis) must not call it.
"""

from __future__ import annotations

import sys


class _NoPandas:
    """An import finder under which `import pandas` fails, as if it were not installed."""

    @staticmethod
    def find_spec(name: str, path: object = None, target: object = None) -> None:
        if name == "pandas" or name.startswith("pandas."):
            raise ImportError("pandas is kept out of this crawl")


def pyarrow_without_pandas() -> None:
    if "pandas" in sys.modules:
        return  # already paid for
    import pyarrow.lib

    pandas_api = getattr(pyarrow.lib, "_pandas_api", None)
    if pandas_api is None or not hasattr(type(pandas_api), "have_pandas"):
        return  # another pyarrow: leave it alone
    finder = _NoPandas()
    sys.meta_path.insert(0, finder)
    try:
        pandas_api.have_pandas  # noqa: B018  # the one-time check, remembered by pyarrow
    finally:
        sys.meta_path.remove(finder)
