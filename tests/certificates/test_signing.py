import base64
import dataclasses
import datetime
import json
import unicodedata
import urllib.parse

import pytest

from nwrc_desktop.certificates import (
    CertificatePayload,
    canonical_bytes,
    generate_signing_key,
    new_certificate_number,
    parse_verification_url,
    payload_from_canonical_bytes,
    public_key_bytes,
    sign,
    verification_code,
    verification_url,
    verify,
)
from nwrc_desktop.domain.assessments import CredentialType


@pytest.fixture
def payload() -> CertificatePayload:
    return CertificatePayload(
        certificate_number=new_certificate_number("NYC01"),
        learner_name="Nguyễn Thị Ánh",
        credential_type=CredentialType.ACADEMIC,
        level=3,
        issued_on=datetime.date(2026, 12, 4),
        site_code="NYC01",
    )


def test_keys_are_raw_32_bytes():
    private = generate_signing_key()

    assert len(private) == 32
    assert len(public_key_bytes(private)) == 32
    assert generate_signing_key() != private


def test_canonical_bytes_sorted_compact_nfc(payload):
    data = canonical_bytes(payload)
    document = json.loads(data)

    assert list(document) == sorted(document)
    assert b" " not in data.replace("Nguyễn Thị Ánh".encode(), b"")
    assert document["learner_name"] == "Nguyễn Thị Ánh"
    assert "Nguyễn Thị Ánh".encode() in data
    assert document["level"] == 3
    assert document["issued_on"] == "2026-12-04"
    assert document["credential_type"] == "academic"
    assert document["site_code"] == "NYC01"


def test_decomposed_name_gives_same_bytes(payload):
    decomposed = dataclasses.replace(payload, learner_name=unicodedata.normalize("NFD", payload.learner_name))

    assert canonical_bytes(decomposed) == canonical_bytes(payload)


def test_soft_skills_level_is_null():
    payload = CertificatePayload(
        new_certificate_number("AB"), "Madonna", CredentialType.SOFT, None, datetime.date(2026, 1, 2), "AB"
    )

    assert json.loads(canonical_bytes(payload))["level"] is None


def test_canonical_bytes_round_trip(payload):
    assert payload_from_canonical_bytes(canonical_bytes(payload)) == payload


def test_non_canonical_bytes_rejected(payload):
    document = json.loads(canonical_bytes(payload))
    spaced = json.dumps(document, sort_keys=True).encode()

    with pytest.raises(ValueError, match="canonical"):
        payload_from_canonical_bytes(spaced)


@pytest.mark.parametrize(
    ("credential_type", "level"),
    [
        (CredentialType.ACADEMIC, None),
        (CredentialType.ACADEMIC, 1),
        (CredentialType.ACADEMIC, 6),
        (CredentialType.ACADEMIC, True),
        (CredentialType.SOFT, 3),
        (CredentialType.DIGITAL, 2),
    ],
)
def test_payload_rejects_wrong_level(credential_type, level):
    with pytest.raises(ValueError, match="level"):
        CertificatePayload(new_certificate_number("AB"), "Ann", credential_type, level, datetime.date.today(), "AB")


def test_payload_rejects_other_site_number():
    with pytest.raises(ValueError, match="does not belong"):
        CertificatePayload(new_certificate_number("AB"), "Ann", CredentialType.SOFT, None, datetime.date.today(), "CD")


def test_sign_verify_round_trip(payload):
    private = generate_signing_key()
    signature = sign(private, payload)

    assert len(signature) == 64
    assert verify(public_key_bytes(private), payload, signature)


def test_changed_signature_byte_fails(payload):
    private = generate_signing_key()
    public = public_key_bytes(private)
    signature = sign(private, payload)

    for index in range(len(signature)):
        changed = bytearray(signature)
        changed[index] ^= 0x01
        assert not verify(public, payload, bytes(changed)), index


def test_changed_payload_fails(payload):
    private = generate_signing_key()
    public = public_key_bytes(private)
    signature = sign(private, payload)
    changes = {
        "learner_name": "Nguyễn Thị Anh",
        "level": 4,
        "issued_on": datetime.date(2026, 12, 5),
    }

    for field, value in changes.items():
        assert not verify(public, dataclasses.replace(payload, **{field: value}), signature), field


def test_changed_canonical_byte_fails(payload):
    private = generate_signing_key()
    public = public_key_bytes(private)
    signature = sign(private, payload)
    data = canonical_bytes(payload)

    for index in range(len(data)):
        changed = bytearray(data)
        changed[index] ^= 0x01
        try:
            tampered = payload_from_canonical_bytes(bytes(changed))
        except ValueError:
            continue
        assert not verify(public, tampered, signature), index


def test_other_key_fails(payload):
    signature = sign(generate_signing_key(), payload)

    assert not verify(public_key_bytes(generate_signing_key()), payload, signature)


def test_malformed_key_or_signature_fails(payload):
    private = generate_signing_key()
    signature = sign(private, payload)

    assert not verify(b"short", payload, signature)
    assert not verify(public_key_bytes(private), payload, signature[:-1])


def test_verification_code_format():
    code = verification_code(b"\x00" * 64)

    assert len(code) == 11
    assert code[5] == "-"
    assert set(code.replace("-", "")) <= set("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
    assert verification_code(b"\x00" * 64) == code
    assert verification_code(b"\x01" + b"\x00" * 63) != code


def test_verification_url_round_trip(payload):
    private = generate_signing_key()
    signature = sign(private, payload)

    url = verification_url("https://registry.nwrc.test/", payload, signature)
    parsed_payload, parsed_signature = parse_verification_url(url)

    assert url.startswith(f"https://registry.nwrc.test/verify/{payload.certificate_number}?d=")
    assert "=" not in url.split("&s=")[1]
    assert parsed_payload == payload
    assert parsed_signature == signature
    assert verify(public_key_bytes(private), parsed_payload, parsed_signature)


def test_verification_url_with_path_prefix(payload):
    url = verification_url("https://hq.test/nwrc", payload, b"\x07" * 64)

    assert url.startswith("https://hq.test/nwrc/verify/")
    assert parse_verification_url(url) == (payload, b"\x07" * 64)


def test_verification_url_path_mismatch_rejected(payload):
    url = verification_url("https://hq.test", payload, b"\x07" * 64)
    other = url.replace(payload.certificate_number, new_certificate_number("NYC01"), 1)

    with pytest.raises(ValueError, match="differs"):
        parse_verification_url(other)


def test_tampered_url_payload_fails_verification(payload):
    private = generate_signing_key()
    url = verification_url("https://hq.test", payload, sign(private, payload))
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
    document = json.loads(base64.urlsafe_b64decode(query["d"][0] + "=="))
    document["level"] = 5
    forged = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    forged_d = base64.urlsafe_b64encode(forged).rstrip(b"=").decode()
    tampered_url = url.replace(query["d"][0], forged_d)

    tampered_payload, signature = parse_verification_url(tampered_url)

    assert tampered_payload.level == 5
    assert not verify(public_key_bytes(private), tampered_payload, signature)


@pytest.mark.parametrize(
    "url",
    [
        "https://hq.test/other/NYC01-AAAA-AAAA-AAAA?d=e30&s=AA",
        "https://hq.test/verify/NYC01?s=AA",
        "https://hq.test/verify/NYC01?d=!!!&s=AA",
        "https://hq.test/verify/NYC01?d=e30&s=AA",
    ],
)
def test_malformed_verification_url_rejected(url):
    with pytest.raises(ValueError):
        parse_verification_url(url)


@pytest.mark.parametrize("base", ["registry.nwrc.test", "https://", "https://hq.test/?x=1", "https://hq.test/#top"])
def test_verification_url_rejects_bad_base(payload, base):
    with pytest.raises(ValueError, match="invalid registry URL"):
        verification_url(base, payload, b"\x07" * 64)


def test_payload_name_stripped_like_printed(payload):
    padded = dataclasses.replace(payload, learner_name=f"  {payload.learner_name} ")

    assert padded.learner_name == payload.learner_name
    assert canonical_bytes(padded) == canonical_bytes(payload)
