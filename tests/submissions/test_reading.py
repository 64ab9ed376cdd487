"""Reading evidence: the text layer where there is one, OCR of a scan otherwise, bounded in pages."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest

from submissions.identity import find_identity
from submissions.reading import ReadingFailed, TextMethod, page_image, page_thumbnails, read_text
from tests.pdfs import truncated_pdf
from tests.submissions.scanned_pdfs import require_ocr, scanned_pdf

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def text_pdf() -> bytes:
    """A one-page PDF with a text layer (Helvetica, Latin letters)."""
    content = b"BT /F1 14 Tf 72 720 Td (Ke hoach chuyen doi so cua tinh nam 2024, so 45/KH-UBND) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def test_a_scan_is_read_by_ocr_with_its_number_date_and_text() -> None:
    require_ocr()
    read = read_text(scanned_pdf())
    assert (read.method, read.pages_total, read.truncated) == (TextMethod.OCR, 1, False)
    identity = find_identity(read.pages)
    assert identity.number == "123/QĐ-UBND"
    assert str(identity.date) == "2021-03-12"
    assert identity.kind == "Quyết định"
    assert identity.issuer == "Ủy ban nhân dân tỉnh Quảng Nam"
    assert "dịch vụ công trực tuyến toàn trình" in " ".join(read.pages[0].split())


def test_a_text_layer_is_read_without_ocr() -> None:
    with mock.patch("submissions.reading.subprocess.run") as ocr:
        read = read_text(text_pdf())
    ocr.assert_not_called()
    assert read.method == TextMethod.TEXT_LAYER
    assert "Ke hoach chuyen doi so" in read.pages[0]
    assert find_identity(read.pages).number == "45/KH-UBND"


def test_reading_stops_at_the_page_bound_and_says_so() -> None:
    with mock.patch("submissions.reading._ocr", return_value="trang đã đọc") as ocr:
        read = read_text(scanned_pdf(pages=3), max_pages=2)
    assert (len(read.pages), read.pages_total, read.truncated, ocr.call_count) == (2, 3, True, 2)


def test_an_unreadable_pdf_fails_as_such() -> None:
    with pytest.raises(ReadingFailed):
        read_text(b"%PDF-1.4 nothing else")
    with pytest.raises(ReadingFailed):
        page_image(truncated_pdf() + b"x" * 10, page=1)


def test_thumbnails_are_pngs_of_the_width_asked() -> None:
    import io

    from PIL import Image

    thumbnails = page_thumbnails(scanned_pdf(pages=2), max_pages=5, width=120)
    assert len(thumbnails) == 2
    assert Image.open(io.BytesIO(thumbnails[0])).size[0] == 120
    assert Image.open(io.BytesIO(page_image(scanned_pdf(), page=1, width=200))).format == "PNG"


@pytest.mark.parametrize("module", ["submissions.reading", "submissions.identity"])
def test_importing_the_readers_loads_no_django(module: str) -> None:
    check = f"import sys, {module}; assert not [m for m in sys.modules if m.startswith('django')]"
    completed = subprocess.run([sys.executable, "-c", check], cwd=PROJECT_ROOT, capture_output=True, text=True,
                               timeout=60, check=False)  # fmt: skip
    assert completed.returncode == 0, completed.stderr


def test_tesseract_runs_on_one_thread_without_the_portals_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    from submissions.reading import _ocr_environment

    monkeypatch.setenv("SECRET_KEY", "bi-mat")
    monkeypatch.setenv("DATABASE_URL", "postgres://bi-mat@db/dti")
    environment = _ocr_environment()
    assert environment["OMP_THREAD_LIMIT"] == "1"
    assert "SECRET_KEY" not in environment
    assert "DATABASE_URL" not in environment
