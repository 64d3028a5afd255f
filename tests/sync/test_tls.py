"""HTTPS to the registry: the certificate is verified, against a CA bundle when one is given."""

from __future__ import annotations

import datetime as dt
import ipaddress
import time

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from nwrc_desktop.sync.commands import EnrolmentError, enroll, run_sync

from .conftest import ADMIN, STAFF, start_registry, stop_registry
from .work import add_learners


def write_test_ca(directory) -> tuple:  # noqa: ANN001
    """Write a throw-away CA and a server certificate for 127.0.0.1; return (ca, certificate, key) paths."""
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "NWRC test CA")])
    ca_certificate = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(True, False, False, False, False, True, True, False, False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    server_key = ec.generate_private_key(ec.SECP256R1())
    server_certificate = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
        .issuer_name(ca_name)
        .public_key(server_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    ca_path = directory / "ca.pem"
    certificate_path = directory / "server.pem"
    key_path = directory / "server-key.pem"
    ca_path.write_bytes(ca_certificate.public_bytes(serialization.Encoding.PEM))
    certificate_path.write_bytes(
        server_certificate.public_bytes(serialization.Encoding.PEM)
        + ca_certificate.public_bytes(serialization.Encoding.PEM)
    )
    key_path.write_bytes(
        server_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return ca_path, certificate_path, key_path


@pytest.fixture
def tls_registry(postgres_url, tmp_path):
    ca_path, certificate_path, key_path = write_test_ca(tmp_path)
    started = start_registry(postgres_url, tmp_path / "registry.log", tls=(certificate_path, key_path))
    started.ca_path = ca_path
    yield started
    stop_registry(started)


def test_https_with_ca_bundle(site, tls_registry):
    assert tls_registry.url.startswith("https://")
    code = tls_registry.add_site("TX014", "Pecos County Workforce Center")

    with pytest.raises(EnrolmentError, match="CERTIFICATE_VERIFY_FAILED|certificate verify failed"):
        enroll(site, tls_registry.url, "TX014", code, actor=ADMIN)

    enroll(site, tls_registry.url, "TX014", code, tls_registry.ca_path, actor=ADMIN)
    add_learners(site, STAFF, 2)
    started = time.monotonic()
    unverified = run_sync(site)
    assert "could not be verified" in unverified.error
    assert time.monotonic() - started < 5, "a certificate failure must not be retried"
    report = run_sync(site, ca_bundle=tls_registry.ca_path)
    assert report.exit_code == 0
    assert tls_registry.stats()["sites"]["TX014"]["learners"] == 2
