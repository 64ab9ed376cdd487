"""A visitor reads the national DTI in a real browser, on a desktop and on a phone: its value, the chart of the
years beside the groups' averages and the table that stands for it, with no sideways scroll, no console error, no
CSP violation and no serious accessibility problem."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from pytest_django.live_server_helper import LiveServer

from tests.conftest import scrolls_sideways, serious_accessibility_violations

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

RESULTS = Path(__file__).resolve().parents[2] / "fixtures" / "results"
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def published(transactional_db: None) -> None:
    """The DTI 2021 tables and the national figures, as `make setup` publishes them."""
    call_command("load_reference_data")
    for level in ("province", "ministry"):
        call_command("import_results", str(RESULTS / f"dti-2021-{level}.csv"), "--year", "2021", "--level", level,
                     "--published-on", "08/08/2022")  # fmt: skip
    call_command("import_national_figures", str(RESULTS / "dti-national.csv"), "--published-on", "08/08/2022")


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_a_visitor_reads_the_national_dti_over_the_years(
    live_server: LiveServer,
    open_page: Callable[..., tuple[Any, list[str]]],
    published: None,
    viewport: dict[str, int] | None,
) -> None:
    page, problems = open_page(viewport=viewport)

    page.goto(f"{live_server.url}/")
    assert page.locator("#home-national-value").inner_text() == "0,6110"
    assert not scrolls_sideways(page)
    page.locator("#home-national-link").click()
    page.wait_for_load_state()

    assert page.locator("h1").inner_text() == "DTI quốc gia 2021"
    assert page.locator("#national-dti .national-value").inner_text() == "0,6110"
    canvas = page.locator("canvas[data-chart='national-chart']")
    canvas.wait_for()
    assert page.evaluate("document.querySelector(\"canvas[data-chart='national-chart']\").width") > 0
    rows = page.locator("#national-years tbody tr")
    assert [rows.nth(n).locator(".national-value").inner_text() for n in range(rows.count())] == ["0,4858", "0,6110"]
    assert not scrolls_sideways(page)
    assert serious_accessibility_violations(page) == []

    page.get_by_role("link", name="2020", exact=True).click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "DTI quốc gia 2020"
    assert not scrolls_sideways(page)
    assert problems == []
