"""Evidence files: accepted by content, each bad kind refused with its own message, nothing left behind."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from pytest_django.fixtures import Settings

from accounts.models import User
from submissions.evidence import EvidenceRejected
from submissions.models import Event, Evidence, Submission
from submissions.services.entry import remove_evidence, upload_evidence
from tests.pdfs import damaged_pdf, encrypted_pdf, pdf, png_renamed_pdf, truncated_pdf

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
    assert name.startswith(f"evidence/{danang_submission.campaign_id}/")
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
