"""Every public page on a phone (390 × 844): no sideways scrolling — a wide table scrolls in its own box
with its first column kept in view — the charts and the map within the screen, and no serious
accessibility problem."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from pytest_django.live_server_helper import LiveServer

from tests.conftest import scrolls_sideways, serious_accessibility_violations

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
PHONE = {"width": 390, "height": 844}
PAGES = [
    "/",
    "/results/2021/province/",
    "/results/2021/province/?index=1",
    "/results/2021/ministry/",
    "/results/units/48/",
    "/results/units/48/?year=2021",
    "/results/compare/?unit=48&unit=01&unit=79",
    "/results/2021/province/methodology/",
    "/results/explore/?level=province&index=dti&group=province",
    "/results/2021/national/",
]
# Each wide table's box, the widest thing on the page, and its first column's position in the box.
MEASURE = """() => ({
  wide: [...document.querySelectorAll('main table')].filter(t => t.scrollWidth > innerWidth)
    .map(t => [t.id || t.className, !!t.closest('.table-scroll'),
               getComputedStyle(t.querySelector('tr > :first-child')).position]),
  widest: Math.max(...[...document.querySelectorAll('main canvas, main svg')]
    .map(c => c.getBoundingClientRect().right)),
})"""


@pytest.fixture
def published(transactional_db: None) -> None:
    """What `make setup` publishes: the 2021 tables and the national figures."""
    call_command("load_reference_data")
    for level in ("province", "ministry"):
        call_command("import_results", str(ROOT / "fixtures" / "results" / f"dti-2021-{level}.csv"), "--year", "2021",
                     "--level", level, "--published-on", "08/08/2022")  # fmt: skip
    call_command("import_national_figures", str(ROOT / "fixtures" / "results" / "dti-national.csv"),
                 "--published-on", "08/08/2022")  # fmt: skip


def test_no_public_page_scrolls_sideways_on_a_phone(
    live_server: LiveServer, open_page: Callable[..., tuple[Any, list[str]]], published: None
) -> None:
    page, problems = open_page(viewport=PHONE)
    found: dict[str, object] = {}
    boxed: list[str] = []

    for url in PAGES:
        page.goto(f"{live_server.url}{url}")
        page.wait_for_load_state("networkidle")
        measured = page.evaluate(MEASURE)
        boxed.extend(table[0] for table in measured["wide"] if table[1:] == [True, "sticky"])
        found[url] = (scrolls_sideways(page), [tuple(t) for t in measured["wide"] if not t[1] or t[2] != "sticky"],
                      measured["widest"] <= PHONE["width"], serious_accessibility_violations(page))  # fmt: skip

    assert found == {url: (False, [], True, []) for url in PAGES}
    # Wider than the phone, the ranking table is seen scrolling in its box, its first column fixed.
    assert "ranking-table-province" in boxed
    assert problems == []
