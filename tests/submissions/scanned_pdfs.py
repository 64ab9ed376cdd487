"""Scanned evidence made by the tests: Vietnamese lines drawn with the DejaVu fonts on an A4 page at 200 dpi,
wrapped as an image-only PDF (no text layer), as a scanner gives it."""

from __future__ import annotations

import glob
import io
import os
import shutil

import pytest
from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
DECISION = [
    "ỦY BAN NHÂN DÂN",
    "TỈNH QUẢNG NAM",
    "Số: 123/QĐ-UBND",
    "Quảng Nam, ngày 12 tháng 3 năm 2021",
    "QUYẾT ĐỊNH",
    "Ban hành Kế hoạch chuyển đổi số năm 2021",
    "Điều 1. Phê duyệt danh mục dịch vụ công trực tuyến toàn trình.",
]


def scanned_pdf(lines: list[str] | None = None, pages: int = 1) -> bytes:
    """An image-only PDF of `pages` pages showing `lines` (a decision of Quảng Nam unless given)."""
    font = ImageFont.truetype(FONT, 40)
    images = []
    for _page in range(pages):
        image = Image.new("L", (1654, 2339), 255)
        draw = ImageDraw.Draw(image)
        for row, text in enumerate(lines or DECISION):
            draw.text((150, 150 + row * 90), text, fill=0, font=font)
        images.append(image.convert("RGB"))
    out = io.BytesIO()
    images[0].save(out, "PDF", resolution=200, save_all=True, append_images=images[1:])
    return out.getvalue()


def require_ocr() -> None:
    """Skip, visibly, without Tesseract's Vietnamese model, unless DTI_REQUIRE_OCR=1 (CI) makes that a failure."""
    if shutil.which("tesseract") and glob.glob("/usr/share/tesseract-ocr/*/tessdata/vie.traineddata"):
        return
    if os.environ.get("DTI_REQUIRE_OCR") == "1":
        pytest.fail(
            "DTI_REQUIRE_OCR=1 but tesseract-ocr-vie is missing (apt-get install tesseract-ocr tesseract-ocr-vie)."
        )
    pytest.skip(
        "Tesseract with its Vietnamese model is not installed (apt-get install tesseract-ocr tesseract-ocr-vie)"
    )
