"""Units' names as the reports print them, compared the way every import compares them.

Free of Django, so the fixture generators use the same comparison as the portal.
"""

from __future__ import annotations

import re
import unicodedata

# Prefixes the reports put before a unit's proper name; lookups ignore them.
_NAME_PREFIXES = re.compile(r"^(tp\.|tp |thành phố |tỉnh )\s*")
_HYPHENS = re.compile(r"\s*[-‐‑–—]\s*")
_SPACES = re.compile(r"\s+")


def normalise_name(name: str) -> str:
    """Return the form of a unit's name that lookups compare.

    Ignores case, Unicode normalisation form, the "TP."/"Thành phố"/"Tỉnh" prefixes and the
    spacing around hyphens, so "TP. Đà Nẵng", "Thành phố Đà Nẵng" and "đà nẵng" are one name,
    as are "Thừa Thiên - Huế" and "Thừa Thiên Huế".
    """
    text = unicodedata.normalize("NFC", name).casefold().strip()
    text = _SPACES.sub(" ", text)
    text = _NAME_PREFIXES.sub("", text)
    text = _HYPHENS.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def folded(text: str) -> str:
    """Text as a search compares it: lower case, without accents (đ as d), one space between words, so that
    "da nang" finds "Đà Nẵng" and "tap huan" finds "Tập huấn"."""
    decomposed = unicodedata.normalize("NFD", unicodedata.normalize("NFC", text).casefold().replace("đ", "d"))
    return " ".join("".join(char for char in decomposed if not unicodedata.combining(char)).split())


def search_form(text: str) -> str:
    """A name as a search compares it: normalised, then without accents ("da nang" finds "Đà Nẵng")."""
    return folded(normalise_name(text))


# The Vietnamese alphabet: ă, â, đ, ê, ô, ơ, ư are letters of their own, after their base letters.
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_LETTER_MARKS = {"\u0306": "ă", "\u0302": "â", "\u031b": "ơ"}  # breve, circumflex, horn
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}  # huyền, hỏi, ngã, sắc, nặng


def vietnamese_sort_key(text: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Order names as a Vietnamese reader does: letters first ("D" < "Đ" < "E", "O" < "Ô" < "Ơ"),
    then tones (none, huyền, hỏi, ngã, sắc, nặng) to break ties."""
    letters: list[int] = []
    tones: list[int] = []
    for char in unicodedata.normalize("NFC", text).casefold():
        decomposed = unicodedata.normalize("NFD", char)
        base, marks = decomposed[0], decomposed[1:]
        letter = base
        for mark in marks:
            if mark in _LETTER_MARKS:
                letter = {"a\u0306": "ă", "a\u0302": "â", "e\u0302": "ê", "o\u0302": "ô", "o\u031b": "ơ",
                          "u\u031b": "ư"}.get(base + mark, letter)  # fmt: skip
        position = _ALPHABET.find(letter)
        if position < 0:
            # Spaces and punctuation come before every letter ("Bà Rịa" < "Bạc Liêu"); digits after.
            position = 100 + ord(letter) if letter.isalnum() else -1
        letters.append(position)
        tones.append(next((_TONES[mark] for mark in marks if mark in _TONES), 0))
    return tuple(letters), tuple(tones)
