"""Benchmark certificate rendering against a bare fpdf2 page in the same run.

The baseline page registers the same four DejaVu fonts, writes a few lines of text in each and places
one PNG image (a QR code of a verification-length URL), which is the least any fpdf2 certificate costs.
Rows are (name, our_seconds, baseline_seconds, ratio). Times are the best of several runs of
``time.perf_counter``. The memory row reports peak MiB traced by ``tracemalloc`` in both columns.

Run with ``python -m benchmarks.bench_certificates``.
"""

from __future__ import annotations

import datetime
import gc
import io
import time
import tracemalloc
from collections.abc import Callable

import segno
from fpdf import FPDF

from nwrc_desktop.certificates import (
    CertificateData,
    CertificatePayload,
    generate_signing_key,
    new_certificate_number,
    render_pdf,
    sign,
    verification_code,
    verification_url,
)
from nwrc_desktop.certificates.render import FONTS
from nwrc_desktop.domain.assessments import CredentialType
from nwrc_desktop.resources import resource_path

BATCH_SIZE = 500
SINGLE_REPEATS = 7
BATCH_REPEATS = 2
NAMES = (
    "Nguyễn Thị Ánh",
    "Łukasz Wiśniewski",
    "Gülşen Işık",
    "Øystein Ærø Åse",
    "Αλέξανδρος Παπαδόπουλος",
    "Анна Сергеевна Кузнецова",
    "Shaun O’Neal",
    "Maximiliana Alexandra Konstantinopoulou-Wiśniewska de la Torres Nguyễn",
)
CREDENTIALS = ((CredentialType.ACADEMIC, 3), (CredentialType.SOFT, None), (CredentialType.DIGITAL, None))


def _certificates(count: int) -> list[CertificateData]:
    key = generate_signing_key()
    items = []
    for index in range(count):
        credential_type, level = CREDENTIALS[index % len(CREDENTIALS)]
        name = NAMES[index % len(NAMES)]
        number = new_certificate_number("BENCH01")
        issued_on = datetime.date(2026, 12, 4)
        payload = CertificatePayload(number, name, credential_type, level, issued_on, "BENCH01")
        signature = sign(key, payload)
        items.append(
            CertificateData(
                certificate_number=number,
                learner_name=name,
                credential_type=credential_type,
                level=level,
                issued_on=issued_on,
                site_name="Riverside Community College Testing Center",
                site_code="BENCH01",
                verification_code=verification_code(signature),
                verification_url=verification_url("https://registry.nwrc.test", payload, signature),
            )
        )
    return items


def _qr_png(url: str) -> bytes:
    buffer = io.BytesIO()
    segno.make(url, error="m", micro=False).save(buffer, kind="png", scale=4)
    return buffer.getvalue()


def _baseline_pdf(items: list[CertificateData], images: list[bytes]) -> bytes:
    """Render one bare page per item: the same fonts, one line of text per font and one image."""
    pdf = FPDF(orientation="landscape", unit="mm", format="letter")
    pdf.set_auto_page_break(False)
    for family, style, file in FONTS:
        pdf.add_font(family, style, resource_path(file))
    for item, image in zip(items, images, strict=True):
        pdf.add_page()
        y = 30.0
        for family, style, _ in FONTS:
            pdf.set_font(family, style, 16)
            pdf.text(20, y, item.learner_name)
            y += 12
        pdf.image(io.BytesIO(image), x=220, y=140, w=36, h=36)
    return bytes(pdf.output())


def _best_seconds(work: Callable[[], object], repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        gc.collect()
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    return best


def _peak_mib(work: Callable[[], object]) -> float:
    gc.collect()
    tracemalloc.start()
    try:
        work()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / (1024 * 1024)


def run() -> list[tuple[str, float, float, float]]:
    """Measure one certificate and a batch of BATCH_SIZE against the bare fpdf2 baseline."""
    batch = _certificates(BATCH_SIZE)
    # Each baseline page gets its own PNG, made before timing starts, as a certificate has its own QR.
    images = [_qr_png(item.verification_url) for item in batch]
    single, single_image = batch[:1], images[:1]

    # Warm the caches of both sides (O*NET tables, printable set, imports) outside the timed runs.
    render_pdf(single)
    _baseline_pdf(single, single_image)

    rows = []
    ours = _best_seconds(lambda: render_pdf(single), SINGLE_REPEATS)
    base = _best_seconds(lambda: _baseline_pdf(single, single_image), SINGLE_REPEATS)
    rows.append(("certificate_single_seconds", ours, base, ours / base))

    ours = _best_seconds(lambda: render_pdf(batch), BATCH_REPEATS)
    base = _best_seconds(lambda: _baseline_pdf(batch, images), BATCH_REPEATS)
    rows.append((f"certificate_batch_{BATCH_SIZE}_seconds", ours, base, ours / base))

    ours = _peak_mib(lambda: render_pdf(batch))
    base = _peak_mib(lambda: _baseline_pdf(batch, images))
    rows.append((f"certificate_batch_{BATCH_SIZE}_peak_mib", ours, base, ours / base))
    return rows


def main() -> None:
    print(f"{'benchmark':<36} {'ours':>10} {'baseline':>10} {'ratio':>7}")
    for name, ours, base, ratio in run():
        print(f"{name:<36} {ours:>10.3f} {base:>10.3f} {ratio:>7.2f}")


if __name__ == "__main__":
    main()
