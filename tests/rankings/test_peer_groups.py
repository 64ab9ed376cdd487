"""Each peer group is its own ranking: the ministries of DTI 2021 in two tables (the report's tables 1–4),
each with its own ranks and average, on the ranking page, the home page, the downloads and the profile."""

from __future__ import annotations

import io
import re

import pytest
from django.test import Client
from openpyxl import load_workbook

pytestmark = pytest.mark.django_db


def table_rows(page: str, group: str) -> list[tuple[str, str, str]]:
    """(rank, unit, value) of each row of one group's table, in page order."""
    table = page.split(f'id="ranking-table-{group}"')[1].split("</table>")[0]
    body = table.split("<tbody>")[1].split("</tbody>")[0]
    return re.findall(r'<td class="number">(\d+|—)</td>\s*<th scope="row"><a [^>]*>([^<]*)</a></th>\s*'
                      r'<td class="number value">([^<]*)</td>', body)  # fmt: skip


def test_each_ministry_group_is_a_table_with_its_own_ranks_and_average(client: Client, published_2021: None) -> None:
    page = client.get("/results/2021/ministry/").content.decode()

    with_services = table_rows(page, "public_services")
    without = table_rows(page, "no_public_services")
    assert page.index('id="ranking-table-public_services"') < page.index('id="ranking-table-no_public_services"')
    assert [rank for rank, _unit, _value in with_services] == [str(rank) for rank in range(1, 18)]
    assert [rank for rank, _unit, _value in without] == [str(rank) for rank in range(1, 10)]
    assert with_services[4] == ("5", "Bộ Công Thương", "0,5219")
    assert without[4] == ("5", "Đài Tiếng nói Việt Nam", "0,1394")
    assert "Trung bình 0,4595; 6/17 đơn vị trên 0,5; 7 đơn vị trên mức trung bình." in page
    assert "Trung bình 0,2151; 0/9 đơn vị trên 0,5; 3 đơn vị trên mức trung bình." in page
    assert page.count('<tr class="group-average">') == 2


def test_one_group_asked_for_is_the_only_table(client: Client, published_2021: None) -> None:
    page = client.get("/results/2021/ministry/?group=no_public_services").content.decode()

    assert 'id="ranking-table-public_services"' not in page
    assert len(table_rows(page, "no_public_services")) == 9


def test_a_search_keeps_each_units_rank_in_its_own_group(client: Client, published_2021: None) -> None:
    page = client.get("/results/2021/ministry/?q=Đài").content.decode()

    assert table_rows(page, "no_public_services") == [
        ("2", "Đài Truyền hình Việt Nam", "0,4192"),
        ("5", "Đài Tiếng nói Việt Nam", "0,1394"),
    ]
    assert table_rows(page, "public_services") == []


def test_the_home_page_gives_provinces_first_and_each_ministry_group_its_own_card_and_histogram(
    client: Client, published_2021: None
) -> None:
    page = client.get("/").content.decode()

    assert page.index('id="level-province"') < page.index('id="level-ministry"')
    charts = re.findall(r'<canvas data-chart="([^"]+)" data-kind="histogram"', page)
    assert charts == ["chart-province-province", "chart-ministry-public_services", "chart-ministry-no_public_services"]
    cards = re.findall(r'data-group="([a-z_]+)">\s*<h4>[^<]*</h4>\s*<p class="stat"><span class="stat-value">([^<]*)<',
                       page)  # fmt: skip
    assert cards == [("province", "0,4014"), ("public_services", "0,4595"), ("no_public_services", "0,2151")]


def test_the_home_pages_histograms_name_their_axes_and_the_regional_table_its_columns(
    client: Client, published_2021: None
) -> None:
    page = client.get("/").content.decode()

    histograms = re.findall(r'<canvas [^>]*data-kind="histogram"[^>]*>', page)
    assert len(histograms) == 3
    assert all('data-x-label="Giá trị DTI" data-y-label="Số đơn vị"' in canvas for canvas in histograms)
    regions = page.split('<table class="compact region-averages">')[1].split("</table>")[0]
    assert regions.split("<tbody>")[0].split() == [
        "<thead><tr><th", 'scope="col">Vùng</th><th', 'scope="col"', 'class="number">DTI', "trung",
        "bình</th><th", 'scope="col"', 'class="number">Số', "đơn", "vị</th></tr></thead>",
    ]  # fmt: skip


def test_the_excel_download_gives_each_ministry_group_its_sheets_with_its_average(
    client: Client, published_2021: None
) -> None:
    workbook = load_workbook(io.BytesIO(client.get("/results/2021/ministry/?format=xlsx").content))

    assert workbook.sheetnames == [
        "Xếp hạng bộ có DVC", "Giá trị bộ có DVC", "Xếp hạng bộ không có DVC", "Giá trị bộ không có DVC",
    ]  # fmt: skip
    ranks = [row[2] for row in workbook["Xếp hạng bộ không có DVC"].iter_rows(min_row=3, values_only=True)]
    with_services = list(workbook["Giá trị bộ có DVC"].iter_rows(min_row=3, values_only=True))
    without = list(workbook["Giá trị bộ không có DVC"].iter_rows(min_row=3, values_only=True))
    assert ranks == list(range(1, 10))
    assert (len(with_services), with_services[-1][1:3]) == (18, ("Trung bình", 0.4595))
    assert (len(without), without[-1][1:3]) == (10, ("Trung bình", 0.2151))
