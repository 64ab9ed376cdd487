"""The data explorer (`/results/explore/`): a selection read from its URL (units one by one, a peer group, a
region, years), its table against the published figures, merged units continuing their predecessors'
line, the CSV, the Excel file and the API giving the table's rows, refusals next to their field, and
few queries cold and none warm."""

from __future__ import annotations

import csv
import datetime
import io
import json
import re
from decimal import Decimal

import pytest
from django.http import QueryDict
from django.test import Client
from openpyxl import load_workbook
from pytest_django import DjangoAssertNumQueries

from accounts.models import User
from rankings.explore import Selection, explore
from rankings.forms import explore_form
from rankings.models import Publication
from rankings.services import import_results
from tests.factories import REGION
from tests.rankings.conftest import RESULTS
from tests.rankings.test_trial_publication import signed_in, trial_2026  # noqa: F401

pytestmark = pytest.mark.django_db

PAGE = "/results/explore/"
API = "/api/v1/rankings/explore/"
# Every main index of the 2020 province framework.
MAINS_2020 = ["CQS/1", "CQS/5", "CQS/6", "CQS/7", "CQS/8", "CQS/9", "KTS/1", "KTS/2", "KTS/3", "KTS/4", "KTS/5",
              "KTS/9", "XHS/1", "XHS/2", "XHS/3", "XHS/4", "XHS/5", "XHS/6", "XHS/7", "XHS/8", "XHS/9"]  # fmt: skip


def publish_2020_sample() -> None:
    """A partial 2020 province table on the 2020 framework: every main index of Đà Nẵng 0,55, of Huế 0,5
    and of TP. Hồ Chí Minh 0,45, so that each unit's DTI and pillars are that value."""
    lines = "".join(f"{code},{','.join([value] * len(MAINS_2020))}\n"
                    for code, value in [("48", "0.55"), ("46", "0.5"), ("79", "0.45")])  # fmt: skip
    import_results(content=f"organisation,{','.join(MAINS_2020)}\n{lines}".encode(), filename="kq-2020.csv",
                   year=2020, level="province", published_on=datetime.date(2021, 6, 1), partial=True)  # fmt: skip


@pytest.fixture
def published_2020_2021(published_2021: None) -> None:
    """DTI 2021 as `make setup` publishes it, and the 2020 sample before it."""
    publish_2020_sample()


def published_2021_figure(name: str) -> tuple[str, str]:
    """A province's DTI and rank as the 2021 table of the report prints them."""
    with (RESULTS / "dti-2021-province.csv").open(encoding="utf-8") as table:
        row = next(row for row in csv.DictReader(table) if row["organisation"] == name)
    return row["published_value"], row["published_rank"]


def selection_of(query: str) -> Selection:
    form = explore_form(QueryDict(query))
    assert form.is_valid(), form.errors
    return form.selection()


def codes(query: str) -> list[str]:
    return [unit.code for unit, _points in explore(selection_of(query)).units]


def table_of(page: str) -> list[tuple[str, int, str, str]]:
    """(code, year, value, rank) of each filled cell of the explorer's table, as the page shows them."""
    table = page.split('id="explore-table"')[1].split("</table>")[0]
    cells = []
    for code, row in re.findall(r'<tr data-code="([^"]+)">(.*?)</tr>', table, re.S):
        for year, value, rank in re.findall(
            r'<td class="number" data-year="(\d+)"><span class="value">([^<]+)</span>.*?'
            r'<span class="rank muted">\(([^)]+)\)</span></td>',
            row,
            re.S,
        ):
            cells.append((code, int(year), value, rank))
    return cells


def as_shown(value: object, rank: object) -> tuple[str, str]:
    """A download's or the API's value and rank as the table shows them: 0,6419 and (1) or (—)."""
    return f"{Decimal(str(value)):.4f}".replace(".", ","), str(rank) if rank not in (None, "") else "—"


def test_no_unit_group_or_region_named_is_every_unit_published_in_the_years_chosen(small_years: None) -> None:
    # Highest value first in the bar chart's year, the latest chosen.
    assert codes("years=2024") == ["48", "49", "46"]
    assert codes("years=2025") == ["48-2025", "46"]
    assert codes("") == ["48-2025", "46", "49", "48"]  # 2025's values first; those without one after, by name


def test_units_named_one_by_one_are_kept_without_repetition_in_the_order_of_their_values(small_years: None) -> None:
    selection = selection_of("units=46&units=48&units=46&years=2024")

    assert selection.units == ("46", "48")
    assert codes("units=46&units=48&units=46&years=2024") == ["48", "46"]


def test_a_group_or_a_region_adds_all_its_units_published_those_years_to_those_named(small_years: None) -> None:
    assert codes("group=province&years=2025") == ["48-2025", "46"]
    assert codes(f"region={REGION}&years=2024") == ["48", "49", "46"]
    # Quảng Nam has no 2025 figure: named, it is shown all the same, after the units with one.
    assert codes(f"region={REGION}&years=2025&units=49") == ["48-2025", "46", "49"]
    assert codes("level=ministry&group=public_services") == ["BTC"]


def test_the_years_default_to_every_published_year_and_the_bar_chart_to_the_latest_chosen(small_years: None) -> None:
    every = explore(selection_of("units=46"))
    one = explore(selection_of("units=46&years=2024"))
    chosen = explore(selection_of("units=46&years=2024&years=2025&year=2024"))

    assert (every.years, every.bar_year) == ([2024, 2025], 2025)
    assert (one.years, one.bar_year) == ([2024], 2024)
    assert (chosen.years, chosen.bar_year) == ([2024, 2025], 2024)


def test_the_selection_names_itself_in_a_fixed_order_for_the_page_the_downloads_and_the_api(
    small_years: None,
) -> None:
    selection = selection_of(f"years=2025&units=48-2025&region={REGION}&units=46&years=2024&year=2024")

    assert selection.parameters() == [
        ("level", "province"), ("index", "dti"), ("units", "48-2025"), ("units", "46"), ("region", REGION),
        ("years", "2024"), ("years", "2025"), ("year", "2024"),
    ]  # fmt: skip
    assert ("year", "2024") not in selection.parameters(bar_year=False)


def test_each_selection_has_one_address_to_which_other_spellings_of_it_are_sent(
    client: Client, small_years: None
) -> None:
    answer = client.get(f"{PAGE}?units=46&region=&years=2025&units=48-2025&index=dti&group=&year=")

    assert (answer.status_code, answer["Location"]) == (
        302,
        f"{PAGE}?level=province&index=dti&units=46&units=48-2025&years=2025",
    )
    assert client.get(answer["Location"]).status_code == 200
    assert client.get(PAGE).status_code == 200  # no selection: the form, every unit of every year


def test_the_table_gives_da_nangs_and_hues_dti_and_ranks_as_the_2021_report_prints_them(
    client: Client, published_2021: None
) -> None:
    page = client.get(f"{PAGE}?level=province&index=dti&units=48&units=46&years=2021").content.decode()

    assert table_of(page) == [
        ("48", 2021, *published_2021_figure("TP. Đà Nẵng")),
        ("46", 2021, *published_2021_figure("Thừa Thiên - Huế")),
    ]
    assert table_of(page)[0][2:] == ("0,6419", "1")
    assert "<title>Khám phá dữ liệu — DTI, cấp tỉnh · DTI</title>" in page


def test_a_merged_unit_continues_its_predecessors_line_marked_derived_and_without_a_rank(
    client: Client, small_years: None
) -> None:
    page = client.get(f"{PAGE}?level=province&index=dti&units=48-2025").content.decode()

    row = page.split('<tr data-code="48-2025">')[1].split("</tr>")[0]
    # 2024: the mean of Đà Nẵng's and Quảng Nam's main indices (0,6 and 0,6), aggregated: 0,6.
    assert '<td class="number" data-year="2024"><span class="value">0,6000</span> <abbr' in row
    assert '<span class="rank muted">(—)</span>' in row.split('data-year="2025"')[0]
    assert '<td class="number" data-year="2025"><span class="value">0,7000</span> <span class="rank muted">(1)' in row
    chart = json.loads(page.split('<script id="explore-data" type="application/json">')[1].split("</script>")[0])
    assert chart["series"] == [{"label": "Đà Nẵng", "code": "48-2025", "values": [0.6, 0.7], "derived": [True, False]}]
    assert "trung bình giá trị các chỉ số chính của các đơn vị trước sáp nhập" in page


def test_a_merged_units_main_index_is_its_predecessors_mean_before_it_existed(small_years: None) -> None:
    explored = explore(selection_of("units=48-2025&index=2"))

    # Main index 2 in 2024: Đà Nẵng 0,5, Quảng Nam 0,7.
    assert [(row.year, row.value, row.rank, row.derived) for row in explored.rows()] == [
        (2024, Decimal("0.6000"), None, True),
        (2025, Decimal("0.7000"), 1, False),
    ]


def test_a_renamed_unit_keeps_one_row_and_each_years_name_in_the_downloads(client: Client, small_years: None) -> None:
    page = client.get(f"{PAGE}?level=province&index=dti&units=46").content.decode()
    rows = list(csv.DictReader(io.StringIO(client.get(f"{PAGE}?units=46&format=csv").content.decode("utf-8-sig"))))

    assert '<a href="/results/units/46/">Huế</a>' in page
    assert [(row["year"], row["organisation_name"]) for row in rows] == [("2024", "Thừa Thiên Huế"), ("2025", "Huế")]


def test_the_csv_and_the_excel_file_hold_exactly_the_rows_of_the_table(
    client: Client, published_2020_2021: None
) -> None:
    query = "level=province&index=dti&units=48&units=46&units=79&years=2020&years=2021"
    table = table_of(client.get(f"{PAGE}?{query}").content.decode())
    download = client.get(f"{PAGE}?{query}&format=csv")
    rows = list(csv.DictReader(io.StringIO(download.content.decode("utf-8-sig"))))
    sheet = load_workbook(io.BytesIO(client.get(f"{PAGE}?{query}&format=xlsx").content))["Dữ liệu"]
    cells = list(sheet.iter_rows(min_row=3, values_only=True))

    assert len(table) == 6
    assert download["Content-Disposition"] == 'attachment; filename="dti-kham-pha-province-dti.csv"'
    assert list(rows[0]) == ["organisation_code", "organisation_name", "group", "year", "value", "rank", "derived"]
    assert [(row["organisation_code"], int(row["year"]), *as_shown(row["value"], row["rank"])) for row in rows] == table
    assert [(code, year, *as_shown(value, rank)) for code, _name, _group, year, value, rank, _derived in cells] == table
    assert sheet["A1"].value == "DTI — cấp tỉnh — 2020, 2021"
    assert sheet["E3"].number_format == "0.0000"


def test_the_api_gives_the_rows_of_the_table_at_the_address_the_page_shows(
    client: Client, published_2020_2021: None
) -> None:
    query = "level=province&index=dti&units=48&units=46&years=2020&years=2021&year=2020"
    page = client.get(f"{PAGE}?{query}").content.decode()
    link = re.search(r'<a href="([^"]+)" id="explore-api"', page)
    assert link is not None
    address = link.group(1).replace("&amp;", "&")
    answer = client.get(address).json()

    assert address == f"{API}?level=province&index=dti&units=48&units=46&years=2020&years=2021"
    assert [(row["organisation_code"], row["year"], *as_shown(row["value"], row["rank"]))
            for row in answer["results"]] == table_of(page)  # fmt: skip
    assert answer["results"][0] == {"organisation_code": "48", "organisation_name": "TP. Đà Nẵng",
                                    "group": "province", "year": 2020, "value": 0.55, "rank": 1,
                                    "derived": False}  # fmt: skip
    assert (answer["level"], answer["index"], answer["index_label"], answer["years"]) == (
        "province", "dti", "DTI", [2020, 2021]
    )  # fmt: skip
    assert [(p["year"], p["coverage"]) for p in answer["publications"]] == [
        (2020, {"units": 3, "of": 63}), (2021, {"units": 63, "of": 63})
    ]  # fmt: skip


def test_the_api_speaks_csv_with_the_downloads_fields(client: Client, small_years: None) -> None:
    rows = list(csv.DictReader(io.StringIO(client.get(f"{API}?units=48-2025&format=csv").content.decode())))

    assert [(row["organisation_code"], row["year"], row["value"], row["rank"], row["derived"]) for row in rows] == [
        ("48-2025", "2024", "0.6", "", "True"),
        ("48-2025", "2025", "0.7", "1", "False"),
    ]


def test_an_index_published_in_some_years_only_says_which_and_a_partial_year_is_marked(
    client: Client, published_2020_2021: None
) -> None:
    page = client.get(f"{PAGE}?level=province&index=CQS%2F1&units=48").content.decode()

    assert '<option value="CQS">Chính quyền số</option>' in page  # both years: no years named
    assert '<option value="1">1. Nhận thức số (2021)</option>' in page
    assert '<option value="CQS/1" selected>Chính quyền số — 1. Chuyển đổi nhận thức (2020)</option>' in page
    assert table_of(page) == [("48", 2020, "0,5500", "1")]
    assert "2020: Công bố một phần (3/63 đơn vị)" in page


# A parameter naming nothing published, the field it is refused in, and the message.
REFUSALS = [
    ("units=48&units=zz", "units", "Không có đơn vị mã “zz” trong kết quả đã công bố cấp tỉnh, thành phố."),
    ("units=BTC", "units", "Không có đơn vị mã “BTC” trong kết quả đã công bố cấp tỉnh, thành phố."),
    ("index=7", "index", "Không có chỉ số “7” trong kết quả đã công bố cấp tỉnh, thành phố."),
    ("years=2019", "years", "Chưa công bố kết quả cấp tỉnh, thành phố năm “2019”."),
    ("years=hai", "years", "Chưa công bố kết quả cấp tỉnh, thành phố năm “hai”."),
    ("group=public_services", "group",
     "Không có nhóm xếp hạng “public_services” trong kết quả đã công bố cấp tỉnh, thành phố."),
    ("region=tay-nguyen", "region", "Không có vùng “tay-nguyen” trong kết quả đã công bố cấp tỉnh, thành phố."),
    ("level=ministry&region=" + REGION, "region", "Bộ, ngành không chia theo vùng."),
    ("level=national", "level", "Cấp phải là tỉnh, thành phố (province) hoặc bộ, ngành (ministry)."),
]  # fmt: skip


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [*REFUSALS, ("years=2024&year=2025", "year", "Năm của biểu đồ cột phải là một trong các năm đã chọn.")],
)
def test_a_parameter_naming_nothing_published_is_refused_next_to_its_field(
    client: Client, small_years: None, query: str, field: str, message: str
) -> None:
    page = client.get(f"{PAGE}?{query}")
    content = page.content.decode()

    assert page.status_code == 400
    assert f'<p class="field-error" id="x-{field}-error">{message}</p>' in content
    assert f'aria-describedby="x-{field}-error"' in content
    assert 'id="explore-table"' not in content


@pytest.mark.parametrize(("query", "field", "message"), REFUSALS)
def test_the_api_refuses_the_same_parameters_with_the_same_message_by_field(
    client: Client, small_years: None, query: str, field: str, message: str
) -> None:
    answer = client.get(f"{API}?{query}")

    assert (answer.status_code, answer.json()) == (400, {field: [message]})


def test_the_api_ignores_the_pages_bar_chart_year(client: Client, small_years: None) -> None:
    answer = client.get(f"{API}?years=2024&year=2025")

    assert answer.status_code == 200
    assert answer.json()["years"] == [2024]


def test_with_nothing_published_the_page_says_so_and_the_api_answers_404(client: Client, organisations: object) -> None:
    page = client.get(PAGE)
    answer = client.get(f"{API}?level=ministry")

    assert page.status_code == 200
    assert "Chưa có kết quả nào được công bố cấp tỉnh." in page.content.decode()
    assert (answer.status_code, answer.json()) == (404, {"detail": "Chưa công bố kết quả DTI nào cấp bộ, ngành."})


def test_the_public_navigation_links_to_the_explorer(client: Client, published_2021: None) -> None:
    home = client.get("/").content.decode()
    page = client.get(PAGE).content.decode()

    assert '<a href="/results/explore/">Khám phá dữ liệu</a>' in home
    assert '<a href="/results/explore/" aria-current="page">Khám phá dữ liệu</a>' in page
    assert page.count('aria-current="page"') == 1  # the explorer, not the results too


@pytest.mark.parametrize(
    ("url", "queries"),
    [
        (f"{PAGE}?level=province&index=dti&units=48&units=46", 6),
        (f"{API}?units=48&units=46", 6),
        (f"{PAGE}?units=48&format=csv", 6),
    ],
)
def test_the_page_the_api_and_the_downloads_read_six_queries_cold_and_none_warm(
    client: Client, published_2021: None, django_assert_num_queries: DjangoAssertNumQueries, url: str, queries: int
) -> None:
    with django_assert_num_queries(queries):
        first = client.get(url)
    with django_assert_num_queries(0):
        again = client.get(url)
        unchanged = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])

    assert (first.status_code, again.status_code, unchanged.status_code) == (200, 200, 304)
    assert again.content == first.content
    assert first["Cache-Control"] == "public, max-age=300"


def test_another_selection_of_a_level_and_index_already_read_reads_no_query(
    client: Client, published_2021: None, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    client.get(f"{PAGE}?level=province&index=dti&units=48")

    with django_assert_num_queries(0):
        region = client.get(f"{PAGE}?level=province&index=dti&region=dong-bang-song-hong&year=2021")
        api = client.get(f"{API}?units=01&units=79")

    assert (region.status_code, api.status_code) == (200, 200)
    assert [row["organisation_code"] for row in api.json()["results"]] == ["79", "01"]


def test_merged_units_lines_add_four_queries_whatever_the_years(
    client: Client, small_years: None, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    # The catalogue (five), the series (one), the merged units' predecessors, their frameworks' main
    # indices and aggregate, and their figures.
    with django_assert_num_queries(10):
        client.get(PAGE)


def test_a_new_version_of_a_year_shows_at_once(client: Client, small_years: None, administrator: User) -> None:
    before = table_of(client.get(f"{PAGE}?level=province&index=dti&units=48&years=2024").content.decode())
    import_results(content=b"organisation,1,2\n48,0.9,0.5\n49,0.4,0.7\n46,0.5,0.5\n", filename="kq.csv", year=2024,
                   level="province", framework_code="thu-nghiem", by=administrator,
                   revision_note="Đính chính chỉ số 1 của Đà Nẵng.")  # fmt: skip
    after = table_of(client.get(f"{PAGE}?level=province&index=dti&units=48&years=2024").content.decode())

    assert (before, after) == ([("48", 2024, "0,6800", "1")], [("48", 2024, "0,7400", "1")])


def test_a_signed_in_reader_explores_the_official_years_only_on_a_page_of_their_own(
    client: Client,
    signed_in: Client,  # noqa: F811
    trial_2026: Publication,  # noqa: F811
) -> None:
    url = f"{PAGE}?level=province&index=dti&units=48-2025"
    theirs = signed_in.get(url)
    public = client.get(url)

    assert [cell[1] for cell in table_of(theirs.content.decode())] == [2024, 2025]  # not the trial's 2026
    assert "Chạy thử" not in theirs.content.decode()
    assert theirs["Cache-Control"] == "private"
    assert public["Cache-Control"] == "public, max-age=300"
