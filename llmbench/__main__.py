"""`llmbench ...` / `python -m llmbench ...`: the `scrapy` command line, with llmbench's settings from anywhere.

`scrapy` finds a project through `scrapy.cfg` in the current directory (or a parent) or the
SCRAPY_SETTINGS_MODULE environment variable. In the checkout `scrapy crawl hub` works as it is; an
installed llmbench run from elsewhere needs `SCRAPY_SETTINGS_MODULE=llmbench.settings`, which this
entry point sets unless the environment already names a settings module.
"""

from __future__ import annotations

import os
import sys

SETTINGS_MODULE = "llmbench.settings"


def main(argv: list[str] | None = None) -> None:
    """Run a scrapy command (`crawl hub`, `pipeline`, `list`, ...) in the llmbench project."""
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", SETTINGS_MODULE)
    from scrapy.cmdline import execute

    execute(["llmbench", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
