"""The choropleth maps: the vendored shapes are the units of each year, the colour classes and names follow
the values shown, the map is on the provincial pages only, it is part of the cached page, and the
rankings API serves the same shapes as GeoJSON."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from itertools import pairwise

import pytest
from django.core.management import call_command
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import Organisation, User
from rankings.maps import GEOMETRY, Figure, bin_of, bins_for, describe, layer_for
from rankings.services import import_results

pytestmark = pytest.mark.django_db

Ring = list[list[float]]


def inside(point: tuple[float, float] | list[float], geometry: dict[str, list[list[Ring]]]) -> bool:
    """Whether a point (longitude, latitude) is inside a MultiPolygon: an odd number of its rings' edges
    cross the ray from it eastwards (holes included)."""
    x, y = point
    crossings = 0
    for polygon in geometry["coordinates"]:
        for ring in polygon:
            for (x1, y1), (x2, y2) in pairwise(ring):
                if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
                    crossings += 1
    return crossings % 2 == 1


def label_point(year: int, code: str) -> list[float]:
    """Where the vendored file places the unit's label, in longitude and latitude."""
    data = json.loads((GEOMETRY / ("vn-34.geojson" if year >= 2025 else "vn-63.geojson")).read_text(encoding="utf-8"))
    return next(f["properties"]["label"] for f in data["features"] if f["properties"]["organisation_code"] == code)


@pytest.fixture
def reference(db: None) -> None:
    call_command("load_reference_data")


@pytest.mark.parametrize(("year", "count"), [(2021, 63), (2024, 63), (2025, 34), (2026, 34)])
def test_the_map_of_a_year_has_one_shape_for_each_provincial_unit_of_that_year(
    reference: None, year: int, count: int
) -> None:
    layer = layer_for(year)
    assert layer is not None

    codes = [shape.code for shape in layer.shapes]
    valid = Organisation.objects.of_level(Organisation.Level.PROVINCE).valid_in(year)

    assert len(codes) == count
    assert sorted(codes) == sorted(valid.values_list("code", flat=True))


@pytest.mark.parametrize("year", [2021, 2025])
def test_each_units_label_point_lies_in_its_own_shape_and_in_no_other(year: int) -> None:
    layer = layer_for(year)
    assert layer is not None

    for shape in layer.shapes:
        at = label_point(year, shape.code)
        holders = [other.code for other in layer.shapes if inside(at, other.geometry)]
        assert holders == [shape.code]


def test_a_merged_unit_of_2025_covers_each_of_its_predecessors(reference: None) -> None:
    layer = layer_for(2025)
    assert layer is not None
    merged = Organisation.objects.filter(valid_from=2025, level=Organisation.Level.PROVINCE)

    assert merged.count() == 23
    for unit in merged:
        shape = layer.shape(unit.code)
        assert shape is not None
        for predecessor in unit.predecessors.all():
            assert inside(label_point(2021, predecessor.code), shape.geometry), (unit.code, predecessor.code)


def test_the_colour_classes_are_five_equal_round_steps_over_the_values() -> None:
    bins = bins_for([Decimal("0.2489"), Decimal("0.5064"), Decimal("0.6419")])

    assert [(item.low, item.high) for item in bins] == [
        (Decimal("0.24"), Decimal("0.33")),
        (Decimal("0.33"), Decimal("0.42")),
        (Decimal("0.42"), Decimal("0.51")),
        (Decimal("0.51"), Decimal("0.60")),
        (Decimal("0.60"), Decimal("0.69")),
    ]
    assert [item.label for item in bins] == ["0,24–0,33", "0,33–0,42", "0,42–0,51", "0,51–0,60", "0,60–0,69"]
    assert [getattr(bin_of(bins, Decimal(v)), "number", None) for v in ("0.24", "0.33", "0.5099", "0.69")] == [
        0,
        1,
        2,
        4,
    ]
    assert bin_of(bins, None) is None
    assert bin_of(bins, Decimal("0.70")) is None


def test_one_value_for_every_unit_still_makes_a_scale_with_one_class_holding_it() -> None:
    bins = bins_for([Decimal("0.5"), Decimal("0.5")])

    assert [item.label for item in bins] == ["0,50–0,51", "0,51–0,52", "0,52–0,53", "0,53–0,54", "0,54–0,55"]
    assert getattr(bin_of(bins, Decimal("0.5")), "number", None) == 0


def test_a_units_name_on_the_map_says_its_value_and_rank_or_that_it_has_none() -> None:
    assert describe(Figure("48", "TP. Đà Nẵng", Decimal("0.64194"), 1), 4) == "TP. Đà Nẵng: giá trị 0,6419, hạng 1"
    assert describe(Figure("46", "Huế", Decimal("0.5"), None), 4) == "Huế: giá trị 0,5000, không xếp hạng"
    assert describe(Figure("46", "Huế", None, None), 4) == "Huế: không có giá trị"


def units(page: str) -> dict[str, str]:
    """Each unit on the page's map: its code and the link's whole start tag."""
    return {code: tag for tag, code in re.findall(r'(<a class="map-unit"[^>]*data-organisation-code="([^"]+)"[^>]*>)',
                                                  page)}  # fmt: skip


def fill(page: str, code: str) -> str:
    found = re.search(rf'data-organisation-code="{re.escape(code)}"[^>]*><path class="([^"]+)"', page)
    assert found is not None
    return found.group(1)


def test_the_ranking_page_maps_the_63_provinces_coloured_by_class(client: Client, published_2021: None) -> None:
    page = client.get("/results/2021/province/").content.decode()

    assert page.count("data-organisation-code=") == 63
    assert len(units(page)) == 63
    assert 'aria-label="TP. Đà Nẵng: giá trị 0,6419, hạng 1"' in units(page)["48"]
    assert 'href="/results/units/48/?year=2021"' in units(page)["48"]
    # The classes are 0,24–0,33 … 0,60–0,69: the lowest, Bạc Liêu (0,2489), in the first; Ninh Bình
    # (0,5064) just under 0,51, Lạng Sơn (0,5242) just over; Đà Nẵng (0,6419), the highest, in the last.
    assert [fill(page, code) for code in ("95", "37", "20", "48")] == [
        "map-bin-0",
        "map-bin-2",
        "map-bin-3",
        "map-bin-4",
    ]
    legend = page.split('class="map-legend"')[1].split("</ul>")[0]
    assert re.findall(r"</span>([^<]+)</li>", legend) == ["0,24–0,33", "0,33–0,42", "0,42–0,51", "0,51–0,60",
                                                          "0,60–0,69"]  # fmt: skip


def test_the_ranking_pages_map_follows_the_index_shown(client: Client, published_2021: None) -> None:
    page = client.get("/results/2021/province/?index=3").content.decode()

    assert "Bản đồ 3. Hạ tầng số 2021" in page
    assert 'aria-label="TP. Đà Nẵng: giá trị 0,7157, hạng 3"' in units(page)["48"]


def test_a_ministrys_table_and_profile_have_no_map(client: Client, published_2021: None) -> None:
    ranking = client.get("/results/2021/ministry/").content.decode()
    profile = client.get("/results/units/BTC/").content.decode()

    assert "data-organisation-code" not in ranking
    assert "data-organisation-code" not in profile
    assert 'class="ranking-table"' in ranking


def test_the_home_page_maps_the_latest_provincial_year_only(client: Client, published_2021: None) -> None:
    page = client.get("/").content.decode()

    assert page.count("data-organisation-code=") == 63
    assert page.count('class="map-figure"') == 1
    assert "Bản đồ DTI 2021" in page


def test_a_profile_highlights_its_unit_on_the_map(client: Client, published_2021: None) -> None:
    page = client.get("/results/units/46/").content.decode()

    current = [code for code, tag in units(page).items() if 'aria-current="page"' in tag]
    assert current == ["46"]
    assert len(units(page)) == 63
    assert page.count('class="current">Thừa Thiên - Huế</text>') == 1  # labelled, even where a name would not fit


def test_a_2025_map_has_34_units_and_hatches_those_without_results(client: Client, small_years: None) -> None:
    page = client.get("/results/2025/province/").content.decode()

    assert page.count("data-organisation-code=") == 34
    assert sorted(units(page)) == ["46", "48-2025"]
    assert page.count('class="map-missing"') == 32
    assert 'data-organisation-code="22" role="img" aria-label="Quảng Ninh: không có kết quả"' in page


def test_a_correction_shows_on_the_cached_map(client: Client, small_years: None, administrator: User) -> None:
    before = units(client.get("/results/2025/province/").content.decode())["46"]
    import_results(content=b"organisation,1,2\n48-2025,0.7,0.7\n46,0.9,0.9\n", filename="kq.csv", year=2025,
                   level="province", framework_code="thu-nghiem", by=administrator,
                   revision_note="Sửa giá trị của Huế.")  # fmt: skip
    after = units(client.get("/results/2025/province/").content.decode())["46"]

    assert 'aria-label="Huế: giá trị 0,5200, hạng 2"' in before
    assert 'aria-label="Huế: giá trị 0,9000, hạng 1"' in after


def test_the_rankings_api_answers_a_provincial_table_as_geojson(published_2021: None) -> None:
    response = APIClient().get("/api/v1/rankings/?year=2021&level=province&format=geojson")
    body = response.json()

    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    assert body["type"] == "FeatureCollection"
    assert (body["year"], body["level"], body["index"], body["version"]) == (2021, "province", "dti", 1)
    assert len(body["features"]) == 63
    first = body["features"][0]
    assert first["type"] == "Feature"
    assert first["properties"] == {"organisation_code": "48", "organisation_name": "TP. Đà Nẵng", "value": 0.6419,
                                   "rank": 1}  # fmt: skip
    assert first["geometry"]["type"] == "MultiPolygon"
    assert inside(label_point(2021, "48"), first["geometry"])


def test_the_geojson_of_2025_has_the_merged_units_shapes(small_years: None) -> None:
    body = APIClient().get("/api/v1/rankings/?year=2025&level=province&format=geojson").json()

    assert [feature["properties"]["organisation_code"] for feature in body["features"]] == ["48-2025", "46"]
    danang = body["features"][0]["geometry"]
    # The merged Đà Nẵng holds the former Quảng Nam.
    assert inside(label_point(2021, "49"), danang)


def test_a_ministrys_table_has_no_geojson(published_2021: None) -> None:
    response = APIClient().get("/api/v1/rankings/?year=2021&level=ministry&format=geojson")

    assert response.status_code == 400
    assert response.json() == {"format": "Chỉ bảng xếp hạng cấp tỉnh có bản đồ: bộ, ngành không phải là địa danh."}


def test_the_geojson_is_kept_with_its_etag_like_every_public_answer(small_years: None) -> None:
    url = "/api/v1/rankings/?year=2025&level=province&format=geojson"
    first = APIClient().get(url)
    again = APIClient().get(url, HTTP_IF_NONE_MATCH=first["ETag"])

    assert first.status_code == 200
    assert again.status_code == 304
