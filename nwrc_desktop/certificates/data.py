"""The facts printed on one certificate, as the store hands them to the renderer."""

from __future__ import annotations

import dataclasses
import datetime
import unicodedata

from nwrc_desktop.certificates.numbers import normalize_certificate_number
from nwrc_desktop.certificates.signing import check_level
from nwrc_desktop.domain.assessments import CredentialType


@dataclasses.dataclass(frozen=True)
class CertificateData:
    """One certificate to print.

    `learner_name` is the name as it should appear on the certificate. `verification_code` and
    `verification_url` come from :mod:`nwrc_desktop.certificates.signing`. Construction normalises the
    names to NFC and the number to its printed form, and raises ValueError on a level that does not
    suit the credential or a number from another site.
    """

    certificate_number: str
    learner_name: str
    credential_type: CredentialType
    level: int | None
    issued_on: datetime.date
    site_name: str
    site_code: str
    verification_code: str
    verification_url: str

    def __post_init__(self) -> None:
        number = normalize_certificate_number(self.certificate_number)
        object.__setattr__(self, "certificate_number", number)
        object.__setattr__(self, "learner_name", unicodedata.normalize("NFC", self.learner_name).strip())
        object.__setattr__(self, "site_name", unicodedata.normalize("NFC", self.site_name).strip())
        object.__setattr__(self, "credential_type", CredentialType(self.credential_type))
        if number.partition("-")[0] != self.site_code:
            raise ValueError(f"certificate number {number} does not belong to site {self.site_code!r}")
        if not self.learner_name:
            raise ValueError(f"certificate {number} has an empty learner name")
        if not self.site_name:
            raise ValueError(f"certificate {number} has an empty site name")
        if not self.verification_code or not self.verification_url:
            raise ValueError(f"certificate {number} is missing its verification code or URL")
        check_level(self.credential_type, self.level)
