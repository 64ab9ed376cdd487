"""The public pages' summaries: the home page's averages and most improved, comparison and profiles."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client

from accounts.models import Organisation, User
from indicators.services import import_framework
from rankings.services import import_results
from tests.indicators.builders import small_framework

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_years(organisations: dict[str, Organisation], administrator: User) -> None:
    """2024: Đà Nẵng 0,68, Quảng Nam 0,52, Huế 0,5; 2025: the merged Đà Nẵng 0,7, Huế 0,52."""
    import_framework(data=small_framework("thu-nghiem"))
    for year, rows in [(2024, "48,0.8,0.5\n49,0.4,0.7\n46,0.5,0.5\n"), (2025, "48-2025,0.7,0.7\n46,0.6,0.4\n")]:
        import_results(content=f"organisation,1,2\n{rows}".encode(), filename="kq.csv", year=year, level="province",
                       framework_code="thu-nghiem", by=administrator,
                       published_on=datetime.date(year + 1, 3, 1))  # fmt: skip


def test_the_home_page_gives_the_latest_average_its_change_the_top_and_the_most_improved(
    client: Client, two_years: None
) -> None:
    page = client.get("/").content.decode()

    assert "Kết quả DTI 2025" in page
    # (0,7 + 0,52) / 2 = 0,61 against (0,6 derived + 0,5) / 2 = 0,55 for the same units a year before.
    assert '<span class="stat-value">0,6100</span>' in page
    assert '<span class="change up">+0,0600</span>' in page
    assert "2/2 đơn vị trên 0,5; 1 đơn vị trên mức trung bình." in page
    improved = page.split('class="top-list improved-list"')[1].split("</ol>")[0]
    assert improved.index("Đà Nẵng") < improved.index("Huế")  # Huế's name since 2025
    assert "Thừa Thiên" not in improved
    assert "+0,1000" in improved


def test_two_units_compare_side_by_side(client: Client, two_years: None) -> None:
    page = client.get("/results/compare/?unit=48-2025&unit=46&year=2025").content.decode()

    table = page.split('id="compare-table"')[1].split("</table>")[0]
    assert table.index("Đà Nẵng") < table.index("Huế")  # Huế's name since 2025
    assert '0,7000 <span class="muted">(1)</span>' in table
    assert '0,5200 <span class="muted">(2)</span>' in table


def test_a_profile_shows_the_history_with_the_predecessors_and_the_weakest_main_index(
    client: Client, two_years: None
) -> None:
    page = client.get("/results/units/48-2025/").content.decode()

    history = page.split('id="history-table"')[1].split("</table>")[0]
    assert '<td>2024</td><td class="number">0,6000 <abbr' in history  # the predecessors' mean, marked
    assert '<td>2025</td><td class="number">0,7000</td>' in history
    weaknesses = page.split("Điểm yếu (mất nhiều điểm nhất)")[1].split("</ul>")[0]
    assert "1. Nhận thức số — mất 18,00 điểm" in weaknesses  # 60 points × (1 − 0,7)
