"""What a shared link shows: each public page's title, description and Open Graph / Twitter card tags, and
the preview image of a published table, drawn in the background on publication."""

from __future__ import annotations

import io
import re
from html import unescape

import pytest
from django.core.management import call_command
from django.test import Client
from PIL import Image
from pytest_django import DjangoCaptureOnCommitCallbacks

from rankings.models import Publication, SocialPreview
from tests.rankings.conftest import PUBLISHED_2021, RESULTS

pytestmark = pytest.mark.django_db

HOST = "http://testserver"
PREVIEW = "/results/2021/province/preview.png"


@pytest.fixture
def previewed(published_2021: None) -> None:
    """The 2021 tables with their preview images, as the background step after publication leaves them
    (a test's transaction never commits, so that step is run here)."""
    call_command("build_previews")


def tags(html: str) -> dict[str, str]:
    """The page's <title>, description and og:/twitter: tags by name."""
    found = {"title": unescape(re.findall(r"<title>(.*?)</title>", html, re.S)[0])}
    for _kind, name, content in re.findall(r'<meta (name|property)="([^"]+)" content="([^"]*)">', html):
        found[name] = unescape(content)
    return found


def shared(found: dict[str, str]) -> dict[str, str]:
    return {name: value for name, value in found.items() if name.startswith(("og:", "twitter:"))}


def test_the_2021_provincial_ranking_says_who_leads_in_its_description_and_shares_its_chart(
    client: Client, previewed: None
) -> None:
    version = Publication.objects.get(campaign__year=2021, campaign__level="province").version

    found = tags(client.get("/results/2021/province/").content.decode())

    description = "DTI 2021 cấp tỉnh: bảng xếp hạng 63 tỉnh, thành phố — TP. Đà Nẵng dẫn đầu với 0,6419"
    assert found["title"] == "Bảng xếp hạng 2021 cấp tỉnh · DTI"
    assert found["description"] == description
    assert shared(found) == {
        "og:site_name": "DTI",
        "og:type": "website",
        "og:title": "Bảng xếp hạng DTI 2021 cấp tỉnh",
        "og:description": description,
        "og:url": f"{HOST}/results/2021/province/",
        "og:image": f"{HOST}{PREVIEW}?version={version}",
        "og:image:width": "1200",
        "og:image:height": "630",
        "og:image:alt": "Bảng xếp hạng DTI 2021 cấp tỉnh",
        "og:locale": "vi_VN",
        "twitter:card": "summary_large_image",
        "twitter:title": "Bảng xếp hạng DTI 2021 cấp tỉnh",
        "twitter:description": description,
        "twitter:image": f"{HOST}{PREVIEW}?version={version}",
    }


def test_the_ministries_ranking_names_the_leader_of_each_group(client: Client, published_2021: None) -> None:
    found = tags(client.get("/results/2021/ministry/").content.decode())

    assert found["description"].startswith("DTI 2021 cấp bộ, ngành: bảng xếp hạng ")
    assert found["description"].count("(0,") >= 2


def test_da_nang_s_profile_gives_its_value_and_rank(client: Client, previewed: None) -> None:
    found = tags(client.get("/results/units/48/").content.decode())

    assert found["title"] == "TP. Đà Nẵng — kết quả đánh giá · DTI"
    assert found["description"] == (
        "Kết quả đánh giá chuyển đổi số của TP. Đà Nẵng: DTI 2021 đạt 0,6419, hạng 1/63 tỉnh, thành phố; các chỉ "
        "số chính, điểm mạnh, điểm yếu và kết quả qua các năm."
    )
    assert found["og:title"] == "TP. Đà Nẵng — kết quả đánh giá"
    # A unit's page shares its table's picture.
    assert found["og:image"].startswith(f"{HOST}{PREVIEW}?version=")


PAGES = {
    "/": ("Trang chủ · DTI", "Kết quả đánh giá chỉ số chuyển đổi số (DTI) năm 2021 của các tỉnh"),
    "/results/2021/province/?index=1": ("Bảng xếp hạng 2021 cấp tỉnh — 1. Nhận thức số · DTI",
                                        "1. Nhận thức số 2021 cấp tỉnh: bảng xếp hạng 63 tỉnh, thành phố — "),
    "/results/compare/?unit=48&unit=01": ("So sánh đơn vị · DTI", "So sánh kết quả DTI 2021 của TP. Đà Nẵng, "),
    "/results/2021/province/methodology/": ("Phương pháp đánh giá 2021 — Tỉnh, thành phố · DTI",
                                            "Phương pháp đánh giá DTI 2021 — Tỉnh, thành phố: cấu trúc bộ chỉ số"),
    "/results/explore/": ("Khám phá dữ liệu — DTI, cấp tỉnh · DTI", "Khám phá dữ liệu DTI: DTI, cấp tỉnh, 63 đơn vị"),
}  # fmt: skip


@pytest.mark.parametrize(("url", "expected"), PAGES.items())
def test_every_public_page_has_its_own_description_and_card(
    client: Client, published_2021: None, url: str, expected: tuple[str, str]
) -> None:
    found = tags(client.get(url).content.decode())

    assert (found["title"], found["description"][: len(expected[1])]) == expected
    assert found["og:description"] == found["description"] == found["twitter:description"]
    assert found["og:url"] == f"{HOST}{url}"
    assert found["og:image"].startswith(f"{HOST}/")
    assert found["twitter:card"] == "summary_large_image"


def test_the_national_page_gives_the_national_dti_and_the_default_image(client: Client, published_2021: None) -> None:
    call_command("import_national_figures", "fixtures/results/dti-national.csv", "--published-on", "08/08/2022")

    found = tags(client.get("/results/2021/national/").content.decode())

    assert found["title"] == "DTI quốc gia 2021 · DTI"
    assert found["description"].startswith("DTI quốc gia 2021: 0,6110 (năm 2020: 0,4858)")
    assert found["og:image"] == f"{HOST}/static/img/og-default.png"


def test_publication_draws_the_table_s_preview_in_the_background(
    client: Client, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    call_command("load_reference_data")
    assert client.get(PREVIEW).status_code == 404

    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_results", str(RESULTS / "dti-2021-province.csv"), "--year", "2021", "--level",
                     "province", "--published-on", PUBLISHED_2021)  # fmt: skip

    preview = SocialPreview.objects.get(publication__campaign__year=2021, publication__campaign__level="province")
    answer = client.get(PREVIEW)
    image = Image.open(io.BytesIO(answer.content))
    assert (answer.status_code, answer["Content-Type"], image.format, image.size) == (200, "image/png", "PNG",
                                                                                       (1200, 630))  # fmt: skip
    assert bytes(preview.image) == answer.content
    assert answer["Cache-Control"] == "public, max-age=300"
    assert client.get(PREVIEW, headers={"if-none-match": answer["ETag"]}).status_code == 304


def test_before_its_preview_is_built_a_table_s_image_is_not_found_and_pages_share_the_default(
    client: Client, published_2021: None
) -> None:
    assert client.get(PREVIEW).status_code == 404
    assert tags(client.get("/results/2021/province/").content.decode())["og:image"] == (
        f"{HOST}/static/img/og-default.png"
    )

    call_command("build_previews")

    assert client.get(PREVIEW).status_code == 200
    # The image's arrival renews the cached pages: they name it at once.
    assert tags(client.get("/results/2021/province/").content.decode())["og:image"] == f"{HOST}{PREVIEW}?version=1"


def test_a_reader_s_request_never_draws_a_preview(client: Client, published_2021: None) -> None:
    client.get("/results/2021/province/")
    client.get("/results/units/48/")

    assert (client.get(PREVIEW).status_code, SocialPreview.objects.count()) == (404, 0)


def test_the_default_image_is_a_card_sized_png() -> None:
    image = Image.open("static/img/og-default.png")

    assert (image.format, image.size) == ("PNG", (1200, 630))
