"""Reading an evidence PDF's text: its text layer where a page has one, otherwise OCR with Debian's
Tesseract and its Vietnamese model (packages tesseract-ocr, tesseract-ocr-vie).

Runs in the background, never on the request path, bounded: at most `max_pages` pages, `seconds` in all
(the rest is left unread and the result marked truncated), each page drawn at most `MAX_PIXELS` pixels,
each Tesseract run in its own process with the time left as its timeout, its files in a private temporary
directory removed afterwards. Pages are drawn with pdfium (pypdfium2), which also draws the viewer's
thumbnails.

Framework-free: importing this module loads no Django.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tempfile
import time
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

# Letters a page's text layer must hold to count as text (a scan's layer is empty or a few stray marks).
MIN_LETTERS = 20
OCR_DPI = 300
MAX_PIXELS = 3500 * 5000
TESSERACT = "tesseract"


class ReadingFailed(Exception):
    """The file could not be read: damaged for pdfium, or no OCR engine where a page needs one."""


class TextMethod(StrEnum):
    TEXT_LAYER = "text_layer"
    OCR = "ocr"
    MIXED = "mixed"


@dataclass(frozen=True)
class ReadText:
    pages: list[str]
    method: TextMethod
    pages_total: int
    truncated: bool


def _document(content: bytes) -> Any:
    import pypdfium2 as pdfium

    try:
        return pdfium.PdfDocument(content)
    except pdfium.PdfiumError as error:
        raise ReadingFailed(f"PDF unreadable: {error}") from error


def _letters(text: str) -> int:
    return sum(1 for character in text if character.isalpha())


def read_text(content: bytes, *, max_pages: int = 20, seconds: float = 120, ocr: bool = True) -> ReadText:
    """The text of each page read, NFC, pages in order; OCR for pages without a text layer."""
    started = time.monotonic()
    document = _document(content)
    try:
        total = len(document)
        pages: list[str] = []
        methods: set[TextMethod] = set()
        truncated = total > max_pages
        with tempfile.TemporaryDirectory(prefix="dti-ocr-") as folder:
            for index in range(min(total, max_pages)):
                left = seconds - (time.monotonic() - started)
                if left <= 0:
                    truncated = True
                    break
                page = document[index]
                text = page.get_textpage().get_text_range()
                if _letters(text) >= MIN_LETTERS or not ocr:
                    methods.add(TextMethod.TEXT_LAYER)
                else:
                    text = _ocr(page, Path(folder) / f"page-{index + 1}.png", timeout=left)
                    methods.add(TextMethod.OCR)
                pages.append(unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n")))
    finally:
        document.close()
    method = methods.pop() if len(methods) == 1 else TextMethod.MIXED if methods else TextMethod.TEXT_LAYER
    return ReadText(pages, method, total, truncated)


def _scale(page: Any, dpi: int) -> float:
    width, height = page.get_size()
    scale = dpi / 72
    pixels = width * scale * height * scale
    return scale if pixels <= MAX_PIXELS else scale * (MAX_PIXELS / pixels) ** 0.5


def _ocr_environment() -> dict[str, str]:
    """Tesseract's environment: none of the portal's secrets, and one thread (on a small host several
    threads per page are slower than one, and the reading runs beside the portal's own work)."""
    kept = {name: os.environ[name] for name in ("PATH", "TESSDATA_PREFIX") if name in os.environ}
    return {**kept, "OMP_THREAD_LIMIT": "1", "LC_ALL": "C.UTF-8"}


def _ocr(page: Any, image_path: Path, *, timeout: float) -> str:
    engine = shutil.which(TESSERACT)
    if engine is None:
        raise ReadingFailed("Tesseract is not installed (apt-get install tesseract-ocr tesseract-ocr-vie).")
    image = page.render(scale=_scale(page, OCR_DPI), grayscale=True).to_pil()
    image.save(image_path)
    try:
        # The engine found on PATH and a file this function wrote; no text of the document is an argument.
        completed = subprocess.run(  # noqa: S603
            [engine, str(image_path), "stdout", "-l", "vie", "--psm", "3"],
            capture_output=True, timeout=max(timeout, 1), check=False, env=_ocr_environment(),
        )  # fmt: skip
    except subprocess.TimeoutExpired as error:
        raise ReadingFailed("OCR took longer than allowed.") from error
    finally:
        image_path.unlink(missing_ok=True)
    if completed.returncode != 0:
        raise ReadingFailed(f"Tesseract failed: {completed.stderr.decode(errors='replace')[:300]}")
    return completed.stdout.decode("utf-8", errors="replace")


def page_thumbnails(content: bytes, *, max_pages: int, width: int = 160) -> list[bytes]:
    """PNG images of the first `max_pages` pages, `width` pixels wide, for the viewer."""
    document = _document(content)
    try:
        images = []
        for index in range(min(len(document), max_pages)):
            page = document[index]
            page_width, _height = page.get_size()
            image = page.render(scale=width / page_width).to_pil()
            out = io.BytesIO()
            image.save(out, "PNG", optimize=True)
            images.append(out.getvalue())
        return images
    finally:
        document.close()


def page_image(content: bytes, *, page: int, width: int = 160) -> bytes:
    """One page (1-based) as a PNG `width` pixels wide."""
    document = _document(content)
    try:
        if not 1 <= page <= len(document):
            raise ReadingFailed(f"No page {page}.")
        drawn = document[page - 1]
        page_width, _height = drawn.get_size()
        out = io.BytesIO()
        drawn.render(scale=width / page_width).to_pil().save(out, "PNG", optimize=True)
        return out.getvalue()
    finally:
        document.close()
