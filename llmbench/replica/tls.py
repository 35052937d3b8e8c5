"""HTTPS for the replica's origins: a throwaway self-signed certificate for 127.0.0.1 and localhost.

Some client behaviour depends on the scheme: huggingface_hub maps an anonymous 401 to
`RepositoryNotFoundError` only for `https://` endpoints, and token rules may refuse plain http. Serving
over TLS lets tests see the client exactly as it behaves against huggingface.co. Clients trust the
certificate explicitly (`SSL_CERT_FILE=<its PEM file>`), never by turning verification off.
"""

from __future__ import annotations

import ipaddress
import ssl
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path


@dataclass(frozen=True)
class Certificate:
    """A certificate's PEM file (what clients trust) and its key's PEM file (what the server loads)."""

    cert_file: Path
    key_file: Path

    def server_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.cert_file, self.key_file)
        return context


def make_certificate(folder: Path, host: str = "127.0.0.1", *, names: tuple[str, ...] | None = None,
                     valid_from: datetime | None = None, valid_days: float = 2.0) -> Certificate:
    """A self-signed certificate written to `folder`: for `host` and localhost unless `names` says
    otherwise (a name it does not hold makes a host-name mismatch), valid from `valid_from`."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "llmbench replica")])
    alt: list[x509.GeneralName] = []
    for name in names if names is not None else (host, "localhost"):
        try:
            alt.append(x509.IPAddress(ipaddress.ip_address(name)))
        except ValueError:
            alt.append(x509.DNSName(name))
    start = valid_from or datetime.now(UTC) - timedelta(minutes=5)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(start)
            .not_valid_after(start + timedelta(days=valid_days))
            .add_extension(x509.SubjectAlternativeName(alt), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    folder.mkdir(parents=True, exist_ok=True)
    certificate = Certificate(folder / "cert.pem", folder / "key.pem")
    certificate.cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    certificate.key_file.touch(mode=0o600)
    certificate.key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                       serialization.NoEncryption()))
    return certificate


def self_signed(host: str) -> tuple[ssl.SSLContext, Path]:
    """A server context for `host` (an IP or a name) and the PEM file clients trust it with; the key is
    deleted once loaded, and the caller removes the certificate's folder when done."""
    certificate = make_certificate(Path(tempfile.mkdtemp(prefix="llmbench-replica-tls-")), host)
    context = certificate.server_context()
    certificate.key_file.unlink()  # loaded; only the certificate stays on disk, for clients to trust
    return context, certificate.cert_file
