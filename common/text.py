"""Free text that people type or import: the characters the portal refuses, and the fields that refuse them.

Refused: every control character (Unicode category Cc: U+0000–U+001F, U+007F–U+009F) except tab and
line feed, and the bidirectional embedding, override and isolate characters (U+202A–U+202E,
U+2066–U+2069). Control characters are invisible, carry nothing a reader could use, and make a
workbook unwritable (openpyxl refuses them in a cell); bidi overrides make text read in another order
than it is stored.

Line endings: a browser sends a textarea's lines ending in CR LF, and old files end them in a lone CR.
Both are read as a line feed, as every editor reads them, so a line ending is never refused and the
portal stores LF only.

The rule is `unsafe_characters`; `text_problem` words it, `check_text` raises it as `InvalidInput`,
`validate_text` as a Django `ValidationError` (for form fields and, through DRF's own conversion,
serializer fields). `PlainTextField` and `PlainTextSerializerField` are the form and API text fields
that normalise line endings and apply it.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.utils.translation import gettext as _
from rest_framework import serializers

from .errors import InvalidInput

UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def normalise_newlines(text: str) -> str:
    """CR LF and a lone CR become LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def unsafe_characters(text: str) -> list[str]:
    """The refused characters in `text`, once each in order of appearance, as code points ("U+0007").

    Line endings are read first, so a CR of a line ending is not among them.
    """
    return list(dict.fromkeys(f"U+{ord(character):04X}" for character in UNSAFE.findall(normalise_newlines(text))))


def text_problem(text: str) -> str | None:
    """The message for a text holding refused characters, naming them; None when the text is safe."""
    found = unsafe_characters(text)
    if not found:
        return None
    return _(
        "Nội dung có ký tự điều khiển hoặc ký tự đảo chiều văn bản không hợp lệ (%(characters)s): hãy xóa chúng."
    ) % {"characters": ", ".join(found)}


def check_text(text: str, *, field: str) -> None:
    """Raise InvalidInput({field: message}) when `text` holds refused characters."""
    problem = text_problem(text)
    if problem is not None:
        raise InvalidInput({field: problem})


def validate_text(value: Any) -> None:
    """A Django validator (forms, models, and DRF fields, which convert Django's ValidationError)."""
    if isinstance(value, str) and (problem := text_problem(value)) is not None:
        raise ValidationError(problem, code="unsafe_characters")


def _without_null_check(validators: list[Any]) -> list[Any]:
    # `validate_text` names U+0000 with the rest; Django's own check would say it a second time.
    return [validator for validator in validators if not isinstance(validator, ProhibitNullCharactersValidator)]


class PlainTextField(forms.CharField):
    """A form's free-text input: line endings read as LF, control and bidi characters refused."""

    default_validators = [validate_text]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.validators = _without_null_check(self.validators)

    def to_python(self, value: Any) -> Any:
        text = super().to_python(value)
        return normalise_newlines(text) if isinstance(text, str) else text


class PlainTextSerializerField(serializers.CharField):
    """An API's free-text input: line endings read as LF, control and bidi characters refused (400)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.validators = [*_without_null_check(self.validators), validate_text]

    def to_internal_value(self, data: Any) -> str:
        return normalise_newlines(super().to_internal_value(data))
