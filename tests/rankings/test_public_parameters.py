"""Every public URL answers 4xx, never 500, on bad parameters: each public route (as the URL access test
classifies them) is driven with missing, unknown, malformed and mixed parameters, on published years."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient

from tests.security.test_url_access import PUBLIC, ROUTES

pytestmark = pytest.mark.django_db

PUBLIC_ROUTES = {route: url for route, (kind, url) in ROUTES.items() if kind == PUBLIC}

# The paths to try for a route with parameters in its path: published, unpublished and malformed values.
# Every other public route is tried at its sample URL from the URL access test.
YEARS_AND_LEVELS = ["2024/province", "2024/ministry", "2025/province", "2020/province", "2024/city",
                    "99999999999999999999/province", "0/ministry"]  # fmt: skip
UNITS = ["48", "48-2025", "BTC", "authority", "nope", "%00", "%C2%B2"]
FRAMEWORKS = ["thu-nghiem", "thu-nghiem-bo", "nope"]
# The results pages and API refuse a NUL character in a code before it reaches PostgreSQL, which would
# fail on it; the other apps' routes are tried without it (SQLite, the tests' database, accepts it anyway).
OTHER_UNITS = [code for code in UNITS if code != "%00"]
NATIONAL_YEARS = ["2024", "2021", "2020", "0", "99999999999999999999"]
PATHS: dict[str, list[str]] = {
    "results/<int:year>/national/": [f"/results/{year}/national/" for year in NATIONAL_YEARS],
    "results/<int:year>/<str:level>/": [f"/results/{part}/" for part in YEARS_AND_LEVELS],
    "results/<int:year>/<str:level>/methodology/": [f"/results/{part}/methodology/" for part in YEARS_AND_LEVELS],
    "results/<int:year>/<str:level>/report/": [f"/results/{part}/report/" for part in YEARS_AND_LEVELS],
    "results/<int:year>/<str:level>/preview.png": [f"/results/{part}/preview.png" for part in YEARS_AND_LEVELS],
    "results/units/<str:code>/": [f"/results/units/{code}/" for code in UNITS],
    "results/units/<str:code>/what-if/": [f"/results/units/{code}/what-if/" for code in UNITS],
    "api/v1/organisations/<str:code>/results/": [f"/api/v1/organisations/{code}/results/" for code in UNITS],
    "api/v1/organisations/<str:code>/what-if/": [f"/api/v1/organisations/{code}/what-if/" for code in UNITS],
    "frameworks/<slug:code>/": [f"/frameworks/{code}/" for code in FRAMEWORKS],
    "frameworks/<slug:code>/compare/": [f"/frameworks/{code}/compare/" for code in FRAMEWORKS],
    "api/v1/^frameworks/(?P<code>[^/.]+)/$": [f"/api/v1/frameworks/{code}/" for code in FRAMEWORKS],
    "api/v1/^frameworks\\.(?P<format>[a-z0-9]+)/?$": ["/api/v1/frameworks.json", "/api/v1/frameworks.xyz"],
    "api/v1/^frameworks/(?P<code>[^/.]+)\\.(?P<format>[a-z0-9]+)/?$": [
        *(f"/api/v1/frameworks/{code}.json" for code in FRAMEWORKS), "/api/v1/frameworks/thu-nghiem.xyz"],
    "api/v1/^organisations/(?P<code>[^/.]+)/$": [f"/api/v1/organisations/{code}/" for code in OTHER_UNITS],
    "api/v1/^organisations\\.(?P<format>[a-z0-9]+)/?$": ["/api/v1/organisations.json", "/api/v1/organisations.xyz"],
    "api/v1/^organisations/(?P<code>[^/.]+)\\.(?P<format>[a-z0-9]+)/?$": [
        *(f"/api/v1/organisations/{code}.json" for code in OTHER_UNITS), "/api/v1/organisations/48.xyz"],
}  # fmt: skip

QUERIES = [
    "",  # every parameter missing
    # years: published, unpublished, malformed ("²" is a digit to str.isdigit, not to int), out of range
    "year=2024", "year=2020", "year=", "year=abc", "year=%C2%B2", "year=-1", "year=99999999999999999999",
    # versions
    "version=1", "version=99", "version=0", "version=abc", "version=%C2%B2", "version=99999999999999999999",
    # levels, indices, groups, regions, searches, sorts, formats
    "level=province", "level=ministry", "level=city", "level=%00",
    "index=1", "index=nothing", "index=%00", "group=public_services", "group=nope", "group=%00",
    "region=nope", "region=%00", "q=%00", "q=" + "x" * 300, "sort=zzz", "download=1",
    "format=json", "format=csv", "format=xlsx", "format=pdf", "format=xyz",
    # units: mixed levels, unknown, malformed, repeated, too many, not published that year
    "unit=48&unit=BTC", "unit=48&unit=BTC&year=2024", "unit=BTC&level=province", "unit=nope", "unit=%00",
    "unit=authority", "unit=48&unit=48", "unit=48&unit=46&unit=49&unit=48-2025", "unit=48-2025&year=2024",
    # the explorer's lists: units, years and the bar chart's year
    "units=48&units=BTC", "units=%00", "units=48-2025&years=2024", "years=%C2%B2", "years=99999999999999999999",
    "years=2024&year=2025", "units=48&level=ministry", "region=nope&group=nope&index=nothing&years=abc",
    # several at once
    "year=2024&level=province&index=%00", "year=2024&level=province&group=%00", "year=2024&level=ministry&index=x",
    "year=2024&level=province&format=csv", "year=abc&level=city&index=%00&group=%00&format=xyz",
]  # fmt: skip


# The published results' routes read these parameters, and are tried with every query above; the other
# public routes read none of them (or their own), and are tried with one of each kind.
RESULTS_ROUTES = {"", "api/v1/rankings/", "api/v1/rankings/explore/", "api/v1/campaigns/",
                  "api/v1/organisations/<str:code>/results/", "api/v1/organisations/<str:code>/what-if/"}  # fmt: skip
# The what-if routes also read the changes asked for: known, unknown and malformed indices and values, a
# decimal comma, repeats, too many, a NUL character.
WHAT_IF_QUERIES = ["set=1:0.9", "set=1:0,9,2:1", "set=1:abc", "set=1:2", "set=1:-1", "set=1", "set=nope:1",
                   "set=1:1,1:0.5", "set=%00:1", "set=1:%00", "set=1:1e999999", "set=1:NaN", "set=:", "set=,,,",
                   "set=1:0.5&set=2:0.5", "set=" + ",".join(["1:1"] * 60), "set=1:0.9&year=2024&level=ministry",
                   "set=1:0.9&year=2020", "index=1&value=0,9", "index=1&value=abc&index=9&value=1",
                   "index=%00&value=%00", "index=1"]  # fmt: skip
FEW_QUERIES = ["", "year=%C2%B2", "version=99999999999999999999", "level=%00", "format=csv", "format=xyz",
               "unit=48&unit=BTC", "q=" + "x" * 300]  # fmt: skip


def server_errors(client: Client, route: str) -> list[tuple[str, int]]:
    sample = PUBLIC_ROUTES[route]
    paths = PATHS.get(route, [sample.split("?")[0]])
    queries = QUERIES if route in RESULTS_ROUTES or route.startswith("results/") else FEW_QUERIES
    if "what-if" in route:
        queries = [*queries, *WHAT_IF_QUERIES]
    found = []
    for path in paths:
        for query in queries:
            url = f"{path}?{query}" if query else path
            status = client.get(url).status_code
            if status >= 500:
                found.append((url, status))
        if route == "results/<int:year>/<str:level>/report/":  # the one public form: ask for the report
            for query in ["", "version=abc", "version=99999999999999999999", "version=%C2%B2"]:
                status = client.post(f"{path}?{query}").status_code
                if status >= 500:
                    found.append((f"POST {path}?{query}", status))
    return found


@pytest.mark.parametrize("route", sorted(PUBLIC_ROUTES))
def test_a_public_url_answers_bad_parameters_without_a_server_error(route: str, small_years: None) -> None:
    client = (
        APIClient(raise_request_exception=False) if route.startswith("api/") else Client(raise_request_exception=False)
    )

    assert server_errors(client, route) == []


def test_the_walk_tries_several_values_in_every_path_with_a_parameter_but_a_password_reset_link() -> None:
    with_parameters = {route for route in PUBLIC_ROUTES if "<" in route and not route.startswith("accounts/")}

    assert with_parameters == set(PATHS)


def test_a_province_and_a_ministry_cannot_be_compared(client: Client, small_years: None) -> None:
    response = client.get("/results/compare/?unit=48&unit=BTC&year=2024")

    assert response.status_code == 400
    assert (
        "Không so sánh được TP. Đà Nẵng, Bộ Tài chính: tỉnh, thành phố chỉ so sánh với tỉnh, thành phố; bộ, ngành "
        "với bộ, ngành (mỗi cấp có bộ chỉ số và bảng xếp hạng riêng)." in response.content.decode()
    )


def test_a_level_that_is_not_the_units_own_cannot_be_compared_either(client: Client, small_years: None) -> None:
    assert client.get("/results/compare/?unit=BTC&level=province").status_code == 400


@pytest.mark.parametrize(
    "url",
    ["/results/compare/?unit=48&year=2020", "/results/units/48/?year=2020", "/results/units/48/?year=abc",
     "/results/compare/?unit=48&year=abc", "/results/compare/?unit=nope", "/results/compare/?level=city"],
)  # fmt: skip
def test_an_unpublished_year_or_unknown_unit_is_not_found_rather_than_another(
    client: Client, small_years: None, url: str
) -> None:
    assert client.get(url).status_code == 404


def test_a_year_with_a_result_still_opens_by_its_year(client: Client, small_years: None) -> None:
    page = client.get("/results/units/48/?year=2024").content.decode()

    assert "<div><dt>DTI 2024</dt><dd>0,6800</dd></div>" in page


@pytest.mark.parametrize(
    "url",
    ["/results/2024/province/?version=%C2%B2", "/results/2024/province/?version=99999999999999999999",
     "/results/99999999999999999999/province/", "/results/2024/province/?group=nope",
     "/results/2024/province/methodology/?version=abc"],
)  # fmt: skip
def test_a_malformed_version_year_or_group_is_not_found(client: Client, small_years: None, url: str) -> None:
    assert Client(raise_request_exception=False).get(url).status_code == 404


@pytest.mark.parametrize(
    "url",
    ["/api/v1/rankings/?year=99999999999999999999&level=province", "/api/v1/rankings/?year=%C2%B2&level=province",
     "/api/v1/rankings/?year=2024&level=province&index=%00", "/api/v1/rankings/?year=2024&level=province&group=%00",
     "/api/v1/organisations/48/results/?year=99999999999999999999"],
)  # fmt: skip
def test_the_api_refuses_a_malformed_parameter_as_a_bad_request(small_years: None, url: str) -> None:
    assert APIClient(raise_request_exception=False).get(url).status_code == 400
