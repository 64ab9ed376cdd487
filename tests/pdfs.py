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


# Hand-assembled files, for structures pypdf's writer does not make (object streams, signatures,
# hex-escaped names, objects nothing refers to). Object n is the n-th body given.

CATALOG, PAGES, PAGE = 1, 2, 3


def assembled(objects: list[bytes]) -> bytes:
    """A PDF of these object bodies (what goes between `n 0 obj` and `endobj`), root object 1, with a
    correct cross-reference table."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    start = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, start)
    return bytes(out)


def one_page(*, catalog: bytes = b"", page: bytes = b"", more: tuple[bytes, ...] = ()) -> list[bytes]:
    """The bodies of a one-page document, with extra entries for its catalog and page; `more` are
    objects 4, 5, …"""
    return [
        b"<< /Type /Catalog /Pages 2 0 R " + catalog + b" >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] " + page + b" >>",
        *more,
    ]


def stream(dictionary: bytes, data: bytes) -> bytes:
    return b"<< %s /Length %d >>\nstream\n%s\nendstream" % (dictionary, len(data), data)


def packed(objects: list[bytes], *, into_stream: set[int], padding: int = 0) -> bytes:
    """A PDF 1.5 file whose objects numbered in `into_stream` sit in a compressed object stream, indexed
    by a cross-reference stream: their text appears nowhere in the file's bytes. `padding` spaces after
    the objects make the stream decompress to that much more (a few kilobytes in the file)."""
    stream_number, xref_number = len(objects) + 1, len(objects) + 2
    inside = sorted(into_stream)
    bodies = b"".join(objects[number - 1] + b"\n" for number in inside)
    index, position = [], 0
    for number in inside:
        index.append(b"%d %d" % (number, position))
        position += len(objects[number - 1]) + 1
    header = b" ".join(index) + b"\n"
    data = zlib.compress(header + bodies + b" " * padding)
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    entries = {0: (0, 0, 65535)}
    for number, body in enumerate(objects, start=1):
        if number in into_stream:
            entries[number] = (2, stream_number, inside.index(number))
        else:
            entries[number] = (1, len(out), 0)
            out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    entries[stream_number] = (1, len(out), 0)
    dictionary = b"/Type /ObjStm /N %d /First %d /Filter /FlateDecode" % (len(inside), len(header))
    out += b"%d 0 obj\n%s\nendobj\n" % (stream_number, stream(dictionary, data))
    entries[xref_number] = (1, len(out), 0)
    rows = b"".join(
        bytes([kind]) + field.to_bytes(4, "big") + extra.to_bytes(2, "big")
        for kind, field, extra in (entries[number] for number in range(xref_number + 1))
    )
    xref_dictionary = b"/Type /XRef /Size %d /W [1 4 2] /Root 1 0 R" % (xref_number + 1)
    start = len(out)
    out += b"%d 0 obj\n%s\nendobj\nstartxref\n%d\n%%%%EOF\n" % (xref_number, stream(xref_dictionary, rows), start)
    return bytes(out)


def signed_pdf() -> bytes:
    """A digitally signed document's structure: a signature field whose value has a /ByteRange and
    the signature's hex /Contents (the bytes are not a real signature: the check does not verify one)."""
    signature = b"3082" + b"0a1b2c3d4e5f" * 200
    return assembled(
        one_page(
            catalog=b"/AcroForm << /Fields [4 0 R] /SigFlags 3 >>",
            page=b"/Annots [4 0 R]",
            more=(
                b"<< /Type /Annot /Subtype /Widget /FT /Sig /T (Chu ky so) /Rect [0 0 0 0] /F 132 /P 3 0 R /V 5 0 R >>",
                b"<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /adbe.pkcs7.detached /Name (Nguyen Van A)"
                b" /M (D:20241105090000+07'00') /ByteRange [0 1200 4800 900] /Contents <" + signature + b"> >>",
            ),
        )
    )


def scanned_pdf() -> bytes:
    """A scan: one page showing one JPEG image. Its compressed bytes happen to spell /JS, /AA and an
    /OpenAction dictionary, as three random bytes in a large image sometimes do."""
    image = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 4 + b"/JS /AA\n/OpenAction<< /J#61vaScript " + b"\xff\xd9"
    return assembled(
        one_page(
            page=b"/Resources << /XObject << /Im0 4 0 R >> >> /Contents 5 0 R",
            more=(
                stream(
                    b"/Type /XObject /Subtype /Image /Width 8 /Height 8 /ColorSpace /DeviceGray"
                    b" /BitsPerComponent 8 /Filter /DCTDecode",
                    image,
                ),
                stream(b"", b"q 595 0 0 842 0 0 cm /Im0 Do Q"),
            ),
        )
    )


JAVASCRIPT_ACTION = b"<< /Type /Action /S /JavaScript /JS (app.alert\\(1\\)) >>"
