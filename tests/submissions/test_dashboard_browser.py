"""The administrator logs in, lands on the dashboard of the open campaign and reminds the late units, in a
real browser; the page draws its charts without breaking the CSP and fits a phone's width."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone
from pytest_django.live_server_helper import LiveServer

from accounts.models import User
from submissions.models import Campaign, Notification
from tests.conftest import scrolls_sideways, serious_accessibility_violations
from tests.submissions.test_browser_journey import log_in

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def late_campaign(campaign: Campaign) -> Campaign:
    """The campaign with its entry deadline passed yesterday: the units still entering data are late."""
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    Campaign.objects.filter(pk=campaign.pk).update(
        entry_opens=yesterday - datetime.timedelta(days=20), entry_closes=yesterday
    )
    return campaign


def test_the_administrator_lands_on_the_dashboard_and_reminds_the_late_units(
    live_server: LiveServer,
    open_page: Callable[..., tuple[Any, list[str]]],
    late_campaign: Campaign,
    administrator: User,
    danang_reporter: User,
    hue_reporter: User,
) -> None:
    page, problems = open_page()
    log_in(page, live_server, administrator)

    assert page.url == f"{live_server.url}/submissions/campaigns/{late_campaign.pk}/dashboard/"
    page.locator("canvas[data-chart='by-group-chart']").wait_for()
    # Chart.js has drawn: it gives the canvas its own size.
    page.wait_for_function("document.querySelector(\"canvas[data-chart='by-region-chart']\").width > 0")
    assert page.locator("#by-region-table tbody tr").count() == 1
    assert page.locator("#units-table tbody tr.row-error").count() == 3
    assert serious_accessibility_violations(page) == []

    page.get_by_role("button", name="Gửi nhắc nhở", exact=True).click()
    page.wait_for_load_state()

    messages = page.locator(".messages").inner_text()
    assert "Đã gửi nhắc nhở đến 2 đơn vị." in messages
    assert "1 đơn vị quá hạn không có tài khoản nào để nhận nhắc nhở." in messages
    assert sorted(Notification.objects.values_list("user__username", flat=True)) == ["danang.baocao", "hue.baocao"]
    assert problems == []


def test_the_dashboard_fits_a_phone_without_scrolling_sideways(
    live_server: LiveServer,
    open_page: Callable[..., tuple[Any, list[str]]],
    late_campaign: Campaign,
    administrator: User,
) -> None:
    page, problems = open_page({"width": 390, "height": 844})
    log_in(page, live_server, administrator)
    page.locator("canvas[data-chart='by-region-chart']").wait_for()

    assert not scrolls_sideways(page)
    assert serious_accessibility_violations(page) == []
    assert problems == []
