"""The appraiser's evidence workbench in a real browser, on a desktop and a phone: the warnings in the queue,
the signature badge and the warnings on the review page, the viewer with the detected number highlighted,
and the campaign's search; the reporter's document library."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pytest_django.fixtures import Settings
from pytest_django.live_server_helper import LiveServer

from accounts.models import User
from submissions.models import Submission
from submissions.services.approval import transition_submission
from submissions.services.entry import upload_evidence
from tests.conftest import scrolls_sideways, serious_accessibility_violations
from tests.submissions.conftest import answer_of, fill_in
from tests.submissions.scanned_pdfs import require_ocr, scanned_pdf
from tests.submissions.signed_pdfs import ORGANISATION, signed_pdf, test_ca
from tests.submissions.test_browser_journey import log_in

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
SCAN = ["ỦY BAN NHÂN DÂN", "THÀNH PHỐ ĐÀ NẴNG", "Số: 45/KH-UBND", "Đà Nẵng, ngày 20 tháng 12 năm 2023", "KẾ HOẠCH",
        "Tập huấn kỹ năng số cho cán bộ, công chức"]  # fmt: skip


def checked(page: Any) -> None:
    assert serious_accessibility_violations(page) == []
    assert not scrolls_sideways(page)


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_the_appraiser_sees_badges_and_warnings_opens_the_viewer_and_searches_the_evidence(
    live_server: LiveServer,
    open_page: Callable[..., tuple[Any, list[str]]],
    settings: Settings,
    tmp_path: Path,
    danang_submission: Submission,
    danang_reporter: User,
    danang_it_lead: User,
    danang_leader: User,
    appraiser: User,
    viewport: dict[str, int] | None,
) -> None:
    require_ocr()
    roots = tmp_path / "roots.pem"
    roots.write_bytes(test_ca().issuer_pem)
    settings.EVIDENCE_READING, settings.EVIDENCE_READ_IN_PROCESS = True, False
    settings.EVIDENCE_TRUST_ROOTS = str(roots)
    for key, content in (("1.1.1", signed_pdf()), ("1.1.2", scanned_pdf(SCAN))):
        upload_evidence(answer_id=answer_of(danang_submission, key).pk, user=danang_reporter, content=content,
                        original_name=f"{key}.pdf", title=f"Tài liệu {key}")  # fmt: skip

    reporter, reporter_problems = open_page(viewport)
    log_in(reporter, live_server, danang_reporter)
    reporter.goto(f"{live_server.url}/submissions/{danang_submission.pk}/")
    reporter.locator("#documents-link").click()
    reporter.wait_for_url("**/documents/")
    assert "Kế hoạch số 45/KH-UBND ngày 20/12/2023" in reporter.locator("main").inner_text()
    checked(reporter)

    fill_in(danang_submission, danang_reporter)
    for user, action in [(danang_reporter, "submit"), (danang_it_lead, "approve"), (danang_leader, "approve")]:
        transition_submission(submission_id=danang_submission.pk, user=user, action=action)

    page, problems = open_page(viewport)
    log_in(page, live_server, appraiser)
    page.goto(f"{live_server.url}/submissions/appraisal/?campaign={danang_submission.campaign_id}")
    row = page.locator("tr", has=page.get_by_role("link", name="Đà Nẵng"))
    assert "1 · Ngày văn bản ngoài năm đánh giá" in row.locator(".evidence-warnings").inner_text()
    checked(page)

    page.get_by_role("link", name="Đà Nẵng").click()
    page.wait_for_url("**/review/")
    signed_leaf = page.locator("#node-1-1-1")
    assert f"Đã ký số · {ORGANISATION}" in signed_leaf.locator(".signature-badge").inner_text()
    scanned_leaf = page.locator("#node-1-1-2")
    assert scanned_leaf.locator(".evidence-warning").inner_text() == "Ngày văn bản ngoài năm đánh giá"
    checked(page)

    scanned_leaf.get_by_role("link", name="Trình xem Tài liệu 1.1.2").click()
    page.wait_for_url("**/view/")
    assert page.locator("mark.detected-number").inner_text() == "45/KH-UBND"
    assert page.locator(".viewer-thumbnails img").count() == 1
    page.locator(".viewer-thumbnails img").first.evaluate("image => image.decode()")
    assert page.locator(".viewer-thumbnails img").first.evaluate("image => image.naturalWidth") == 160
    checked(page)

    page.goto(f"{live_server.url}/submissions/appraisal/?campaign={danang_submission.campaign_id}")
    page.locator("#evidence-search-link").click()
    page.get_by_label("Cụm từ (có thể gõ không dấu)").fill("tap huan ky nang so")
    page.get_by_role("button", name="Tìm", exact=True).click()
    page.wait_for_url("**/evidence-search/?q=*")
    assert page.locator("#evidence-hit-count").inner_text() == "1 tài liệu có cụm từ này."
    checked(page)
    page.locator("#evidence-hits a").first.click()
    page.wait_for_url("**/view/#page-1")
    assert problems == []
    assert reporter_problems == []
