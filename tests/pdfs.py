"""Real PDF files (and things that pretend to be PDFs) for evidence tests, made with pypdf."""

from __future__ import annotations

import io
import zlib

from pypdf import PdfWriter


def pdf(pages: int = 1, *, marker: str = "") -> bytes:
    """A valid PDF of blank A4 pages; `marker` makes its bytes (and SHA-256) unique."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if marker:
        writer.add_metadata({"/Title": marker})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def encrypted_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.encrypt(user_password="mat-khau", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def truncated_pdf() -> bytes:
    content = pdf(3)
    return content[: len(content) // 2]


def png_renamed_pdf() -> bytes:
    """A one-pixel PNG: what a user gets by renaming a photo to .pdf."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return len(data).to_bytes(4, "big") + kind + data + zlib.crc32(kind + data).to_bytes(4, "big")

    header = b"\x89PNG\r\n\x1a\n"
    ihdr = chunk(b"IHDR", (1).to_bytes(4, "big") * 2 + bytes([8, 2, 0, 0, 0]))
    idat = chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
    return header + ihdr + idat + chunk(b"IEND", b"")


def damaged_pdf() -> bytes:
    """Starts like a PDF and ends like one, but nothing in between parses."""
    return b"%PDF-1.7\n" + b"garbage " * 200 + b"\n%%EOF\n"
