"""Evidence read after upload, as the background task reads it: signatures verified, a scan read by OCR with
its number and date, a document of the year before flagged, its phrase found by the search."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone
from pytest_django.fixtures import Settings

from accounts.models import User
from submissions.models import Evidence, EvidenceDocument, EvidenceWarning, Submission, TextStatus
from submissions.services.documents import search_evidence
from submissions.services.entry import upload_evidence
from tests.submissions.conftest import answer_of
from tests.submissions.scanned_pdfs import require_ocr, scanned_pdf
from tests.submissions.signed_pdfs import ORGANISATION, modified_after_signing, signed_pdf, test_ca, untrusted_ca

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def reading(settings: Settings, tmp_path: Path) -> None:
    """Reading on, right after each upload commits; the test CA as the one trust root."""
    roots = tmp_path / "roots.pem"
    roots.write_bytes(test_ca().issuer_pem)
    settings.EVIDENCE_READING = True
    settings.EVIDENCE_READ_IN_PROCESS = False
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.EVIDENCE_TRUST_ROOTS = str(roots)


def upload(submission: Submission, user: User, key: str, content: bytes) -> Evidence:
    evidence = upload_evidence(answer_id=answer_of(submission, key).pk, user=user, content=content,
                               original_name=f"{key}.pdf", title=f"Tài liệu {key}")  # fmt: skip
    return Evidence.objects.with_reading().get(pk=evidence.pk)


def test_a_signed_pdf_is_verified_and_its_badge_shows_on_the_leaf(
    danang_submission: Submission, danang_reporter: User
) -> None:
    evidence = upload(danang_submission, danang_reporter, "1.1.1", signed_pdf())
    document = evidence.document
    assert document is not None
    [signature] = document.signatures
    assert (signature["organisation"], signature["intact"], signature["trusted"]) == (ORGANISATION, True, True)
    assert document.validly_signed
    today = timezone.localdate().strftime("%d/%m/%Y")
    assert document.signature_badges() == [(True, f"Đã ký số · {ORGANISATION} · {today} · nguyên vẹn")]
    client = Client()
    client.force_login(danang_reporter)
    page = client.get(f"/submissions/{danang_submission.pk}/sections/1/").content.decode()
    assert f"Đã ký số · {ORGANISATION} · {today} · nguyên vẹn" in page


def test_a_pdf_changed_after_signing_or_signed_by_an_unknown_ca_says_what_is_wrong(
    danang_submission: Submission, danang_reporter: User
) -> None:
    changed = upload(danang_submission, danang_reporter, "1.1.1", modified_after_signing(signed_pdf()))
    stranger = upload(danang_submission, danang_reporter, "1.1.2", signed_pdf(untrusted_ca()))
    assert changed.document.signature_badges() == [(False, "Chữ ký số: tài liệu đã bị sửa sau khi ký")]  # type: ignore[union-attr]
    assert stranger.document.signature_badges() == [(False, "Chữ ký số: chứng thư không thuộc nguồn tin cậy")]  # type: ignore[union-attr]
    assert not changed.document.validly_signed  # type: ignore[union-attr]


def test_a_scan_is_read_by_ocr_dated_the_year_before_and_found_by_the_search(
    danang_submission: Submission, danang_reporter: User, appraiser: User
) -> None:
    require_ocr()
    lines = ["ỦY BAN NHÂN DÂN", "THÀNH PHỐ ĐÀ NẴNG", "Số: 45/KH-UBND", "Đà Nẵng, ngày 20 tháng 12 năm 2023",
             "KẾ HOẠCH", "Tập huấn kỹ năng số cho cán bộ, công chức"]  # fmt: skip
    evidence = upload(danang_submission, danang_reporter, "1.1.2", scanned_pdf(lines))
    document = evidence.document
    assert document is not None
    assert (document.text_status, document.text_method) == (TextStatus.DONE, "ocr")
    assert (document.document_number, document.document_date) == ("45/KH-UBND", datetime.date(2023, 12, 20))
    assert document.identity_summary() == "Kế hoạch số 45/KH-UBND ngày 20/12/2023 của Ủy ban nhân dân thành phố Đà Nẵng"
    # The campaign assesses 2024: a plan dated 20/12/2023 lies outside the year; no signature, but a number.
    assert evidence.warnings() == [EvidenceWarning.DATE_OUTSIDE_YEAR]
    hits = search_evidence(campaign_id=danang_submission.campaign_id, phrase="tap huan ky nang so")
    assert [(hit.document.pk, hit.page) for hit in hits] == [(document.pk, 1)]
    client = Client()
    client.force_login(appraiser)
    viewer = client.get(f"/submissions/evidence/{evidence.pk}/view/").content.decode()
    assert '<mark class="detected-number">45/KH-UBND</mark>' in viewer
    assert '<mark class="detected-date">ngày 20 tháng 12 năm 2023</mark>' in viewer
    image = client.get(f"/submissions/evidence/{evidence.pk}/pages/1.png")
    assert (image.status_code, image["Content-Type"], image.content[:4]) == (200, "image/png", b"\x89PNG")


def test_a_file_that_cannot_be_read_is_marked_failed_not_lost(
    danang_submission: Submission, danang_reporter: User, settings: Settings
) -> None:
    settings.EVIDENCE_READ_MAX_PAGES = 1
    from unittest import mock

    from submissions.reading import ReadingFailed

    for failure, key in ((ReadingFailed("hỏng"), "1.1.1"), (MemoryError(), "1.1.2")):
        with mock.patch("submissions.reading.read_text", side_effect=failure):
            evidence = upload(danang_submission, danang_reporter, key, scanned_pdf([key]))
        assert EvidenceDocument.objects.get(attachments=evidence).text_status == TextStatus.FAILED
        assert Evidence.objects.filter(pk=evidence.pk).exists()
