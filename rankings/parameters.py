"""What a visitor may put in a public URL, read safely: anything malformed names nothing, so the page or
the API answers 400 or 404, never a server error (a huge number overflows the database's integers, a
NUL character is refused by PostgreSQL, "²" passes `str.isdigit` but not `int`)."""

from __future__ import annotations

from common.filters import FIRST_YEAR, LAST_YEAR

# A version is a small positive integer.
LAST_VERSION = 32767


def _digits(text: str) -> int | None:
    text = text.strip()
    if not text or len(text) > 9 or not text.isascii() or not text.isdigit():
        return None
    return int(text)


def year_of(text: str | int) -> int | None:
    """The assessment year `text` names, or None when it is not one."""
    year = text if isinstance(text, int) else _digits(text)
    return year if year is not None and FIRST_YEAR <= year <= LAST_YEAR else None


def version_of(text: str) -> int | None:
    """The publication version `text` names, or None when it is not one."""
    version = _digits(text)
    return version if version is not None and 1 <= version <= LAST_VERSION else None


def is_plain(text: str) -> bool:
    """Whether `text` may reach a query as a string (PostgreSQL refuses the NUL character)."""
    return "\x00" not in text
