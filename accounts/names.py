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
