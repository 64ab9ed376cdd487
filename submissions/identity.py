"""A document's identity from its text: its kind, number and symbol ("Số: 123/QĐ-UBND"), its date ("Quảng
Nam, ngày 12 tháng 3 năm 2021", "12/3/2021") and its issuing body (the capitals heading the top left:
"ỦY BAN NHÂN DÂN / TỈNH QUẢNG NAM").

Vietnamese administrative documents put these in fixed places: the issuer and the number at the top left,
the place and date at the top right, the kind ("QUYẾT ĐỊNH", "KẾ HOẠCH"…) as the title; a letter has
"V/v" instead. The text comes from a text layer or from OCR, so the patterns tolerate OCR's usual slips
(Sô/S6 for Số, QD for QĐ, spaces around / and -). Lines citing other documents ("Căn cứ …") are never
taken as the document's own number or date.

Framework-free: importing this module loads no Django.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

KINDS = {
    "QUYẾT ĐỊNH": "Quyết định",
    "KẾ HOẠCH": "Kế hoạch",
    "NGHỊ QUYẾT": "Nghị quyết",
    "CHỈ THỊ": "Chỉ thị",
    "THÔNG BÁO": "Thông báo",
    "BÁO CÁO": "Báo cáo",
    "TỜ TRÌNH": "Tờ trình",
    "CHƯƠNG TRÌNH": "Chương trình",
    "QUY CHẾ": "Quy chế",
}
# "Số: 123/QĐ-UBND", "Số 45/2021/KH-UBND", OCR's "Sô:", "S6:", "So:".
NUMBER = re.compile(
    r"\b(?:S[ốôoó6]|SỐ|SO)\s*[:.]?\s*(?P<number>\d{1,6}\s*/\s*(?:\d{4}\s*/\s*)?[A-ZĐÐ][A-ZĐÐa-zđ&]*"
    r"(?:\s*-\s*[A-ZĐÐ][A-ZĐÐa-zđ&]*){0,3})",
    re.IGNORECASE,
)
WORDED_DATE = re.compile(
    r"ng[àa]y\s+(?P<day>\d{1,2})\s+th[áa]ng\s+(?P<month>\d{1,2})\s+n[ăa]m\s+(?P<year>\d{4})", re.IGNORECASE
)
DIGIT_DATE = re.compile(r"\b(?P<day>\d{1,2})\s*[/.-]\s*(?P<month>\d{1,2})\s*[/.-]\s*(?P<year>(?:19|20)\d{2})\b")
CITING = re.compile(r"^\s*(c[ăa]n\s+c[ứu]|theo\s+đề\s+nghị|thực\s+hiện)", re.IGNORECASE)
# Words that open the issuer's name in the header block, and how they read in running text.
ISSUER_STARTS = ("ỦY BAN NHÂN DÂN", "UỶ BAN NHÂN DÂN", "UBND", "BỘ ", "SỞ ", "VĂN PHÒNG", "BAN ", "CỤC ", "HỘI ĐỒNG")
HEADER_STOP = re.compile(r"CỘNG\s+HÒA|ĐỘC\s+LẬP|^\s*S[ốôo6]\b|^[-_=. ]+$", re.IGNORECASE)
KEEP_UPPER = {"UBND", "HĐND", "TP.", "TP", "CNTT", "TT&TT", "TTTT"}


@dataclass(frozen=True)
class DocumentIdentity:
    kind: str = ""
    number: str = ""
    date: datetime.date | None = None
    issuer: str = ""
    number_page: int | None = None
    number_span: tuple[int, int] | None = None
    date_page: int | None = None
    date_span: tuple[int, int] | None = None

    def summary(self) -> str:
        """“Quyết định số 123/QĐ-UBND ngày 12/03/2021 của Ủy ban nhân dân tỉnh Quảng Nam”."""
        parts = []
        if self.number:
            parts.append(f"{self.kind or 'Văn bản'} số {self.number}")
        elif self.kind:
            parts.append(self.kind)
        if self.date:
            parts.append(f"ngày {self.date:%d/%m/%Y}")
        if self.issuer:
            parts.append(f"của {self.issuer}")
        return " ".join(parts)

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "number": self.number,
            "date": self.date.isoformat() if self.date else None,
            "issuer": self.issuer,
            "number_page": self.number_page,
            "number_span": list(self.number_span) if self.number_span else None,
            "date_page": self.date_page,
            "date_span": list(self.date_span) if self.date_span else None,
        }


def _valid_date(day: str, month: str, year: str) -> datetime.date | None:
    try:
        return datetime.date(int(year), int(month), int(day))
    except ValueError:
        return None


def _lines(text: str) -> list[tuple[int, str]]:
    """Each line with its offset in the page's text."""
    found, position = [], 0
    for line in text.split("\n"):
        found.append((position, line))
        position += len(line) + 1
    return found


def _clean_number(raw: str) -> str:
    number = re.sub(r"\s+", "", raw).replace("Ð", "Đ")
    # OCR often reads Đ as D in the symbols of decisions and plans.
    return re.sub(r"(?<=/)QD(?=-|$)", "QĐ", number)


def _number(pages: Sequence[str]) -> tuple[str, int | None, tuple[int, int] | None]:
    for page_number, text in enumerate(pages, start=1):
        for offset, line in _lines(text):
            if CITING.search(line):
                continue
            match = NUMBER.search(line)
            if match:
                start, end = match.span("number")
                return _clean_number(match.group("number")), page_number, (offset + start, offset + end)
    return "", None, None


def _date(pages: Sequence[str]) -> tuple[datetime.date | None, int | None, tuple[int, int] | None]:
    """The date of the place-and-date line (a worded date first on the page), else the first other date
    outside citing lines."""
    fallback: tuple[datetime.date, int, tuple[int, int]] | None = None
    for page_number, text in enumerate(pages, start=1):
        for offset, line in _lines(text):
            if CITING.search(line):
                continue
            for pattern in (WORDED_DATE, DIGIT_DATE):
                for match in pattern.finditer(line):
                    date = _valid_date(match.group("day"), match.group("month"), match.group("year"))
                    if date is None:
                        continue
                    span = (offset + match.start(), offset + match.end())
                    if pattern is WORDED_DATE and "," in line[: match.start()]:
                        return date, page_number, span
                    if fallback is None:
                        fallback = (date, page_number, span)
    return fallback if fallback is not None else (None, None, None)


def _kind(pages: Sequence[str]) -> str:
    head = pages[0] if pages else ""
    for line in head.split("\n")[:60]:
        words = " ".join(unicodedata.normalize("NFC", line).split()).upper()
        if words in KINDS:
            return KINDS[words]
        if words.startswith("V/V") or words.startswith("V/ V"):
            return "Công văn"
    return ""


def _titled(words: str) -> str:
    """The issuer's capitals as running text, as the documents write names in a sentence: "ỦY BAN NHÂN DÂN TỈNH
    QUẢNG NAM" → "Ủy ban nhân dân tỉnh Quảng Nam", "BỘ THÔNG TIN VÀ TRUYỀN THÔNG" → "Bộ Thông tin và Truyền
    thông" (a body's name: its first syllable and the one after "và" capitalised; a place's: every syllable)."""
    places = {"TỈNH", "PHỐ", "HUYỆN", "QUẬN", "XÃ"}
    bodies = {"BỘ", "SỞ", "CỤC", "VỤ"}
    out: list[str] = []
    mode, capital_next = "generic", False
    for position, word in enumerate(words.replace("UỶ", "ỦY").split()):
        if word in KEEP_UPPER:
            out.append(word)
            continue
        if position == 0:
            out.append(word.capitalize())
        elif mode == "place":
            out.append(word.capitalize())
        elif capital_next:
            out.append(word.capitalize())
        else:
            out.append(word.lower())
        capital_next = False
        if word in places and position > 0:
            mode = "place"
        elif mode == "generic" and (word in bodies or (word == "BAN" and position == 0)):
            mode, capital_next = "name", True
        elif mode == "name" and word == "VÀ":
            capital_next = True
    return " ".join(out)


def _issuer(pages: Sequence[str]) -> str:
    head = pages[0].split("\n")[:15] if pages else []
    collected: list[str] = []
    for line in head:
        words = " ".join(unicodedata.normalize("NFC", line).split())
        if not words:
            continue  # OCR sets the header's lines apart with blank ones
        if HEADER_STOP.search(words):
            if collected:
                break
            continue
        upper = words.upper() == words and any(character.isalpha() for character in words)
        if not collected:
            if upper and words.upper().startswith(ISSUER_STARTS):
                collected.append(words)
        elif upper and len(collected) < 3:
            collected.append(words)
        else:
            break
    if not collected:
        return ""
    return _titled(" ".join(collected))


def find_identity(pages: Sequence[str]) -> DocumentIdentity:
    """The kind, number, date and issuer the text shows, with where the number and date are."""
    number, number_page, number_span = _number(pages)
    date, date_page, date_span = _date(pages)
    return DocumentIdentity(_kind(pages), number, date, _issuer(pages), number_page, number_span, date_page, date_span)
