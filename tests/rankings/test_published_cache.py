"""The published pages and API answers come from the cache: built once per publication version, audience
and language, with few queries cold and none warm; the public's answers carry HTTP validators and may be
kept by a proxy, anyone else's are private; a new version, a deleted one or a trial never shows stale or
leaks."""

from __future__ import annotations

import re

import pytest
from django.contrib import messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import caches
from django.core.management import call_command
from django.http import HttpRequest, HttpResponse
from django.test import Client
from pytest_django import DjangoAssertNumQueries
from pytest_django.fixtures import Settings

from accounts.models import User
from rankings import caching
from rankings.models import Publication
from tests.rankings.conftest import RESULTS
from tests.rankings.test_trial_publication import TRIAL, signed_in, trial_2026  # noqa: F401

pytestmark = pytest.mark.django_db

RANKING = "/results/2021/province/"
RANKING_API = "/api/v1/rankings/?year=2021&level=province"
PROFILE = "/results/units/48/"
HOME = "/"
# 12:00 in Hà Nội on the day DTI 2021 was announced.
ANNOUNCED = "Mon, 08 Aug 2022 05:00:00 GMT"


def cold() -> None:
    caches["published"].clear()


# The ranking page and the profile read the DTI table's rank bands too: one query each. A page reads which
# preview images are built (its og:image), once per cache generation for every page: one query more, cold.
@pytest.mark.parametrize(("url", "queries"), [(RANKING, 5), (RANKING_API, 2)])
def test_the_ranking_page_and_api_read_at_most_five_queries_cold_and_none_warm(
    client: Client, published_2021: None, django_assert_num_queries: DjangoAssertNumQueries, url: str, queries: int
) -> None:
    cold()
    with django_assert_num_queries(queries):
        first = client.get(url)
    with django_assert_num_queries(0):
        again = client.get(url)

    assert (first.status_code, again.status_code) == (200, 200)
    assert again.content == first.content


# Of the profile's 10 queries, one is its map's (the year's DTI table, read once for every profile of
# that year), one its rank band's and one the preview images built (the home page's 3rd), once per cache
# generation.
@pytest.mark.parametrize(("url", "queries"), [(PROFILE, 10), (HOME, 3)])
def test_a_profile_and_the_home_page_read_a_few_queries_cold_and_none_warm(
    client: Client, published_2021: None, django_assert_num_queries: DjangoAssertNumQueries, url: str, queries: int
) -> None:
    cold()
    with django_assert_num_queries(queries):
        first = client.get(url)
    with django_assert_num_queries(0):
        again = client.get(url)

    assert (first.status_code, again.status_code) == (200, 200)
    assert again.content == first.content


@pytest.mark.parametrize(
    "url",
    [
        "/results/compare/?unit=48&unit=01&year=2021",
        "/results/2021/province/methodology/",
        f"{RANKING}?format=csv&group=province",
        f"{RANKING}?format=xlsx",
    ],
)
def test_the_comparison_the_method_and_the_downloads_are_kept_public_and_read_no_query_warm(
    client: Client, published_2021: None, django_assert_num_queries: DjangoAssertNumQueries, url: str
) -> None:
    cold()
    first = client.get(url)
    with django_assert_num_queries(0):
        again = client.get(url)
        unchanged = client.get(url, HTTP_IF_NONE_MATCH=f"W/{first['ETag']}")

    assert (first.status_code, again.status_code, unchanged.status_code) == (200, 200, 304)
    assert again.content == first.content
    assert first["Cache-Control"] == "public, max-age=300"


def test_another_index_filter_or_search_of_a_cached_table_reads_no_query(
    client: Client, published_2021: None, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    client.get(RANKING)

    with django_assert_num_queries(0):
        filtered = client.get(f"{RANKING}?region=dong-bang-song-hong&sort=name")
        searched = client.get(f"{RANKING}?q=nang")

    assert (filtered.status_code, searched.status_code) == (200, 200)
    assert 'data-code="48"' in searched.content.decode()


@pytest.mark.parametrize("url", [RANKING, RANKING_API, PROFILE, HOME])
def test_a_public_answer_may_be_kept_by_a_proxy_and_names_its_version_and_time(
    client: Client, published_2021: None, url: str
) -> None:
    response = client.get(url)

    assert response["Cache-Control"] == "public, max-age=300"
    assert re.fullmatch(r'"[0-9a-f]{32}"', response["ETag"])
    assert response["Last-Modified"] == ANNOUNCED


@pytest.mark.parametrize("url", [RANKING, RANKING_API, PROFILE, HOME])
def test_the_same_etag_strong_or_weak_and_an_unchanged_date_answer_304_without_a_query(
    client: Client, published_2021: None, django_assert_num_queries: DjangoAssertNumQueries, url: str
) -> None:
    etag = client.get(url)["ETag"]

    with django_assert_num_queries(0):
        strong = client.get(url, HTTP_IF_NONE_MATCH=etag)
        # What nginx sends back for a response it compressed.
        weak = client.get(url, HTTP_IF_NONE_MATCH=f'"other", W/{etag}')
        since = client.get(url, HTTP_IF_MODIFIED_SINCE=ANNOUNCED)
    earlier = client.get(url, HTTP_IF_MODIFIED_SINCE="Sun, 07 Aug 2022 05:00:00 GMT")
    other = client.get(url, HTTP_IF_NONE_MATCH='"another-version"')

    assert [strong.status_code, weak.status_code, since.status_code] == [304, 304, 304]
    assert (strong["ETag"], strong["Cache-Control"], strong.content) == (etag, "public, max-age=300", b"")
    assert [earlier.status_code, other.status_code] == [200, 200]


def test_each_address_and_each_language_has_its_own_etag(client: Client, published_2021: None) -> None:
    vietnamese = client.get(RANKING)["ETag"]
    by_name = client.get(f"{RANKING}?sort=name")["ETag"]
    english = Client()
    english.cookies["django_language"] = "en"

    assert len({vietnamese, by_name, english.get(RANKING)["ETag"]}) == 3


def test_a_signed_in_readers_pages_are_private_without_validators(
    client: Client, published_2021: None, administrator: User
) -> None:
    client.force_login(administrator)

    responses = [client.get(url) for url in (RANKING, PROFILE, HOME)]

    assert [response["Cache-Control"] for response in responses] == ["private"] * 3
    assert [response.has_header("ETag") or response.has_header("Last-Modified") for response in responses] == [
        False
    ] * 3
    assert "Đăng xuất" in responses[0].content.decode()


def test_a_signed_in_reader_after_the_public_gets_their_own_frame_around_the_same_table(
    client: Client, published_2021: None, administrator: User
) -> None:
    public = client.get(RANKING).content.decode()
    officer = Client()
    officer.force_login(administrator)

    page = officer.get(RANKING)

    assert "Đăng xuất" not in public
    assert "Đăng xuất" in page.content.decode()
    assert 'name="csrfmiddlewaretoken"' in page.content.decode()
    assert page["Cache-Control"] == "private"
    table = public.split('<table id="ranking-table-province"')[1].split("</table>")[0]
    assert table in page.content.decode()


def test_a_reader_with_a_message_waiting_gets_it_on_a_private_page(client: Client, published_2021: None) -> None:
    client.get(RANKING)
    storage = CookieStorage(HttpRequest())
    storage.add(messages.INFO, "Đã đăng xuất.")
    carrier = HttpResponse()
    storage.update(carrier)
    reader = Client()
    reader.cookies["messages"] = carrier.cookies["messages"].value

    page = reader.get(RANKING)
    after = reader.get(RANKING)

    assert "Đã đăng xuất." in page.content.decode()
    assert page["Cache-Control"] == "private"
    assert "Đã đăng xuất." not in after.content.decode()
    assert after["Cache-Control"] == "public, max-age=300"


def test_the_publics_page_is_the_same_for_every_reader_so_it_has_no_csrf_token_and_sets_no_cookie(
    published_2021: None,
) -> None:
    first, second = Client(), Client()

    pages = [first.get(RANKING), second.get(RANKING)]

    assert pages[0].content == pages[1].content
    assert "csrfmiddlewaretoken" not in pages[0].content.decode()
    assert [dict(page.cookies) for page in pages] == [{}, {}]
    assert "Cookie" in pages[0]["Vary"]


def test_the_language_switch_of_a_public_page_works_without_a_csrf_token(published_2021: None) -> None:
    browser = Client(enforce_csrf_checks=True)

    switched = browser.post("/i18n/setlang/", {"language": "en", "next": RANKING})
    page = browser.get(RANKING).content.decode()

    assert (switched.status_code, switched["Location"]) == (302, RANKING)
    assert '<html lang="en">' in page
    assert "<h1>DTI 2021 ranking — " in page


def test_an_english_page_in_the_cache_never_answers_a_vietnamese_reader(published_2021: None) -> None:
    english = Client()
    english.cookies["django_language"] = "en"
    english_page = english.get(RANKING).content.decode()

    vietnamese_page = Client().get(RANKING).content.decode()

    assert "<h1>DTI 2021 ranking — " in english_page
    assert '<html lang="vi">' in vietnamese_page
    assert "<h1>Bảng xếp hạng DTI 2021 " in vietnamese_page
    assert "DTI 2021 ranking" not in vietnamese_page


def test_a_new_version_replaces_every_cached_answer_and_its_etag(client: Client, published_2021: None) -> None:
    before = {url: client.get(url) for url in (RANKING, RANKING_API, HOME)}

    call_command("import_results", str(RESULTS / "dti-2021-province.csv"), "--year", "2021", "--level", "province",
                 "--revision-note", "Đính chính bảng tỉnh.")  # fmt: skip
    after = {url: client.get(url) for url in (RANKING, RANKING_API, HOME)}
    stale = client.get(RANKING, HTTP_IF_NONE_MATCH=before[RANKING]["ETag"])

    assert "Đính chính bảng tỉnh." in after[RANKING].content.decode()
    assert "phiên bản 2" in after[RANKING].content.decode()
    assert after[RANKING_API].json()["version"] == 2
    assert [before[url]["ETag"] != after[url]["ETag"] for url in before] == [True, True, True]
    assert stale.status_code == 200


def test_a_deleted_version_is_no_longer_served_from_the_cache(client: Client, published_2021: None) -> None:
    call_command("import_results", str(RESULTS / "dti-2021-province.csv"), "--year", "2021", "--level", "province",
                 "--revision-note", "Đính chính bảng tỉnh.")  # fmt: skip
    assert client.get(RANKING_API).json()["version"] == 2

    Publication.objects.get(campaign__year=2021, campaign__level="province", version=2).delete()

    assert client.get(RANKING_API).json()["version"] == 1
    assert "Đính chính bảng tỉnh." not in client.get(RANKING).content.decode()


def test_a_trial_a_signed_in_reader_saw_never_reaches_an_anonymous_one(
    client: Client,
    signed_in: Client,  # noqa: F811
    trial_2026: Publication,  # noqa: F811
) -> None:
    seen = [signed_in.get(url) for url in ("/results/2026/province/", "/", "/results/units/48-2025/")]

    anonymous = [client.get(url) for url in ("/results/2026/province/", "/", "/results/units/48-2025/")]

    assert [page.status_code for page in seen] == [200, 200, 200]
    assert all(TRIAL in page.content.decode() for page in seen)
    assert [page["Cache-Control"] for page in seen] == ["private"] * 3
    assert anonymous[0].status_code == 404
    assert [TRIAL in page.content.decode() for page in anonymous[1:]] == [False, False]
    assert [page["Cache-Control"] for page in anonymous[1:]] == ["public, max-age=300"] * 2


def test_with_the_cache_unreachable_the_pages_are_built_from_the_database_and_it_is_said_once(
    client: Client,
    published_2021: None,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setattr(caching._Down, "until", 0.0)
    # Nothing listens on port 1: every cache call fails at once.
    settings.CACHES = {**settings.CACHES, "published": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                                        "LOCATION": "redis://127.0.0.1:1/0"}}  # fmt: skip

    responses = [client.get(url) for url in (RANKING, RANKING_API, PROFILE, HOME)]

    assert [response.status_code for response in responses] == [200, 200, 200, 200]
    assert responses[1].json()["version"] == 1
    assert [record.getMessage() for record in caplog.records if record.name == "rankings.caching"] == [
        "The published-answers cache is not answering; building answers from the database"
    ]


def test_the_apis_json_and_csv_at_one_address_have_their_own_etags_and_vary_on_accept(
    client: Client, published_2021: None
) -> None:
    as_json = client.get(RANKING_API)
    as_csv = client.get(RANKING_API, HTTP_ACCEPT="text/csv")

    assert (as_json["Content-Type"], as_csv["Content-Type"]) == ("application/json", "text/csv; charset=utf-8")
    assert as_json["ETag"] != as_csv["ETag"]
    assert "Accept" in as_json["Vary"]


def test_the_api_picks_the_group_asked_for_from_the_cached_table(client: Client, published_2021: None) -> None:
    ministries = "/api/v1/rankings/?year=2021&level=ministry"

    every = client.get(ministries).json()["results"]
    with_services = client.get(f"{ministries}&group=public_services").json()["results"]
    no_such_group = client.get(f"{ministries}&group=nothing")

    assert len(every) == 26
    assert {row["group"] for row in with_services} == {"public_services"}
    assert len(with_services) == 17
    # A group that does not exist names nothing: refused, naming the parameter, rather than an empty table.
    assert no_such_group.status_code == 400
    assert list(no_such_group.json()) == ["group"]


def test_an_answer_built_while_a_publication_changed_is_never_served_after_the_change() -> None:
    def make() -> tuple[str, list[Publication]]:
        caching.renew()  # another process publishes while this answer reads the old rows
        return "the old table", []

    built = caching.cached(("a page",), make)
    after_the_change = caching.lookup(("a page",))
    rebuilt = caching.cached(("a page",), lambda: ("the new table", []))
    kept = caching.lookup(("a page",))

    assert (built.body, after_the_change) == ("the old table", None)
    assert rebuilt.body == "the new table"
    assert kept == rebuilt
