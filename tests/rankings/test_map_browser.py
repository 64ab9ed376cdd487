"""A visitor reads the map in a real browser: the home page's map of DTI 2021 has the 63 provinces and,
once a 2025 table is published, the 34 units; a unit's value and rank show on hover and on keyboard
focus; choosing a unit opens its profile; on a phone the map fits the screen; axe-core finds no serious
problem."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from pytest_django.live_server_helper import LiveServer

from accounts.models import Organisation
from indicators.services import import_framework
from rankings.services import import_results
from tests.conftest import scrolls_sideways, serious_accessibility_violations
from tests.indicators.builders import small_framework

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

RESULTS = Path(__file__).resolve().parents[2] / "fixtures" / "results"
UNITS = "[data-organisation-code]"


@pytest.fixture
def published_2021(transactional_db: None) -> None:
    call_command("load_reference_data")
    for level in ("province", "ministry"):
        call_command("import_results", str(RESULTS / f"dti-2021-{level}.csv"), "--year", "2021", "--level", level,
                     "--published-on", "08/08/2022")  # fmt: skip


def publish_2025() -> None:
    """A provincial table of the 34 units of 2025, on the small test framework: by code, the first unit's
    main index 1 is 0,30, each next unit's 0,01 more; index 2 is 0,5 for all. So TP. Đà Nẵng (48-2025),
    the 21st, has DTI 0,6 × 0,50 + 0,4 × 0,5 = 0,5000, 14th of 34."""
    import_framework(data=small_framework("thu-nghiem"))
    codes = Organisation.objects.of_level(Organisation.Level.PROVINCE).valid_in(2025).order_by("code")
    rows = "".join(f"{code},{0.3 + number / 100:.2f},0.5\n" for number, code in
                   enumerate(codes.values_list("code", flat=True)))  # fmt: skip
    import_results(content=f"organisation,1,2\n{rows}".encode(), filename="kq-2025.csv", year=2025, level="province",
                   framework_code="thu-nghiem", published_on=datetime.date(2026, 3, 1))  # fmt: skip


def test_the_home_pages_map_shows_the_units_of_the_year_with_their_value_and_rank(
    live_server: LiveServer, open_page: Callable[..., tuple[Any, list[str]]], published_2021: None
) -> None:
    page, problems = open_page()
    page.goto(f"{live_server.url}/")
    units = page.locator(f"#map-province {UNITS}")
    tooltip = page.locator("#map-province .map-tooltip")

    assert units.count() == 63
    page.locator("#map-province [data-organisation-code='48']").hover()
    assert tooltip.is_visible()
    assert tooltip.inner_text() == "TP. Đà Nẵng: giá trị 0,6419, hạng 1"
    page.mouse.move(0, 0)
    assert tooltip.is_hidden()

    # By keyboard: from the skip link, Tab reaches the first unit, then the next.
    page.locator("#map-province .skip-map").focus()
    page.keyboard.press("Tab")
    first = page.evaluate("document.activeElement.getAttribute('aria-label')")
    assert tooltip.inner_text() == first
    page.keyboard.press("Tab")
    second = page.evaluate("document.activeElement.getAttribute('aria-label')")
    assert (tooltip.inner_text(), second != first) == (second, True)
    page.keyboard.press("Escape")
    assert tooltip.is_hidden()
    assert serious_accessibility_violations(page) == []

    page.locator("#map-province [data-organisation-code='46']").click()
    page.wait_for_load_state()
    assert page.url == f"{live_server.url}/results/units/46/?year=2021"
    assert page.locator("h1").inner_text() == "Thành phố Huế"
    assert page.locator("#profile-map [aria-current='page']").get_attribute("data-organisation-code") == "46"
    assert serious_accessibility_violations(page) == []

    publish_2025()
    # A new reader: the first one's browser may keep the home page it was given for a while.
    later, later_problems = open_page()
    later.goto(f"{live_server.url}/")
    assert later.locator("#latest").inner_text() == "Kết quả DTI 2025"
    assert later.locator(f"#map-province {UNITS}").count() == 34
    later.locator("#map-province [data-organisation-code='48-2025']").focus()
    assert later.locator("#map-province .map-tooltip").inner_text() == "Đà Nẵng: giá trị 0,5000, hạng 14"
    assert problems + later_problems == []


@pytest.mark.parametrize("address", ["/", "/results/2021/province/?index=3", "/results/units/48/"])
def test_on_a_phone_the_map_fits_the_screen(
    live_server: LiveServer, open_page: Callable[..., tuple[Any, list[str]]], published_2021: None, address: str
) -> None:
    page, problems = open_page(viewport={"width": 390, "height": 844})
    page.goto(f"{live_server.url}{address}")
    svg = page.locator(".map-svg")

    assert page.locator(UNITS).count() == 63
    assert 300 < svg.bounding_box()["width"] <= 390
    assert not scrolls_sideways(page)
    assert serious_accessibility_violations(page) == []
    assert problems == []
