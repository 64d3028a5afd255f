"""Fixtures for certificate tests: a signing key and a factory of signed certificates to render."""

from __future__ import annotations

import datetime

import pytest

from nwrc_desktop.certificates import (
    CertificateData,
    CertificatePayload,
    generate_signing_key,
    new_certificate_number,
    sign,
    verification_code,
    verification_url,
)
from nwrc_desktop.domain.assessments import CredentialType

ISSUED_ON = datetime.date(2026, 12, 4)
REGISTRY = "https://registry.nwrc.test"


@pytest.fixture(scope="session")
def signing_key() -> bytes:
    return generate_signing_key()


@pytest.fixture
def make_certificate(signing_key):
    """Return a function that builds a signed CertificateData for a name, credential and level."""

    def make(
        name: str,
        credential_type: CredentialType = CredentialType.ACADEMIC,
        level: int | None = 3,
        site_name: str = "Riverside Community College Testing Center",
        site_code: str = "NYC01",
    ) -> CertificateData:
        number = new_certificate_number(site_code)
        payload = CertificatePayload(number, name, credential_type, level, ISSUED_ON, site_code)
        signature = sign(signing_key, payload)
        return CertificateData(
            certificate_number=number,
            learner_name=name,
            credential_type=credential_type,
            level=level,
            issued_on=ISSUED_ON,
            site_name=site_name,
            site_code=site_code,
            verification_code=verification_code(signature),
            verification_url=verification_url(REGISTRY, payload, signature),
        )

    return make
