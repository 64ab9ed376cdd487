"""The two looks for active content in a PDF, each catching what the other cannot: the object walk sees
inside compressed object streams; the byte scan sees objects nothing refers to, with names' `#xx`
escapes undone, and skips stream bodies so image bytes never refuse a scan."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from pypdf.generic import NullObject, NumberObject, PdfObject

from submissions.evidence import EvidenceRejected, check_pdf
from submissions.pdf_active import Finding, only_sets_the_view, raw_findings, tree_findings
from tests.pdfs import JAVASCRIPT_ACTION, assembled, one_page, packed

JAVASCRIPT_REFUSED = (
    "Tệp PDF chứa nội dung chủ động (JavaScript, lệnh tự chạy), không được chấp nhận làm tài liệu kiểm chứng."
)


def refusal(content: bytes) -> str:
    with pytest.raises(EvidenceRejected) as raised:
        check_pdf(content)
    return str(raised.value)


def test_an_action_packed_in_a_compressed_object_stream_is_found_by_the_object_walk() -> None:
    content = packed(one_page(catalog=b"/OpenAction 4 0 R", more=(JAVASCRIPT_ACTION,)), into_stream={1, 4})

    assert raw_findings(content) == set()
    assert tree_findings(PdfReader(io.BytesIO(content))) == {Finding.JAVASCRIPT, Finding.AUTOMATIC_ACTION}
    assert refusal(content) == JAVASCRIPT_REFUSED


def test_an_action_in_an_object_stream_too_large_to_decode_is_refused_not_taken_as_harmless() -> None:
    # The parser stops decompressing past its limit; what it cannot read cannot pass as a mere view.
    content = packed(
        one_page(catalog=b"/OpenAction 4 0 R", more=(JAVASCRIPT_ACTION,)), into_stream={4}, padding=80_000_000
    )

    assert len(content) < 200_000
    assert refusal(content) == "Tệp PDF quá phức tạp để kiểm tra."


@pytest.mark.parametrize("action", [None, NullObject(), NumberObject(4)])
def test_an_opening_action_that_is_not_a_destination_or_a_plain_go_to_counts_as_an_action(
    action: PdfObject | None,
) -> None:
    assert not only_sets_the_view(action)


def test_an_action_no_object_refers_to_is_found_by_the_byte_scan_with_escapes_undone() -> None:
    content = assembled(one_page(more=(b"<< /S /J#61vaScript /J#53 (app.alert\\(1\\)) /#41A << >> >>",)))

    assert tree_findings(PdfReader(io.BytesIO(content))) == set()
    assert raw_findings(content) == {Finding.JAVASCRIPT, Finding.AUTOMATIC_ACTION}
    assert refusal(content) == JAVASCRIPT_REFUSED


@pytest.mark.parametrize(
    ("text", "found"),
    [
        (b"/JavaScript", {Finding.JAVASCRIPT}),
        (b"/#4a#53 (x)", {Finding.JAVASCRIPT}),
        (b"/#4A#53/#41#41<<>>", {Finding.JAVASCRIPT, Finding.AUTOMATIC_ACTION}),
        (b"/Launch", {Finding.LAUNCH}),
        (b"[/EmbeddedFiles]", {Finding.EMBEDDED_FILE}),
        (b"/Subtype/FileAttachment", {Finding.EMBEDDED_FILE}),
        (b"/RichMedia\n", {Finding.RICH_MEDIA}),
        # Whether an /OpenAction only sets the opening view is for the object walk to judge.
        (b"/OpenAction << /S /URI >>", set()),
        (b"/JSX /AAB /Launcher /EmbeddedFilesX /javascript /JS#20", set()),  # other names
        (b"/URI (https://dti.gov.vn/)", set()),
    ],
)
def test_the_byte_scan_matches_whole_names_as_a_viewer_reads_them(text: bytes, found: set[Finding]) -> None:
    assert raw_findings(text) == found


def test_the_byte_scan_skips_stream_bodies_but_reads_the_text_around_them() -> None:
    text = b"<< /Length 17 >>\nstream\n/JS /AA /Launch\nendstream\n<< /RichMedia 1 >> stream\r\n/JS"

    assert raw_findings(text) == {Finding.RICH_MEDIA}
