import io
import shutil
import subprocess
import unicodedata

import pytest
from pypdf import PdfReader

from nwrc_desktop.certificates import UnprintableName, parse_verification_url, render_pdf, write_pdf
from nwrc_desktop.certificates import render as render_module
from nwrc_desktop.domain.assessments import CredentialType

SCRIPT_NAMES = [
    "Nguyễn Thị Ánh",
    "Łukasz Wiśniewski",
    "Gülşen Işık",
    "Øystein Ærø Åse",
    "Αλέξανδρος Παπαδόπουλος",
    "Анна Сергеевна Кузнецова",
    "Shaun O’Neal",
]
LONG_NAME = "Maximiliana Alexandra Konstantinopoulou-Wiśniewska de la Torres Nguyễn"


def page_texts(pdf: bytes) -> list[str]:
    """Extract the text of each page of a PDF with pypdf."""
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def flat(text: str) -> str:
    """Join extracted text into one line, because pypdf may split a centred line into pieces."""
    return " ".join(text.split())


def test_one_page_per_certificate_letter_landscape(make_certificate):
    items = [make_certificate(f"Learner {index}") for index in range(5)]

    reader = PdfReader(io.BytesIO(render_pdf(items)))

    assert len(reader.pages) == 5
    for page in reader.pages:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx((792, 612), abs=0.1)


@pytest.mark.parametrize("name", SCRIPT_NAMES)
def test_names_of_every_script_in_text(make_certificate, name):
    (text,) = page_texts(render_pdf([make_certificate(name)]))

    assert name in text


def test_decomposed_name_prints_like_composed(make_certificate):
    composed = "Trần Văn Đức Ñúñez"
    decomposed = unicodedata.normalize("NFD", composed)
    assert decomposed != composed

    composed_text, decomposed_text = page_texts(render_pdf([make_certificate(composed), make_certificate(decomposed)]))

    assert composed in decomposed_text
    assert decomposed not in decomposed_text
    assert composed_text.splitlines()[:5] == decomposed_text.splitlines()[:5]


def test_all_fonts_embedded(make_certificate):
    reader = PdfReader(io.BytesIO(render_pdf([make_certificate("Анна Łukasz", CredentialType.ACADEMIC, 4)])))
    fonts = reader.pages[0]["/Resources"]["/Font"]

    assert len(fonts) == 4
    for font in fonts.values():
        descendant = font.get_object()["/DescendantFonts"][0].get_object()
        assert "/FontFile2" in descendant["/FontDescriptor"]


def test_academic_page_text(make_certificate):
    item = make_certificate("Gülşen Işık", CredentialType.ACADEMIC, 3)

    (text,) = page_texts(render_pdf([item]))
    line = flat(text)

    assert "Academic Skills Certificate" in line
    assert "has earned the Academic Skills credential at Level 3" in line
    assert "O*NET Job Zone 3: Medium Preparation Needed" in line
    assert "544 of the 923 O*NET occupations that have a Job Zone (58.9%)" in line
    assert "December 4, 2026" in line
    assert "Riverside Community College Testing Center" in line
    assert "Site code NYC01" in line
    assert item.certificate_number in line
    assert item.verification_code in line
    assert "registry.nwrc.test/verify" in line
    assert "USDOL/ETA" in line
    assert "CC BY 4.0" in line


@pytest.mark.parametrize(("level", "percent"), [(2, "35.9%"), (4, "83.3%"), (5, "100.0%")])
def test_academic_level_share(make_certificate, level, percent):
    (text,) = page_texts(render_pdf([make_certificate("Ann Lee", CredentialType.ACADEMIC, level)]))

    assert f"({percent})" in flat(text)
    assert f"Level {level}" in flat(text)


@pytest.mark.parametrize(
    ("credential_type", "title", "described"),
    [
        (CredentialType.SOFT, "Soft Skills Certificate", "Essential Soft Skills assessment"),
        (CredentialType.DIGITAL, "Digital Skills Certificate", "Digital Skills assessment"),
    ],
)
def test_pass_credential_page_text(make_certificate, credential_type, title, described):
    item = make_certificate("Øystein Ærø Åse", credential_type, None)

    (text,) = page_texts(render_pdf([item]))
    line = flat(text)

    assert title in line
    assert f"has earned the {credential_type.title} credential" in line
    assert described in line
    assert f"{described} passed" in line
    assert "Job Zone" not in line
    assert item.verification_code in line


def test_long_name_fully_printed(make_certificate):
    (text,) = page_texts(render_pdf([make_certificate(LONG_NAME)]))

    assert "Maximiliana Alexandra Konstantinopoulou-" in text
    assert "Wiśniewska de la Torres Nguyễn" in text


def test_one_part_name_printed(make_certificate):
    (text,) = page_texts(render_pdf([make_certificate("Madonna")]))

    assert "Madonna" in text


def test_long_site_name_wraps(make_certificate):
    site = "Northern Appalachian Regional Workforce Development and Adult Education Testing Center"

    (text,) = page_texts(render_pdf([make_certificate("Ann Lee", site_name=site)]))

    assert "Northern Appalachian" in text
    assert "Testing Center" in text


def test_unprintable_name_rejected(make_certificate):
    with pytest.raises(UnprintableName, match="U\\+1F600 GRINNING FACE"):
        render_pdf([make_certificate("Ann 😀 Lee")])


def test_empty_batch_rejected():
    with pytest.raises(ValueError, match="no certificates"):
        render_pdf([])


def test_write_pdf_writes_file(tmp_path, make_certificate):
    target = tmp_path / "certificates.pdf"

    write_pdf([make_certificate("Ann Lee"), make_certificate("Bo Chen")], target)

    assert len(PdfReader(target).pages) == 2
    assert [path.name for path in tmp_path.iterdir()] == ["certificates.pdf"]


def test_write_pdf_render_failure_leaves_no_file(tmp_path, make_certificate):
    target = tmp_path / "certificates.pdf"

    with pytest.raises(UnprintableName):
        write_pdf([make_certificate("Ann Lee"), make_certificate("Bad 🌟 Name")], target)

    assert list(tmp_path.iterdir()) == []


def test_write_pdf_failure_keeps_previous_file(tmp_path, make_certificate, monkeypatch):
    target = tmp_path / "certificates.pdf"
    target.write_bytes(b"previous")

    def failing_replace(source, destination):
        raise OSError("disk full")

    monkeypatch.setattr(render_module.os, "replace", failing_replace)
    with pytest.raises(OSError, match="disk full"):
        write_pdf([make_certificate("Ann Lee")], target)

    assert target.read_bytes() == b"previous"
    assert [path.name for path in tmp_path.iterdir()] == ["certificates.pdf"]


def test_write_pdf_interrupted_write_leaves_no_temp(tmp_path, make_certificate, monkeypatch):
    target = tmp_path / "certificates.pdf"

    def failing_fsync(descriptor):
        raise KeyboardInterrupt

    monkeypatch.setattr(render_module.os, "fsync", failing_fsync)
    with pytest.raises(KeyboardInterrupt):
        write_pdf([make_certificate("Ann Lee")], target)

    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(
    shutil.which("pdftoppm") is None or shutil.which("zbarimg") is None,
    reason="needs pdftoppm (poppler-utils) and zbarimg (zbar-tools)",
)
def test_qr_code_decodes_to_verification_url(tmp_path, make_certificate):
    item = make_certificate("Nguyễn Thị Ánh", CredentialType.ACADEMIC, 3)
    pdf = tmp_path / "certificate.pdf"
    write_pdf([item], pdf)

    subprocess.run(["pdftoppm", "-png", "-r", "150", str(pdf), str(tmp_path / "page")], check=True)
    result = subprocess.run(
        ["zbarimg", "--quiet", "--raw", str(tmp_path / "page-1.png")],
        capture_output=True,
        text=True,
        check=True,
    )

    assert result.stdout.strip() == item.verification_url
    payload, _ = parse_verification_url(result.stdout.strip())
    assert payload.learner_name == "Nguyễn Thị Ánh"
