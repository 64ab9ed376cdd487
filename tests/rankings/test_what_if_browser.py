"""A visitor tries a what-if in a real browser: from a unit's profile to its what-if page, the form filled
in with a decimal comma, the new DTI and rank shown; on a desktop and on a phone (390 × 844), with no
sideways scrolling and no serious accessibility problem."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from pytest_django.live_server_helper import LiveServer

from tests.conftest import scrolls_sideways, serious_accessibility_violations
from tests.rankings.conftest import PUBLISHED_2021, RESULTS

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def published(transactional_db: None) -> None:
    """Both DTI 2021 tables as `make setup` imports them."""
    call_command("load_reference_data")
    for level in ("province", "ministry"):
        call_command("import_results", str(RESULTS / f"dti-2021-{level}.csv"), "--year", "2021", "--level", level,
                     "--published-on", PUBLISHED_2021)  # fmt: skip


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_a_visitor_raises_an_index_and_sees_the_new_rank(
    live_server: LiveServer,
    open_page: Callable[..., tuple[Any, list[str]]],
    published: None,
    viewport: dict[str, int] | None,
) -> None:
    page, problems = open_page(viewport=viewport)
    page.goto(f"{live_server.url}/results/units/31/?year=2021")
    page.locator("#profile-what-if").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Nếu… thì sao? Tính thử DTI của TP. Hải Phòng"
    assert (scrolls_sideways(page), serious_accessibility_violations(page)) == (False, [])

    page.select_option("#wi-index-1", "5")
    page.fill("#wi-value-1", "1,0000")
    page.select_option("#wi-index-2", "7")
    page.fill("#wi-value-2", "0.5012")
    page.get_by_role("button", name="Tính thử").click()
    page.wait_for_load_state()

    assert page.url.endswith("/results/units/31/what-if/?year=2021&set=5:1,0000,7:0.5012")
    assert page.locator("#what-if-value").inner_text() == "0,4675 → 0,5393"
    assert page.locator("#what-if-rank").inner_text() == "hạng 16 → 4/63"
    assert page.locator("#what-if-verdict").inner_text() == "Lên 12 bậc."
    assert page.locator("#what-if-pillars tbody tr").count() == 3
    assert page.locator("#wi-index-1").input_value() == "5"
    assert page.locator("#rank-up-table tr[data-index='5'] td").all_inner_texts() == ["0,2821", "0,4008", "+0,1187"]
    assert page.locator("#gains-table tbody th").first.inner_text() == "7. Hoạt động chính quyền số"
    assert (scrolls_sideways(page), serious_accessibility_violations(page)) == (False, [])

    page.fill("#wi-value-1", "1,5")
    page.get_by_role("button", name="Tính thử").click()
    page.wait_for_load_state()

    error = page.locator("#wi-error-1")
    assert error.inner_text() == "Chỉ số 5: giá trị phải là một số từ 0 đến 1, ví dụ 0,85; nhận được “1,5”."
    assert page.locator("#wi-value-1").get_attribute("aria-invalid") == "true"
    assert page.locator("#what-if-outcome").count() == 0
    assert (scrolls_sideways(page), serious_accessibility_violations(page)) == (False, [])
    assert problems == []


def test_a_province_that_one_index_cannot_lift_is_told_so(
    live_server: LiveServer, open_page: Callable[..., tuple[Any, list[str]]], published: None
) -> None:
    page, problems = open_page(viewport=PHONE)

    page.goto(f"{live_server.url}/results/units/46/what-if/?set=1:1")

    # Huế, 2nd: index 1 at 1 adds 0,01, short of Đà Nẵng's 0,6419; index 7 at 0,9977 ties it for first.
    assert page.locator("#what-if-rank").inner_text() == "hạng 2 → 2/63"
    assert page.locator("#rank-up-table tr[data-index='1'] td").all_inner_texts() == ["0,9000", "không đủ"]
    assert page.locator("#rank-up-table tr[data-index='7'] td").all_inner_texts() == ["0,7243", "0,9977", "+0,2734"]
    assert (scrolls_sideways(page), serious_accessibility_violations(page)) == (False, [])
    assert problems == []
