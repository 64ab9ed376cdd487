"""Evidence files: accepted by content, each bad kind refused with its own message, nothing left behind;
PDFs with active content (scripts, commands that run by themselves, launched programs, attached files)
refused by the service, the upload page and the API alike, while scans and signed documents pass."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from pypdf import PdfWriter
from pypdf.actions import JavaScript
from pypdf.annotations import Link
from pytest_django.fixtures import Settings

from accounts.models import User
from submissions.evidence import CheckedPdf, EvidenceRejected, check_pdf
from submissions.models import Event, Evidence, Submission
from submissions.services import entry
from submissions.services.entry import remove_evidence, upload_evidence
from tests.pdfs import (
    JAVASCRIPT_ACTION,
    assembled,
    damaged_pdf,
    encrypted_pdf,
    one_page,
    pdf,
    png_renamed_pdf,
    scanned_pdf,
    signed_pdf,
    stream,
    truncated_pdf,
)
from tests.submissions.conftest import answer_of
from tests.submissions.test_api import client_for

pytestmark = pytest.mark.django_db


def stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def test_a_pdf_is_stored_privately_under_a_generated_name(danang_submission: Submission, danang_reporter: User) -> None:
    answer = danang_submission.answers.get(node__key="1.1.1")

    evidence = upload_evidence(answer_id=answer.pk, user=danang_reporter, content=pdf(2),
                               original_name="../../Quyết định 123.pdf", title="Quyết định 123/QĐ-UBND")  # fmt: skip

    assert evidence.original_name == "../../Quyết định 123.pdf"
    assert evidence.pages == 2
    assert len(evidence.sha256) == 64
    name = evidence.file.name
    assert name is not None
    # Stored once as the unit's document, whichever leaves it is attached to.
    assert name.startswith(f"evidence/documents/{danang_submission.organisation_id}/")
    assert ".." not in name
    assert "Quyết" not in name
    assert stored_files() == [Path(evidence.file.path)]
    assert Event.objects.filter(kind="evidence_added", answer=answer).count() == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "Tệp rỗng (0 byte)."),
        (png_renamed_pdf(), "Tệp không phải PDF (nội dung là image/png) dù có thể mang đuôi .pdf."),
        (truncated_pdf(), "Tệp PDF bị cắt cụt (thiếu phần cuối tệp); vui lòng tải lên bản đầy đủ."),
        (encrypted_pdf(), "Tệp PDF được đặt mật khẩu hoặc mã hóa; vui lòng tải lên bản không mã hóa."),
        (damaged_pdf(), "Tệp PDF bị hỏng, không đọc được."),
    ],
    ids=["empty", "png-renamed", "truncated", "encrypted", "damaged"],
)
def test_each_bad_file_is_refused_with_its_own_message_and_leaves_nothing(
    danang_submission: Submission, danang_reporter: User, content: bytes, message: str
) -> None:
    answer = danang_submission.answers.get(node__key="1.1.1")

    with pytest.raises(EvidenceRejected) as raised:
        upload_evidence(answer_id=answer.pk, user=danang_reporter, content=content, original_name="x.pdf", title="x")

    assert str(raised.value) == message
    assert not Evidence.objects.exists()
    assert not Event.objects.filter(kind="evidence_added").exists()
    assert stored_files() == []


def test_an_oversized_file_is_refused(danang_submission: Submission, danang_reporter: User, settings: Settings) -> None:
    settings.EVIDENCE_MAX_MB = 1
    answer = danang_submission.answers.get(node__key="1.1.1")
    big = pdf(marker="x" * (1024 * 1024 + 10))

    with pytest.raises(EvidenceRejected, match=r"^Tệp quá lớn: 1,0 MB, tối đa 1 MB\.$"):
        upload_evidence(answer_id=answer.pk, user=danang_reporter, content=big, original_name="x.pdf", title="x")

    assert stored_files() == []


def test_the_same_file_twice_on_one_leaf_is_a_duplicate(danang_submission: Submission, danang_reporter: User) -> None:
    answer = danang_submission.answers.get(node__key="1.1.1")
    upload_evidence(answer_id=answer.pk, user=danang_reporter, content=pdf(), original_name="a.pdf", title="A")

    with pytest.raises(EvidenceRejected, match="trùng nội dung"):
        upload_evidence(answer_id=answer.pk, user=danang_reporter, content=pdf(), original_name="b.pdf", title="B")

    assert Evidence.objects.count() == 1
    assert len(stored_files()) == 1


def test_a_removed_file_stays_in_the_history(danang_submission: Submission, danang_reporter: User) -> None:
    answer = danang_submission.answers.get(node__key="1.1.1")
    evidence = upload_evidence(
        answer_id=answer.pk, user=danang_reporter, content=pdf(), original_name="a.pdf", title="A"
    )

    remove_evidence(evidence_id=evidence.pk, user=danang_reporter)

    evidence.refresh_from_db()
    assert evidence.removed_by == danang_reporter
    assert Path(evidence.file.path).exists()
    assert list(Event.objects.filter(answer=answer).values_list("kind", flat=True)) == [
        "evidence_added",
        "evidence_removed",
    ]


# ACTIVE CONTENT
# -----------------------------------------------------------------------------


def written(writer: PdfWriter) -> bytes:
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def one_blank_page() -> PdfWriter:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    return writer


def document_javascript() -> bytes:
    """JavaScript in the document's name tree, as pypdf's writer adds it."""
    writer = one_blank_page()
    writer.add_open_action(JavaScript("app.alert(1)"))
    return written(writer)


def attachment() -> bytes:
    writer = one_blank_page()
    writer.add_attachment("bang-tinh.xlsx", b"PK\x03\x04")
    return written(writer)


def active(found: str) -> str:
    return f"Tệp PDF chứa nội dung chủ động ({found}), không được chấp nhận làm tài liệu kiểm chứng."


XFA_WITH_SCRIPT = b'<xdp:xdp><template><subform><event activity="initialize"><script contentType="application/x-javascript">app.alert(1)</script></event></subform></template></xdp:xdp>'  # noqa: E501
XFA_WITHOUT_SCRIPT = b"<xdp:xdp><template><subform><field name='ten'/></subform></template></xdp:xdp>"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (document_javascript(), active("JavaScript")),
        (assembled(one_page(catalog=b"/OpenAction 4 0 R", more=(JAVASCRIPT_ACTION,))),
         active("JavaScript, lệnh tự chạy")),
        (assembled(one_page(catalog=b"/OpenAction << /S /Launch /F (cmd.exe) >>")),
         active("lệnh tự chạy, lệnh mở chương trình hoặc tệp khác")),
        (assembled(one_page(page=b"/Annots [4 0 R]", more=(
            b"<< /Type /Annot /Subtype /Link /Rect [0 0 100 100] /A << /S /Launch /F (C:\\\\x.exe) >> >>",))),
         active("lệnh mở chương trình hoặc tệp khác")),
        (assembled(one_page(page=b"/AA << /O << /S /GoTo /D [3 0 R /Fit] >> >>")), active("lệnh tự chạy")),
        (assembled(one_page(catalog=b"/OpenAction << /S /URI /URI (https://example.com/) >>")), active("lệnh tự chạy")),
        (assembled(one_page(catalog=b"/OpenAction << /S /GoTo /D [3 0 R /Fit] /Next << /S /Named /N /Print >> >>")),
         active("lệnh tự chạy")),
        (attachment(), active("tệp đính kèm")),
        (assembled(one_page(page=b"/Annots [4 0 R]", more=(
            b"<< /Type /Annot /Subtype /FileAttachment /Rect [0 0 20 20] /FS << /Type /Filespec /F (a.exe) >> >>",))),
         active("tệp đính kèm")),
        (assembled(one_page(page=b"/Annots [4 0 R]", more=(
            b"<< /Type /Annot /Subtype /RichMedia /Rect [0 0 200 200] >>",))),
         active("nội dung đa phương tiện nhúng")),
        (assembled(one_page(catalog=b"/AcroForm << /Fields [] /XFA 4 0 R >>", more=(stream(b"", XFA_WITH_SCRIPT),))),
         active("biểu mẫu XFA có mã lệnh")),
        (assembled(one_page(catalog=b"/Names << /J#61vaScript << /Names [(a) 4 0 R] >> >>", more=(
            b"<< /S /J#61vaScript /J#53 (app.alert\\(1\\)) >>",))),
         active("JavaScript")),
    ],
    ids=["document-javascript", "javascript-on-open", "launch-on-open", "launch-link", "page-additional-action",
         "web-address-on-open", "goto-then-print-on-open", "embedded-file", "file-attachment-annotation",
         "rich-media", "xfa-script", "hex-escaped-names"],
)  # fmt: skip
def test_a_pdf_with_active_content_is_refused_naming_what_was_found(
    danang_submission: Submission, danang_reporter: User, content: bytes, message: str
) -> None:
    answer = danang_submission.answers.get(node__key="1.1.1")

    with pytest.raises(EvidenceRejected) as raised:
        upload_evidence(answer_id=answer.pk, user=danang_reporter, content=content, original_name="x.pdf", title="x")

    assert str(raised.value) == message
    assert not Evidence.objects.exists()
    assert stored_files() == []


def link_to_the_portal() -> bytes:
    writer = one_blank_page()
    writer.add_annotation(page_number=0, annotation=Link(rect=(50, 50, 200, 80), url="https://dti.gov.vn/"))
    return written(writer)


def opening_at_the_first_page() -> bytes:
    """`/OpenAction [page /Fit]`: the view a document opens at, as LibreOffice and Acrobat write it
    (LaTeX's hyperref writes the same as a `/GoTo` action)."""
    writer = one_blank_page()
    writer.open_destination = writer.pages[0]
    return written(writer)


@pytest.mark.parametrize(
    "content",
    [
        signed_pdf(),
        scanned_pdf(),
        link_to_the_portal(),
        opening_at_the_first_page(),
        assembled(one_page(catalog=b"/OpenAction << /S /GoTo /D [3 0 R /Fit] >>")),
        assembled(one_page(catalog=b"/AcroForm << /Fields [] /XFA 4 0 R >>", more=(stream(b"", XFA_WITHOUT_SCRIPT),))),
    ],
    ids=[
        "signed",
        "scan-whose-image-bytes-spell-active-names",
        "web-link",
        "opening-view",
        "opening-view-as-goto-action",
        "xfa-without-scripts",
    ],
)
def test_scans_signed_documents_links_and_an_opening_view_are_accepted(
    danang_submission: Submission, danang_reporter: User, content: bytes
) -> None:
    answer = danang_submission.answers.get(node__key="1.1.1")

    evidence = upload_evidence(answer_id=answer.pk, user=danang_reporter, content=content, original_name="x.pdf",
                               title="x")  # fmt: skip

    assert evidence.pages == 1
    assert check_pdf(content).pages == 1


def test_the_upload_page_refuses_active_content_with_the_reason(
    client: Client, danang_submission: Submission, danang_reporter: User
) -> None:
    client.force_login(danang_reporter)

    response = client.post(
        f"/submissions/{danang_submission.pk}/answers/1.1.1/evidence/",
        {"file": SimpleUploadedFile("co-script.pdf", document_javascript()), "title": "Kế hoạch"},
    )

    # Without HTMX the section page comes back, the reason at the leaf the file was meant for.
    assert response.status_code == 400
    assert response.context["section"].key == "1"
    (item,) = [item for item in response.context["items"] if item["answer"].node.key == "1.1.1"]
    assert item["evidence_problem"] == f"Tệp “co-script.pdf” bị từ chối: {active('JavaScript')}"
    assert not Evidence.objects.exists()


def test_the_api_refuses_active_content_with_400_and_the_reason(
    danang_submission: Submission, danang_reporter: User
) -> None:
    response = client_for(danang_reporter).post(
        f"/api/v1/submissions/{danang_submission.pk}/answers/1.1.1/evidence/",
        {"file": SimpleUploadedFile("dinh-kem.pdf", attachment(), "application/pdf"), "title": "Kế hoạch"},
        format="multipart",
    )

    assert response.status_code == 400
    assert response.json() == {"file": [active("tệp đính kèm")]}
    assert not Evidence.objects.exists()


def test_a_file_is_checked_before_the_units_submission_is_locked(
    danang_submission: Submission, danang_reporter: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    steps: list[str] = []
    check, lock = entry.check_pdf, entry.lock_submission

    def checking(content: bytes) -> CheckedPdf:
        steps.append("check")
        return check(content)

    def locking(submission_id: int) -> Submission:
        steps.append("lock")
        return lock(submission_id)

    monkeypatch.setattr(entry, "check_pdf", checking)
    monkeypatch.setattr(entry, "lock_submission", locking)

    upload_evidence(answer_id=answer_of(danang_submission, "1.1.1").pk, user=danang_reporter, content=pdf(),
                    original_name="qd.pdf", title="Quyết định")  # fmt: skip

    assert steps == ["check", "lock"]


def test_a_person_who_may_not_attach_files_is_refused_before_the_file_is_checked(
    danang_submission: Submission, danang_it_lead: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    checked: list[bytes] = []
    monkeypatch.setattr(entry, "check_pdf", checked.append)

    with pytest.raises(PermissionDenied, match="không có quyền nhập số liệu"):
        upload_evidence(answer_id=answer_of(danang_submission, "1.1.1").pk, user=danang_it_lead,
                        content=b"not a pdf", original_name="x.pdf", title="x")  # fmt: skip

    assert checked == []
    assert not Evidence.objects.exists()
