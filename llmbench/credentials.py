"""Credentials in URLs: refused in the endpoints llmbench requests, stripped from any URL it records.

A URL like `http://alice:secret@host` would carry its password into every log line, stats value, run
record, report link and results file that names the URL. The HF token has its own, guarded path
(HF_TOKEN, middlewares/hub_auth.py); a password in a URL has none. Standard library only: the analysis
imports this without Scrapy.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit


def has_userinfo(url: str) -> bool:
    """True when the URL's authority names a user (and maybe a password): `scheme://user[:pass]@host`."""
    try:
        netloc = urlsplit(url.strip()).netloc
    except ValueError:
        return "@" in url
    return "@" in netloc


def without_userinfo(url: str) -> str:
    """The URL with any `user[:password]@` removed from its authority; other URLs unchanged."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url.rpartition("@")[2] if "@" in url else url
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))
