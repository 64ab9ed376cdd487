"""A visitor reads the published DTI 2021 in a real browser: home, a ranking table, a profile, the method,
and takes the Excel tables, a scorecard and the national report away."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from openpyxl import load_workbook
from pypdf import PdfReader
from pytest_django.live_server_helper import LiveServer

from tests.conftest import scrolls_sideways, serious_accessibility_violations

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

RESULTS = Path(__file__).resolve().parents[2] / "fixtures" / "results"


@pytest.fixture
def published_2021(transactional_db: None) -> None:
    call_command("load_reference_data")
    for level in ("province", "ministry"):
        call_command("import_results", str(RESULTS / f"dti-2021-{level}.csv"), "--year", "2021", "--level", level,
                     "--published-on", "08/08/2022")  # fmt: skip


def download(page: Any, action: Callable[[], None]) -> bytes:
    with page.expect_download() as info:
        action()
    return Path(info.value.path()).read_bytes()


def test_a_visitor_reads_and_downloads_the_published_results(
    live_server: LiveServer, open_page: Callable[[], tuple[Any, list[str]]], published_2021: None
) -> None:
    page, problems = open_page()

    page.goto(f"{live_server.url}/")
    assert page.locator("#latest").inner_text() == "Kết quả DTI 2021"
    page.locator("canvas[data-chart='chart-province-province']").wait_for()
    assert page.evaluate("document.querySelector(\"canvas[data-chart='chart-province-province']\").width") > 0
    page.locator("#level-province").locator("xpath=..").get_by_role("link", name="Bảng xếp hạng", exact=True).click()
    page.wait_for_load_state()

    rows = page.locator("#ranking-table-province tbody tr")
    assert rows.count() == 63
    assert rows.nth(0).locator("th").inner_text() == "TP. Đà Nẵng"
    assert rows.nth(0).locator(".value").inner_text() == "0,6419"
    workbook = load_workbook(io.BytesIO(download(page, lambda: page.locator("#download-xlsx").click())))
    assert workbook.sheetnames == ["Xếp hạng tỉnh", "Giá trị tỉnh"]
    assert workbook["Giá trị tỉnh"]["B3"].value == "TP. Đà Nẵng"
    page.select_option("#f-index", "3")
    page.get_by_role("button", name="Xem", exact=True).click()
    page.wait_for_load_state()
    assert "index=3" in page.url

    page.get_by_role("link", name="Thừa Thiên - Huế", exact=True).click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Thành phố Huế"
    assert page.locator("#profile-dti").is_visible()
    scorecard = PdfReader(io.BytesIO(download(page, lambda: page.locator("#scorecard-pdf").click())))
    assert "Phiếu kết quả DTI 2021" in scorecard.pages[0].extract_text()

    page.goto(f"{live_server.url}/results/2021/province/methodology/")
    assert page.locator("h1").inner_text() == "Phương pháp đánh giá DTI 2021 — Tỉnh, thành phố"
    assert page.locator("#structure tbody tr").count() > 9

    # The report was built when the table was published: the first reader downloads it at once.
    page.goto(f"{live_server.url}/results/2021/province/report/")
    assert page.locator("#report-build").count() == 0
    report = PdfReader(io.BytesIO(download(page, lambda: page.locator("#report-download").click())))
    assert "Báo cáo Chỉ số chuyển đổi số DTI 2021" in " ".join(report.pages[0].extract_text().split())
    assert problems == []


@pytest.mark.parametrize("viewport", [None, {"width": 390, "height": 844}], ids=["desktop", "phone"])
def test_a_visitor_sees_how_robust_each_rank_is_on_the_ranking_page_and_the_profile(
    live_server: LiveServer,
    open_page: Callable[..., tuple[Any, list[str]]],
    published_2021: None,
    viewport: dict[str, int] | None,
) -> None:
    page, problems = open_page(viewport)

    page.goto(f"{live_server.url}/results/2021/province/")
    band = page.locator("#ranking-table-province tr[data-code='22'] .band")
    band.scroll_into_view_if_needed()
    assert (band.is_visible(), band.inner_text()) == (True, "6–12")
    chart = page.locator("canvas[data-chart='bands-chart-province']")
    chart.scroll_into_view_if_needed()
    assert chart.is_visible()
    # Drawn by charts.js: the band, the median and the official rank of every unit.
    drawn = (
        "c => { const made = Chart.getChart(c); return [c.width > 0, made.data.datasets.length, "
        "made.data.labels.length]; }"
    )
    assert chart.evaluate(drawn) == [True, 3, 63]
    # The table is wider than a phone with the bands' column: it scrolls in its own box, not the page.
    assert not scrolls_sideways(page)
    page.locator("#bands-province summary").click()
    assert page.locator("#bands-table-province tr[data-code='22']").inner_text().split("\t") == [
        "7",
        "Quảng Ninh",
        "8",
        "6–12",
    ]
    assert serious_accessibility_violations(page) == []

    page.goto(f"{live_server.url}/results/units/22/?year=2021")
    text = page.locator("#profile-band-text")
    assert text.is_visible()
    assert "DTI 2021: hạng 7, trong khoảng 6–12 theo các phương án tính (hạng trung vị 8)." in text.inner_text()
    profile_chart = page.locator("canvas[data-chart='band-chart']")
    profile_chart.scroll_into_view_if_needed()
    assert profile_chart.is_visible()
    assert profile_chart.evaluate(drawn) == [True, 3, 1]
    assert not scrolls_sideways(page)
    assert serious_accessibility_violations(page) == []
    assert problems == []
