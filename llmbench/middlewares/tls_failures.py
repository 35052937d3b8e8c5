"""A server whose certificate is not accepted fails the crawl at once, in one line naming the host and why.

Scrapy verifies certificates (`DOWNLOAD_VERIFY_CERTIFICATES`, on in llmbench's settings) during the TLS
handshake, before a single byte of the HTTP request (and so before the HF token) is sent. What Scrapy
does with a refused handshake is treat it as a network error: retry it, then hand a
`DownloadFailedError` to the spider. For a certificate nobody trusts, a retry can only fail again, and
every other request to that host would fail the same way. So this middleware, placed between pacing
(650) and retry (550), recognises the refused handshake, counts it (`tls/verification_failed`), says
once per host what failed and how to trust a private CA, fails the crawl and closes the spider
(`tls_verification_failed`), and drops the request instead of letting it be retried.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from OpenSSL.SSL import Error as OpenSSLError
from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from twisted.python.failure import Failure

from llmbench.failures import close_crawl, fail_crawl

FAILED_STAT = "tls/verification_failed"
CLOSE_REASON = "tls_verification_failed"
HINT = "nothing was sent to it; to trust a private CA, name its PEM file in SSL_CERT_FILE"


def verification_error(exception: BaseException) -> BaseException | None:
    """The TLS error behind a failed download, if the handshake was refused, else None.

    Scrapy raises its own download error `from` Twisted's (`ResponseNeverReceived`, whose documented
    `reasons` are the failures that ended the connection); the TLS layer reports an untrusted or
    expired chain as an OpenSSL error, a host name the certificate does not name as a
    service_identity `VerificationError`.
    """
    seen: set[int] = set()
    pending: list[BaseException] = [exception]
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, OpenSSLError) or type(current).__name__ in ("VerificationError", "CertificateError"):
            return current
        for reason in getattr(current, "reasons", None) or ():
            if isinstance(reason, Failure) and isinstance(reason.value, BaseException):
                pending.append(reason.value)
        for linked in (current.__cause__, current.__context__):
            if linked is not None:
                pending.append(linked)
    return None


def describe(error: BaseException) -> str:
    """A short reason: OpenSSL's own words, or which name the certificate does not match."""
    if isinstance(error, OpenSSLError) and error.args and isinstance(error.args[0], list):
        words = [str(entry[-1]) for entry in error.args[0] if entry]
        if words:
            return "; ".join(words)
    return " ".join(str(error).split())[:200] or type(error).__name__


class TlsVerificationFailures:
    """Downloader middleware: a refused certificate is one line, a failed crawl and no retry."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.reported: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> TlsVerificationFailures:
        return cls(crawler)

    def process_exception(self, request: Request, exception: Exception) -> None:
        error = verification_error(exception)
        if error is None:
            return None
        parts = urlsplit(request.url)
        host = parts.netloc.rsplit("@", 1)[-1]
        self.crawler.stats.inc_value(FAILED_STAT)
        message = f"TLS: the certificate of {host} was not accepted ({describe(error)}); {HINT}"
        if host not in self.reported:
            self.reported.add(host)
            fail_crawl(self.crawler, "tls/hosts_refused", message)
            close_crawl(self.crawler, CLOSE_REASON)
        raise IgnoreRequest(message)
