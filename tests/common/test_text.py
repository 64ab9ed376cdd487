"""The free-text rule: control characters (but tab and line feed) and bidi controls are refused, line
endings are read as LF, and the form and API fields apply it with one message naming the characters."""

from __future__ import annotations

import pytest
from django import forms
from django.utils import translation
from rest_framework import serializers

from common.errors import InvalidInput
from common.text import (
    PlainTextField,
    PlainTextSerializerField,
    check_text,
    normalise_newlines,
    text_problem,
    unsafe_characters,
)

# Tab (U+0009), line feed (U+000A) and carriage return (U+000D, read as a line ending) aside.
CONTROLS = [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0x7F, 0xA0)]
BIDI = [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]


def refused(*characters: str) -> str:
    return (
        "Nội dung có ký tự điều khiển hoặc ký tự đảo chiều văn bản không hợp lệ "
        f"({', '.join(characters)}): hãy xóa chúng."
    )


@pytest.mark.parametrize("code", [*CONTROLS, *BIDI], ids=lambda code: f"U+{code:04X}")
def test_every_control_but_tab_and_line_feed_and_every_bidi_control_is_refused(code: int) -> None:
    assert unsafe_characters(f"trước{chr(code)}sau") == [f"U+{code:04X}"]


def test_tab_line_endings_and_ordinary_vietnamese_text_are_accepted() -> None:
    text = "Thừa Thiên – Huế\t63,56 %\nDòng hai\r\nDòng ba\rDòng bốn 😀 \u200e\u200f\u00a0\u202f"

    assert unsafe_characters(text) == []


def test_each_refused_character_is_named_once_in_order_of_appearance() -> None:
    assert unsafe_characters("a\u001bb\u0007c\u001b\u202e") == ["U+001B", "U+0007", "U+202E"]


def test_crlf_and_a_lone_cr_are_read_as_line_feeds() -> None:
    assert normalise_newlines("một\r\nhai\rba\nbốn") == "một\nhai\nba\nbốn"


def test_the_message_names_the_characters_and_says_what_to_do() -> None:
    assert text_problem("bell\u0007 esc\u001b") == refused("U+0007", "U+001B")
    assert text_problem("Có") is None


def test_the_message_has_an_english_translation() -> None:
    with translation.override("en"):
        message = text_problem("\u0007")

    assert message == "The text contains invalid control or text-direction characters (U+0007): please remove them."


def test_check_text_refuses_under_the_field_it_is_given() -> None:
    with pytest.raises(InvalidInput) as raised:
        check_text("lý do\u2066", field="reason")

    assert raised.value.errors == {"reason": refused("U+2066")}


class Note(forms.Form):
    text = PlainTextField(required=False)


def test_the_form_field_stores_line_feeds_and_refuses_with_one_message() -> None:
    saved, refused_form, null = Note({"text": "một\r\nhai"}), Note({"text": "một\u0007"}), Note({"text": "a\u0000b"})

    assert saved.is_valid()
    assert saved.cleaned_data["text"] == "một\nhai"
    assert not refused_form.is_valid()
    assert refused_form.errors == {"text": [refused("U+0007")]}
    # Django's own null-character check would say it a second time.
    assert not null.is_valid()
    assert null.errors == {"text": [refused("U+0000")]}


class NoteInput(serializers.Serializer):
    text = PlainTextSerializerField(allow_blank=True)


def test_the_api_field_stores_line_feeds_and_refuses_with_one_message() -> None:
    saved, refused_input = NoteInput(data={"text": "một\r\nhai"}), NoteInput(data={"text": "a\u0000b\u202e"})

    assert saved.is_valid()
    assert saved.validated_data == {"text": "một\nhai"}
    assert not refused_input.is_valid()
    assert refused_input.errors == {"text": [refused("U+0000", "U+202E")]}
