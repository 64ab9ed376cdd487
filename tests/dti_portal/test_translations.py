"""The English catalogue covers every Vietnamese text and its compiled form is up to date."""

from __future__ import annotations

import ast
from pathlib import Path

from django.utils import translation

CATALOGUE = Path(__file__).resolve().parents[2] / "locale" / "en" / "LC_MESSAGES" / "django.po"


def catalogue_entries() -> list[tuple[str, str]]:
    """Return (msgid, first msgstr) for every entry of the .po file but the header."""
    entries: list[tuple[str, str]] = []
    for block in CATALOGUE.read_text(encoding="utf-8").split("\n\n"):
        lines = [line for line in block.splitlines() if not line.startswith("#")]
        if not lines:
            continue
        msgid, msgstr, current = "", "", ""
        for line in lines:
            keyword, _, rest = line.partition(" ")
            if keyword in ("msgid", "msgid_plural", "msgstr", "msgstr[0]", "msgstr[1]"):
                current = keyword
                line = rest
            text = ast.literal_eval(line)
            if current == "msgid":
                msgid += text
            elif current in ("msgstr", "msgstr[0]"):
                msgstr += text
        if msgid:
            entries.append((msgid, msgstr))
    return entries


def test_every_text_has_an_english_translation() -> None:
    untranslated = [msgid for msgid, msgstr in catalogue_entries() if not msgstr]

    assert untranslated == []


def test_the_compiled_catalogue_matches_the_source() -> None:
    with translation.override("en"):
        stale = [
            msgid
            for msgid, msgstr in catalogue_entries()
            if "%(counter)s" not in msgid and translation.gettext(msgid) != msgstr
        ]

    assert stale == []


def test_no_translation_is_a_fuzzy_guess() -> None:
    # makemessages guesses a translation from a similar text and marks it fuzzy; compilemessages then
    # leaves it out, so the English page would show the Vietnamese text (or a wrong sentence).
    fuzzy = [line for line in CATALOGUE.read_text(encoding="utf-8").splitlines() if line.startswith("#, fuzzy")]

    assert fuzzy == []
