"""The national DTI: what `make setup` publishes from seed 002 (DTI quốc gia 2021 = 0,6110, 2020 = 0,4858, 15 of
24 indices above 0,5, the groups' printed averages), its page, the home page's block and the rankings API; and the
path for a national framework with indices whose values the authority publishes."""

from __future__ import annotations

import datetime
import re
import shlex
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from pytest_django import DjangoAssertNumQueries
from rest_framework.test import APIClient

from accounts.models import Organisation, User
from common.errors import Rejected
from indicators.framework.parse import AggregateData, FrameworkData, NodeData
from indicators.services import import_framework
from rankings.models import PrintedFigure, Publication, PublishedResult
from rankings.services import import_national_figures, import_results

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
NATIONAL = "/results/2021/national/"
NATIONAL_API = "/api/v1/rankings/?year=2021&level=national"


def setup_commands() -> list[list[str]]:
    """The `manage.py` lines of the Makefile's `setup` target, as arguments: but `migrate` (the test database is
    migrated) and `demo_data` (demo accounts and trial campaigns, which publish nothing)."""
    recipe = ROOT.joinpath("Makefile").read_text(encoding="utf-8").split("\nsetup:", 1)[1].split("\n\n", 1)[0]
    commands = [shlex.split(line.split("manage.py", 1)[1]) for line in recipe.splitlines() if "manage.py" in line]
    return [arguments for arguments in commands if arguments[0] not in ("migrate", "demo_data")]


@pytest.fixture
def set_up(db: None) -> None:
    """What `make setup` publishes, run twice as `make setup` may be."""
    for _run in range(2):
        for arguments in setup_commands():
            call_command(*arguments)


@pytest.fixture
def set_up_reference(db: None) -> None:
    call_command("load_reference_data")


def national_values() -> dict[int, Decimal | None]:
    rows = PublishedResult.objects.filter(publication__campaign__level="national", index="dti")
    return {row.publication.campaign.year: row.value for row in rows.select_related("publication__campaign")}


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_make_setup_runs_the_national_figures_command_on_the_fixture() -> None:
    assert ["import_national_figures", "fixtures/results/dti-national.csv", "--published-on", "08/08/2022"] in (
        setup_commands()
    )


def test_make_setup_publishes_dti_quoc_gia_2021_and_2020_once_as_seed_002_prints_them(set_up: None) -> None:
    assert national_values() == {2020: Decimal("0.4858"), 2021: Decimal("0.6110")}
    national = Publication.objects.filter(campaign__level="national").select_related("campaign__framework")
    assert sorted((p.campaign.year, p.version, p.campaign.framework.code) for p in national) == [
        (2020, 1, "dti-2020-national"),
        (2021, 1, "dti-2022-national"),
    ]
    country = PublishedResult.objects.get(publication__campaign__year=2021, publication__campaign__level="national")
    assert (country.organisation.code, country.group, country.rank, country.computed_value, country.score) == (
        "VN", "national", None, None, None,
    )  # fmt: skip
    printed = PrintedFigure.objects.filter(publication__campaign__year=2021)
    assert sorted((figure.kind, figure.group, figure.value) for figure in printed) == [
        ("group_average", "no_public_services", Decimal("0.2151")),
        ("group_average", "province", Decimal("0.4014")),
        ("group_average", "public_services", Decimal("0.4595")),
        ("indices", "", Decimal(24)),
        ("indices_above_half", "", Decimal(15)),
    ]
    assert national.get(campaign__year=2021).source_note == (
        "Báo cáo DTI 2021 (Bộ Thông tin và Truyền thông), Tổng quan về kết quả DTI 2021, mục II «Điểm nổi bật của kết "
        "quả đánh giá DTI 2021» (từ tr. 15), ý (2)"
    )


def test_the_national_page_shows_the_value_its_change_and_the_printed_figures_with_their_sources(
    client: Client, set_up: None
) -> None:
    response = client.get(NATIONAL)

    assert response.status_code == 200
    page = text_of(response.content.decode())
    assert "DTI quốc gia 2021 0,6110" in page
    assert "So với năm 2020 (0,4858) +0,1252 (+25,8 %)" in page
    assert "Chỉ số có giá trị trên 0,5 15/24 (62,5 %)" in page
    assert "Số chỉ số có giá trị trên 0,5 (15): Báo cáo DTI 2021 (Bộ Thông tin và Truyền thông)" in page
    # Seed 002 names no national index: the page says so and lists none.
    assert "chưa có trong cổng" in page
    assert 'id="national-indices"' not in response.content.decode()


def test_the_national_page_shows_the_national_value_over_the_years_beside_the_printed_averages(
    client: Client, set_up: None
) -> None:
    html = client.get("/results/2020/national/").content.decode()

    table = text_of(html.split('id="national-years"', 1)[1].split("</table>", 1)[0])
    assert table.endswith(
        "2020 0,4858 0,3026 (nguồn) 0,3982 (nguồn) 0,2342 (nguồn) 2021 0,6110 0,4014 (nguồn) 0,4595 (nguồn) "
        "0,2151 (nguồn)"
    )
    assert '<canvas data-chart="national-chart" data-kind="lines"' in html
    assert '"values": [0.4858, 0.611]' in html


def test_the_rankings_api_serves_the_country_as_the_national_row(set_up: None) -> None:
    api = APIClient()

    body = api.get(NATIONAL_API).json()
    earlier = api.get("/api/v1/rankings/?year=2020&level=national").json()
    csv = api.get(f"{NATIONAL_API}&format=csv").content.decode()

    assert (body["year"], body["level"], body["index"], body["coverage"]) == (2021, "national", "dti",
                                                                              {"units": 1, "of": 1})  # fmt: skip
    assert body["results"] == [{
        "organisation_code": "VN", "organisation_name": "Việt Nam", "group": "national", "region": None, "value": 0.611,
        "computed_value": None, "rank": None, "score": None, "max_points": None, "rank_change": None,
        "value_change": 0.1252, "previous_derived": False,
    }]  # fmt: skip
    assert [row["value"] for row in earlier["results"]] == [0.4858]
    assert csv.splitlines()[1] == "VN,Việt Nam,national,0.611,,,,,,0.1252,False"


def test_the_home_page_shows_the_national_value_over_the_years_and_links_to_its_page(
    client: Client, set_up: None
) -> None:
    html = client.get("/").content.decode()

    block = html.split('id="national-summary"', 1)[1].split("</section>", 1)[0]
    assert text_of(block.split('id="home-national-years"', 1)[1].split("</table>", 1)[0]).endswith(
        "2021 0,6110 0,4014 (nguồn) 0,4595 (nguồn) 0,2151 (nguồn)"
    )
    assert '<span class="stat-value" id="home-national-value">0,6110</span>' in block
    assert 'href="/results/2021/national/" id="home-national-link"' in block
    # Beside the other result pages of the year, and in no ranking block of its own.
    assert html.count('<a href="/results/2021/national/">DTI quốc gia</a>') == 2
    assert 'id="level-national"' not in html


def test_the_ranking_page_links_to_its_years_national_dti(client: Client, set_up: None) -> None:
    html = client.get("/results/2021/province/").content.decode()

    assert '<a href="/results/2021/national/" id="national-link">DTI quốc gia 2021</a>' in html


def test_a_year_without_a_national_result_has_no_national_page_and_the_country_no_profile(
    client: Client, set_up: None
) -> None:
    assert client.get("/results/2022/national/").status_code == 404
    assert client.get("/results/units/VN/").status_code == 404
    assert client.get("/results/2021/national/?version=2").status_code == 404


def test_the_national_page_is_built_once_and_a_correction_replaces_it(
    client: Client, set_up: None, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    first = client.get(NATIONAL)
    with django_assert_num_queries(0):
        again = client.get(NATIONAL)

    call_command("import_national_figures", str(ROOT / "fixtures" / "results" / "dti-national.csv"),
                 "--revision-note", "Đính chính nguồn số liệu.")  # fmt: skip
    corrected = client.get(NATIONAL).content.decode()

    assert again.content == first.content
    assert "phiên bản 2" in corrected
    assert "Đính chính: Đính chính nguồn số liệu." in text_of(corrected)
    assert national_values() == {2020: Decimal("0.4858"), 2021: Decimal("0.6110")}


@pytest.mark.parametrize(
    ("rows", "problem"),
    [
        ('2021,dti,,"0,6110",\n', "Dòng 2: thiếu nguồn của số liệu (văn bản, mục, trang)."),
        ('2021,dti,,"1,5",Báo cáo\n', "Dòng 2: giá trị phải là số từ 0 đến 1; nhận được “1,5”."),
        (
            '2021,dti,,"0,6",Báo cáo\n2021,group_average,,"0,4",Báo cáo\n',
            "Dòng 3: giá trị trung bình cần nhóm (province, public_services, no_public_services); nhận được “”.",
        ),
        ("2021,indices,,24,Báo cáo\n", "Năm 2021: thiếu giá trị DTI quốc gia (dòng “dti”)."),
        (
            '2021,dti,,"0,6",Báo cáo\n2021,indices,,24,Báo cáo\n2021,indices_above_half,,25,Báo cáo\n',
            "Năm 2021: số chỉ số trên 0,5 (25) lớn hơn số chỉ số (24).",
        ),
        (
            '2021,dti,,"0,6",Báo cáo\n2021,indices,,"2,5",Báo cáo\n',
            "Dòng 3: số chỉ số phải là số nguyên không âm; nhận được “2,5”.",
        ),
        (
            "2021,rank,,1,Báo cáo\n",
            "Dòng 2: “rank” không phải số liệu nhận được (dti, group_average, indices, indices_above_half).",
        ),
    ],
)
def test_a_national_figures_table_with_a_bad_row_is_refused_whole_naming_the_row(
    set_up_reference: None, rows: str, problem: str
) -> None:
    content = f"year,figure,group,value,source\n{rows}".encode()

    with pytest.raises(Rejected) as refused:
        import_national_figures(content=content, filename="quoc-gia.csv", published_on=datetime.date(2022, 8, 8))

    assert problem in refused.value.problems
    assert not Publication.objects.exists()


def test_the_command_says_what_it_refuses_and_saves_nothing(set_up_reference: None, tmp_path: Path) -> None:
    table = tmp_path / "quoc-gia.csv"
    table.write_text('year,figure,group,value,source\n2021,dti,,"0,6110",Báo cáo\n', encoding="utf-8")

    with pytest.raises(CommandError, match="Cần ngày công bố của bảng"):
        call_command("import_national_figures", str(table))

    assert not Publication.objects.exists()


# --- A national framework with indices, its values published by the authority --------------------------------


def national_framework() -> FrameworkData:
    """Three national indices of 400, 300 and 300 points, measured by the authority; not shipped data."""

    def index(key: str, name: str, points: str) -> NodeData:
        return NodeData(key=key, code=key, parent=None, kind="main", name=name, max_points=Decimal(points),
                        source="monitored", rule="manual")  # fmt: skip

    return FrameworkData(
        code="quoc-gia-thu-nghiem", level="national", name="Bộ chỉ số quốc gia thử nghiệm",
        decision_number="2/QĐ-TN", decision_date=datetime.date(2024, 2, 1), first_year=2024, last_year=None,
        max_points=Decimal(1000),
        nodes=[index("Q1", "Chỉ số thử nghiệm một", "400"), index("Q2", "Chỉ số thử nghiệm hai", "300"),
               index("Q3", "Chỉ số thử nghiệm ba", "300")],
        aggregates=[AggregateData(code="DTI", name="Chỉ số DTI", main_indices=["Q1", "Q2", "Q3"])],
    )  # fmt: skip


@pytest.fixture
def national_2024(small_years: None, administrator: User) -> None:
    """The country, a three-index national framework, and its 2024 values as the authority measured them."""
    Organisation.objects.create(code="VN", level="national", name="Việt Nam", short_name="Việt Nam", group="national")
    import_framework(data=national_framework())
    import_results(content=b"organisation,Q1,Q2,Q3\nVN,\"0,8\",\"0,45\",\"0,6\"\n", filename="quoc-gia.csv",
                   year=2024, level="national", by=administrator, published_on=datetime.date(2025, 3, 1),
                   source="Số liệu đo của cơ quan đánh giá")  # fmt: skip


def test_a_national_framework_with_indices_shows_every_national_index_with_its_value(
    client: Client, national_2024: None
) -> None:
    html = client.get("/results/2024/national/").content.decode()

    rows = html.split('id="national-indices"', 1)[1].split("</table>", 1)[0].split("<tr")[2:]
    assert [text_of("<tr" + row) for row in rows] == [
        "Q1. Chỉ số thử nghiệm một 0,8000 320,00/400 —",
        "Q2. Chỉ số thử nghiệm hai 0,4500 135,00/300 —",
        "Q3. Chỉ số thử nghiệm ba 0,6000 180,00/300 —",
    ]
    page = text_of(html)
    # 0,8 × 400 + 0,45 × 300 + 0,6 × 300 = 635 of 1000; two of three indices above 0,5, as computed.
    assert "DTI quốc gia 2024 0,6350" in page
    assert "Chỉ số có giá trị trên 0,5 (tính) 2/3 (66,7 %)" in page
    assert "DTI quốc gia 2024: Số liệu đo của cơ quan đánh giá" in page
    assert "chưa có trong cổng" not in page


def test_the_api_serves_each_national_index_and_never_ranks_the_country(national_2024: None) -> None:
    api = APIClient()

    dti = api.get("/api/v1/rankings/?year=2024&level=national").json()["results"]
    second = api.get("/api/v1/rankings/?year=2024&level=national&index=Q2").json()["results"]

    assert [(row["organisation_code"], row["value"], row["computed_value"], row["rank"]) for row in dti] == [
        ("VN", 0.635, 0.635, None)
    ]
    assert [(row["value"], row["score"], row["max_points"], row["rank"]) for row in second] == [
        (0.45, 135.0, 300.0, None)
    ]


def test_where_the_source_prints_no_average_the_page_computes_it_from_the_published_table(
    client: Client, national_2024: None
) -> None:
    html = client.get("/results/2024/national/").content.decode()

    table = text_of(html.split('id="national-years"', 1)[1].split("</table>", 1)[0])
    # 2024: Đà Nẵng 0,68, Quảng Nam 0,52, Huế 0,5 → 0,5667; Bộ Tài chính 0,6. 2025: no national result.
    assert table.endswith("2024 0,6350 0,5667 (tính) 0,6000 (tính) 2025 — 0,6100 (tính) —")
