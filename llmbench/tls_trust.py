"""Which certificate authorities llmbench trusts, for Scrapy's downloads and for Chromium.

Scrapy verifies server certificates when `DOWNLOAD_VERIFY_CERTIFICATES` is on (llmbench's default):
Twisted checks the chain against OpenSSL's trust store and the host name against the certificate. OpenSSL
reads its store from `SSL_CERT_FILE` / `SSL_CERT_DIR` when they are set (the system's otherwise), as
Python's `ssl`, httpx and so huggingface_hub also do. `REQUESTS_CA_BUNDLE` (requests) and
`CURL_CA_BUNDLE` (curl) name a bundle the same way for other tools; llmbench's commands honour them by
passing the bundle on as `SSL_CERT_FILE` before any crawler exists (`export_ca_bundle`).

Chromium on Linux reads no such variable: its store is NSS's. For a bundle named by these variables,
the browser is told to accept exactly the public keys of that bundle's certificates
(`--ignore-certificate-errors-spki-list`), which is how the replica's throwaway certificate is trusted
in the browser; every other site keeps Chromium's own verification (docs/security.md).
"""

from __future__ import annotations

import base64
import hashlib
import os
from collections.abc import Mapping
from pathlib import Path

# In the order they are honoured: OpenSSL's own variable first, then the ones requests and curl define.
CA_BUNDLE_VARIABLES = ("SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE")
# A bundle this large is a whole system store, not a private CA: the browser keeps its own store for it.
MAX_BROWSER_PINS = 20
PEM_BEGIN = b"-----BEGIN CERTIFICATE-----"


class CaBundleError(ValueError):
    """A CA variable names a file that cannot be used (missing, unreadable, no certificate in it)."""


def ca_bundle(environ: Mapping[str, str] | None = None) -> tuple[str, Path] | None:
    """(variable, path) of the CA bundle the user named, if any, in the order of CA_BUNDLE_VARIABLES."""
    environ = os.environ if environ is None else environ
    for name in CA_BUNDLE_VARIABLES:
        value = environ.get(name, "").strip()
        if value:
            return name, Path(value)
    return None


def check_ca_bundle(environ: Mapping[str, str] | None = None) -> Path | None:
    """The named bundle, checked to hold at least one PEM certificate; CaBundleError saying why not."""
    named = ca_bundle(environ)
    if named is None:
        return None
    name, path = named
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CaBundleError(f"{name}={path}: cannot read it ({exc.strerror or exc})") from None
    if PEM_BEGIN not in data:
        raise CaBundleError(f"{name}={path}: no PEM certificate in it") from None
    return path


def export_ca_bundle(environ: dict[str, str] | os._Environ = os.environ) -> Path | None:
    """Make a bundle named by REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE OpenSSL's `SSL_CERT_FILE` too.

    Called by llmbench's commands once, before any crawler, reactor or thread exists: OpenSSL (and so
    Twisted, Scrapy and Chromium's launch here) reads only its own variable.
    """
    path = check_ca_bundle(environ)
    if path is not None and not environ.get("SSL_CERT_FILE") and not environ.get("SSL_CERT_DIR"):
        environ["SSL_CERT_FILE"] = str(path)
    return path


def pem_certificates(path: Path) -> list[bytes]:
    """Each PEM certificate block of a bundle file, as bytes."""
    data = path.read_bytes()
    blocks = []
    for part in data.split(PEM_BEGIN)[1:]:
        end = part.find(b"-----END CERTIFICATE-----")
        if end >= 0:
            blocks.append(PEM_BEGIN + part[: end] + b"-----END CERTIFICATE-----\n")
    return blocks


def spki_sha256(pem: bytes) -> str:
    """Base64 of the SHA-256 of a certificate's SubjectPublicKeyInfo: Chromium's SPKI pin format."""
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    key = x509.load_pem_x509_certificate(pem).public_key()
    der = key.public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
    return base64.b64encode(hashlib.sha256(der).digest()).decode("ascii")


def browser_trust_args(environ: Mapping[str, str] | None = None) -> list[str]:
    """Chromium switches that trust the user's private CA bundle (none without one, or for a system store)."""
    path = check_ca_bundle(environ)
    if path is None:
        return []
    certificates = pem_certificates(path)
    if not certificates or len(certificates) > MAX_BROWSER_PINS:
        return []
    pins = [spki_sha256(pem) for pem in certificates]
    return [f"--ignore-certificate-errors-spki-list={','.join(pins)}"]
