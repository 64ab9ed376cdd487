"""The whole year in a real browser: the administrator opens the campaign; Đà Nẵng's reporter, IT lead and
leader submit with evidence; an appraiser adjusts and accepts; the unit explains; the appraiser finalises;
scores recompute; the administrator publishes; an anonymous visitor finds Đà Nẵng's rank on the public
ranking and profile — with no console error and no CSP violation on any page."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from pytest_django.live_server_helper import LiveServer

from accounts.models import Organisation, User
from indicators.services import import_framework
from submissions.models import Campaign, Submission, SubmissionState
from tests.indicators.builders import small_framework
from tests.pdfs import pdf
from tests.submissions.test_appraisal_browser import decide
from tests.submissions.test_browser_journey import enter_figures, log_in, take_step

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def draft_campaign(organisations: dict[str, Organisation], administrator: User) -> Campaign:
    today = timezone.localdate()
    return Campaign.objects.create(
        name="DTI 2024 cấp tỉnh",
        year=2024,
        level="province",
        framework=import_framework(data=small_framework("thu-nghiem")),
        groups=["province"],
        entry_opens=today - datetime.timedelta(days=5),
        entry_closes=today + datetime.timedelta(days=5),
        appraisal_closes=today + datetime.timedelta(days=15),
        explanation_closes=today + datetime.timedelta(days=25),
        final_appraisal_closes=today + datetime.timedelta(days=35),
        publication_date=today + datetime.timedelta(days=45),
        created_by=administrator,
    )


def test_a_whole_year_from_opening_to_the_public_ranking(
    live_server: LiveServer,
    open_page: Callable[[], tuple[Any, list[str]]],
    tmp_path: Path,
    draft_campaign: Campaign,
    administrator: User,
    danang_reporter: User,
    danang_it_lead: User,
    danang_leader: User,
    appraiser: User,
) -> None:
    admin_page, admin_problems = open_page()
    log_in(admin_page, live_server, administrator)
    admin_page.goto(f"{live_server.url}/admin/submissions/campaign/")
    admin_page.locator(f"input[name='_selected_action'][value='{draft_campaign.pk}']").check()
    admin_page.select_option("select[name='action']", "open_selected")
    admin_page.locator("button[name='index']").click()
    admin_page.wait_for_load_state()
    assert "đã tạo 3 hồ sơ" in admin_page.locator(".messagelist").inner_text()
    submission = Submission.objects.get(campaign=draft_campaign, organisation__code="48")
    detail = f"{live_server.url}/submissions/{submission.pk}/"

    evidence_file = tmp_path / "ke-hoach-chuyen-doi-so.pdf"
    evidence_file.write_bytes(pdf(pages=2))
    reporter_page, reporter_problems = open_page()
    log_in(reporter_page, live_server, danang_reporter)
    enter_figures(reporter_page, detail, evidence_file, "Kế hoạch chuyển đổi số")
    take_step(reporter_page, "Trình duyệt")
    it_lead_page, it_lead_problems = open_page()
    log_in(it_lead_page, live_server, danang_it_lead)
    it_lead_page.goto(detail)
    take_step(it_lead_page, "Phê duyệt")
    leader_page, leader_problems = open_page()
    log_in(leader_page, live_server, danang_leader)
    leader_page.goto(detail)
    take_step(leader_page, "Phê duyệt")
    assert leader_page.locator("#submission-state").inner_text() == "Đã gửi cơ quan đánh giá"

    appraiser_page, appraiser_problems = open_page()
    log_in(appraiser_page, live_server, appraiser)
    appraiser_page.goto(f"{live_server.url}/submissions/appraisal/")
    appraiser_page.get_by_role("link", name="TP. Đà Nẵng").click()
    appraiser_page.wait_for_load_state()
    decide(appraiser_page, "node-1-1-2", "adjust", "40", "Danh sách tập huấn chỉ có 40 % cán bộ.")
    for section in ("node-1", "node-2"):
        button = appraiser_page.locator(f"#section-{section} .bulk-accept button")
        if button.count():
            button.click()
            appraiser_page.wait_for_load_state()
    take_step(appraiser_page, "Kết thúc thẩm định, chuyển đơn vị giải trình")
    reporter_page.goto(detail)
    reporter_page.fill("#node-1-1-2-reply", "Đã gửi bổ sung danh sách 63 % cán bộ được tập huấn.")
    reporter_page.locator("#appraisal-node-1-1-2").get_by_role("button", name="Lưu giải trình").click()
    reporter_page.wait_for_load_state()
    take_step(reporter_page, "Trình duyệt giải trình")
    leader_page.goto(detail)
    take_step(leader_page, "Phê duyệt")
    appraiser_page.goto(f"{live_server.url}/submissions/{submission.pk}/review/")
    decide(appraiser_page, "node-1-1-2", "keep")
    take_step(appraiser_page, "Chốt kết quả")
    assert appraiser_page.locator("#submission-state").inner_text() == "Đã chốt kết quả"

    # Huế and Quảng Nam reported nothing this year; their results are settled as they stand.
    Submission.objects.filter(campaign=draft_campaign).exclude(pk=submission.pk).update(state=SubmissionState.FINALISED)
    admin_page.goto(f"{live_server.url}/admin/rankings/publication/publish/")
    admin_page.select_option("#id_campaign", str(draft_campaign.pk))
    admin_page.get_by_role("button", name="Công bố").click()
    admin_page.wait_for_load_state()
    assert "Đã công bố" in admin_page.locator(".messagelist").inner_text()

    visitor, visitor_problems = open_page()
    visitor.goto(f"{live_server.url}/")
    visitor.locator("#level-province").locator("xpath=..").get_by_role("link", name="Bảng xếp hạng", exact=True).click()
    visitor.wait_for_load_state()
    row = visitor.locator("#ranking-table-province tbody tr[data-code='48']")
    # 10 + 12 (1.1.2 appraised at 40 %) + 10 + 23,75 = 55,75 of 100 points; first of three.
    assert row.locator("td").first.inner_text() == "1"
    assert row.locator(".value").inner_text() == "0,5575"
    row.get_by_role("link", name="TP. Đà Nẵng").click()
    visitor.wait_for_load_state()
    assert visitor.locator("#profile-dti").inner_text().split() == [
        "DTI", "2024", "0,5575", "Hạng", "trong", "nhóm", "1/3", "Trung", "bình", "nhóm", "0,1858",
    ]  # fmt: skip
    problems = admin_problems + reporter_problems + it_lead_problems + leader_problems + appraiser_problems
    assert problems + visitor_problems == []
