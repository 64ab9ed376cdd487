"""A journalist uses the data explorer in a real browser: builds a selection in the form, sees both charts
and the table, downloads the CSV (the table's rows), reloads the shared address and finds the same
selection; on a phone nothing scrolls sideways; no serious accessibility violation, console error or
CSP violation."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from pytest_django.live_server_helper import LiveServer

from tests.conftest import scrolls_sideways, serious_accessibility_violations
from tests.rankings.test_explore import as_shown, publish_2020_sample

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

RESULTS = Path(__file__).resolve().parents[2] / "fixtures" / "results"
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def published_2020_2021(transactional_db: None) -> None:
    call_command("load_reference_data")
    for level in ("province", "ministry"):
        call_command("import_results", str(RESULTS / f"dti-2021-{level}.csv"), "--year", "2021", "--level", level,
                     "--published-on", "08/08/2022")  # fmt: skip
    publish_2020_sample()


def table_shown(page: Any) -> list[tuple[str, int, str, str]]:
    """(code, year, value, rank) of each filled cell of the explorer's table, as the browser shows them."""
    return [
        (cell["code"], int(cell["year"]), cell["value"], cell["rank"].strip("()"))
        for cell in page.evaluate(
            """() => Array.from(document.querySelectorAll('#explore-table td .value')).map(value => {
                 const cell = value.closest('td');
                 return {code: cell.closest('tr').dataset.code, year: cell.dataset.year,
                         value: value.textContent, rank: cell.querySelector('.rank').textContent};
               })"""
        )
    ]


def chart_of(page: Any, canvas: str) -> dict[str, Any]:
    """What Chart.js drew on a canvas: its kind, labels, datasets' labels and size on screen."""
    return dict(
        page.evaluate(
            """(id) => { const chart = Chart.getChart(document.getElementById(id));
                return {type: chart.config.type, labels: chart.data.labels.map(String),
                        datasets: chart.data.datasets.map(d => d.label), width: chart.width}; }""",
            canvas,
        )
    )


def download(page: Any, action: Callable[[], None]) -> bytes:
    with page.expect_download() as info:
        action()
    return Path(info.value.path()).read_bytes()


def test_a_journalist_builds_a_selection_downloads_it_and_shares_its_address(
    live_server: LiveServer, open_page: Callable[..., tuple[Any, list[str]]], published_2020_2021: None
) -> None:
    page, problems = open_page()
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Khám phá dữ liệu", exact=True).click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Khám phá dữ liệu DTI"

    page.select_option("#x-index", "dti")
    page.locator("summary", has_text="Bắc Trung Bộ và duyên hải miền Trung").click()
    page.get_by_label("TP. Đà Nẵng", exact=True).check()
    page.get_by_label("Thừa Thiên - Huế", exact=True).check()
    page.locator("summary", has_text="Đông Nam Bộ").click()
    page.get_by_label("TP. Hồ Chí Minh", exact=True).check()
    page.select_option("#x-year", "2020")
    page.get_by_role("button", name="Xem", exact=True).click()
    page.wait_for_load_state()

    address = page.url
    # The form's fields in whatever order, sent to the selection's one address.
    assert address.endswith("?level=province&index=dti&units=46&units=48&units=79&years=2020&years=2021&year=2020")
    page.wait_for_function("() => Chart.getChart(document.getElementById('explore-bar')) !== undefined")
    line, bar = chart_of(page, "explore-line"), chart_of(page, "explore-bar")
    assert (line["type"], line["labels"]) == ("line", ["2020", "2021"])
    assert sorted(line["datasets"]) == ["TP. Hồ Chí Minh", "TP. Đà Nẵng", "Thừa Thiên - Huế"]
    assert (bar["type"], bar["labels"]) == ("bar", ["TP. Đà Nẵng", "Thừa Thiên - Huế", "TP. Hồ Chí Minh"])
    assert line["width"] > 0
    assert bar["width"] > 0
    assert page.locator("figcaption", has_text="Năm 2020").is_visible()
    shown = table_shown(page)
    assert ("48", 2021, "0,6419", "1") in shown
    assert len(shown) == 6
    assert page.locator("#explore-api code").inner_text() == (
        f"{live_server.url}/api/v1/rankings/explore/?level=province&index=dti&units=46&units=48&units=79"
        "&years=2020&years=2021"
    )

    rows = list(csv.DictReader(io.StringIO(download(page, lambda: page.locator("#explore-csv").click())
                                           .decode("utf-8-sig"))))  # fmt: skip
    assert [(row["organisation_code"], int(row["year"]), *as_shown(row["value"], row["rank"])) for row in rows] == (
        shown
    )

    page.reload()
    page.wait_for_load_state()
    assert page.url == address
    assert table_shown(page) == shown
    names = ("TP. Đà Nẵng", "Thừa Thiên - Huế", "TP. Hồ Chí Minh", "TP. Hà Nội")
    assert [page.get_by_label(name, exact=True).is_checked() for name in names] == [True, True, True, False]
    assert page.locator("#x-year").input_value() == "2020"
    assert serious_accessibility_violations(page) == []

    phone, phone_problems = open_page(viewport=PHONE)
    phone.goto(address)
    phone.wait_for_function("() => Chart.getChart(document.getElementById('explore-line')) !== undefined")
    assert not scrolls_sideways(phone)
    assert chart_of(phone, "explore-line")["width"] <= PHONE["width"]
    assert serious_accessibility_violations(phone) == []
    assert problems == []
    assert phone_problems == []


def test_choosing_another_level_starts_its_selection_afresh(
    live_server: LiveServer, open_page: Callable[..., tuple[Any, list[str]]], published_2020_2021: None
) -> None:
    page, problems = open_page()
    page.goto(f"{live_server.url}/results/explore/?units=48")

    page.select_option("#x-level", "ministry")
    page.wait_for_url("**/results/explore/?level=ministry&index=dti")

    assert page.locator("#explore-table tbody tr").count() == 26
    assert page.locator("#x-region").count() == 0
    assert problems == []
