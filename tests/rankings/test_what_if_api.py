"""The what-if API: a unit's published what-if for everyone (official publications only, cached as the
other published answers), and the leaf-level what-if on a finalised submission for its own unit's people
and the authority."""

from __future__ import annotations

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from rankings.models import Publication
from scoring.engine import LeafValue
from submissions.models import Campaign, Submission
from tests.rankings.test_trial_publication import trial_2026  # noqa: F401
from tests.rankings.what_if_setup import finalised, full_recompute  # noqa: F401 - the fixture, and its check

pytestmark = pytest.mark.django_db

HAI_PHONG = "/api/v1/organisations/31/what-if/"


def test_the_published_what_if_answers_every_field_as_the_rankings_api_gives_numbers(published_2021: None) -> None:
    response = APIClient().get(f"{HAI_PHONG}?year=2021&set=5:1")

    assert response.status_code == 200
    body = response.json()
    assert list(body) == ["organisation_code", "organisation_name", "year", "level", "before", "after", "pillars",
                          "group", "group_size", "changes", "offset", "rank_up", "publication"]  # fmt: skip
    assert body["before"] == {"value": 0.4675, "rank": 16}
    assert body["after"] == {"value": 0.5393, "rank": 4}
    assert body["changes"] == [{"index": "5", "name": "5. An toàn thông tin mạng", "before": 0.2821, "after": 1.0}]
    assert body["pillars"] == [
        {"index": "CQS", "name": "Chính quyền số", "before": 0.4718, "after": 0.5744, "rank_before": 25,
         "rank_after": 5},
        {"index": "KTS", "name": "Kinh tế số", "before": 0.4464, "after": 0.5568, "rank_before": 25, "rank_after": 5},
        {"index": "XHS", "name": "Xã hội số", "before": 0.4645, "after": 0.5749, "rank_before": 16, "rank_after": 3},
    ]  # fmt: skip
    assert (body["organisation_code"], body["organisation_name"], body["year"], body["level"]) == (
        "31", "TP. Hải Phòng", 2021, "province"
    )  # fmt: skip
    assert (body["group"], body["group_size"], body["offset"]) == ("province", 63, None)
    assert body["publication"] == {"version": 1, "published_at": "2022-08-08T05:00:00Z"}
    # Index 5 alone: the 0,1187 that takes Hải Phòng to Cần Thơ's 0,4794, tied 15th.
    assert body["rank_up"][4] == {"index": "5", "name": "5. An toàn thông tin mạng", "value": 0.2821,
                                  "needed": 0.4008}  # fmt: skip
    assert [item["index"] for item in body["rank_up"]] == ["1", "2", "3", "4", "5", "7", "8", "9"]


def test_the_year_and_the_level_default_to_the_units_newest_published_table(published_2021: None) -> None:
    asked = APIClient().get(f"{HAI_PHONG}?set=5:1").json()

    assert (asked["year"], asked["level"], asked["after"]) == (2021, "province", {"value": 0.5393, "rank": 4})


def test_without_changes_the_answer_is_the_published_standing(published_2021: None) -> None:
    body = APIClient().get(HAI_PHONG).json()

    assert body["before"] == body["after"] == {"value": 0.4675, "rank": 16}
    assert body["changes"] == []


def test_a_repeated_set_and_a_decimal_comma_add_up(published_2021: None) -> None:
    body = APIClient().get(f"{HAI_PHONG}?set=5:1,0000&set=7:0,6012").json()

    # 0,467485 + 0,7179 × 100 / 1000 + 0,1 × 200 / 1000 = 0,559275.
    assert [change["index"] for change in body["changes"]] == ["5", "7"]
    assert body["after"] == {"value": 0.5593, "rank": 4}


@pytest.mark.parametrize(
    ("query", "errors"),
    [
        ("set=10:0.5", {"set": ["Không có chỉ số chính “10”; các chỉ số chính: 1, 2, 3, 4, 5, 7, 8, 9."]}),
        ("set=5:1.5", {"set": ["Chỉ số 5: giá trị phải là một số từ 0 đến 1, ví dụ 0,85; nhận được “1.5”."]}),
        ("set=5:-0.1", {"set": ["Chỉ số 5: giá trị phải là một số từ 0 đến 1, ví dụ 0,85; nhận được “-0.1”."]}),
        ("set=5:abc", {"set": ["Chỉ số 5: giá trị phải là một số từ 0 đến 1, ví dụ 0,85; nhận được “abc”."]}),
        ("set=5", {"set": ["Chỉ số 5: giá trị phải là một số từ 0 đến 1, ví dụ 0,85; nhận được “”."]}),
        ("set=5:1,5:0.9", {"set": ["Chỉ số 5 được đặt hai lần."]}),
        ("set=6:1,5:2", {"set": ["Không có chỉ số chính “6”; các chỉ số chính: 1, 2, 3, 4, 5, 7, 8, 9. Chỉ số 5: giá "
                                 "trị phải là một số từ 0 đến 1, ví dụ 0,85; nhận được “2”."]}),
        # As the other results endpoints refuse a year.
        ("year=abc", {"year": "Năm phải là một năm đánh giá, ví dụ 2021."}),
        ("level=city", {"level": ["Cấp phải là province (tỉnh, thành phố) hoặc ministry (bộ, ngành)."]}),
    ],
)  # fmt: skip
def test_a_bad_parameter_is_refused_naming_what_is_wrong(
    published_2021: None, query: str, errors: dict[str, object]
) -> None:
    response = APIClient().get(f"{HAI_PHONG}?{query}")

    assert (response.status_code, response.json()) == (400, errors)


@pytest.mark.parametrize(
    ("url", "body"),
    [
        ("/api/v1/organisations/nope/what-if/", {"detail": "Không có đơn vị này."}),
        (f"{HAI_PHONG}?year=2020",
         {"detail": "Chưa công bố kết quả DTI 2020 cấp tỉnh, thành phố.", "code": "not_found"}),
        (f"{HAI_PHONG}?level=ministry", {"detail": "TP. Hải Phòng không có trong kết quả DTI 2021 đã công bố.",
                                         "code": "not_found"}),
        ("/api/v1/organisations/31-2025/what-if/?year=2021",
         {"detail": "TP. Hải Phòng không có trong kết quả DTI 2021 đã công bố.", "code": "not_found"}),
        ("/api/v1/organisations/authority/what-if/", {"detail": "Cục Chuyển đổi số quốc gia không được xếp hạng.",
                                                      "code": "not_found"}),
    ],
)  # fmt: skip
def test_an_unknown_unit_or_unpublished_table_is_not_found(
    published_2021: None, url: str, body: dict[str, str]
) -> None:
    response = APIClient().get(url)

    assert (response.status_code, response.json()) == (404, body)


def test_the_answer_is_kept_and_validated_as_the_other_published_answers(published_2021: None) -> None:
    client = APIClient()
    first = client.get(f"{HAI_PHONG}?set=5:1")

    again = client.get(f"{HAI_PHONG}?set=5:1", HTTP_IF_NONE_MATCH=first["ETag"])

    assert first["Cache-Control"] == "public, max-age=300"
    assert again.status_code == 304


def test_a_trial_publication_is_no_ones_what_if_not_even_a_signed_in_users(
    trial_2026: Publication,  # noqa: F811
    danang_reporter: User,
) -> None:
    signed_in = APIClient()
    signed_in.force_authenticate(danang_reporter)

    for client in (APIClient(), signed_in):
        assert client.get("/api/v1/organisations/46/what-if/?year=2026").status_code == 404
        # The newest official year, not the trial's.
        assert client.get("/api/v1/organisations/46/what-if/").json()["year"] == 2025


# --- The leaf-level what-if ---------------------------------------------------------------------


def leaf_url(submission: Submission, changes: str = "") -> str:
    return f"/api/v1/submissions/{submission.pk}/what-if/" + (f"?set={changes}" if changes else "")


def test_the_units_own_reporter_gets_its_leaf_what_if(
    finalised: Submission,  # noqa: F811
    campaign: Campaign,
    danang_reporter: User,
) -> None:
    client = APIClient()
    client.force_authenticate(danang_reporter)

    response = client.get(leaf_url(finalised, "1.1.2:90"))

    assert response.status_code == 200
    assert response.json() == {
        "submission": finalised.pk,
        "organisation_code": "48",
        "year": 2024,
        "level": "province",
        "before": {"value": 0.6282, "rank": 1},
        "after": {"value": 0.7075, "rank": 1},
        "pillars": [],
        "group": "province",
        "group_size": 3,
        "changes": [{"index": "1.1.2", "name": "1.1.2. Tỷ lệ cán bộ được tập huấn", "before": 0.6356, "after": 0.9,
                     "answer_before": "63,56", "answer_after": "90"}],
    }  # fmt: skip
    expected = full_recompute(campaign, "48", "1.1.2", LeafValue(value=Decimal(90)))
    assert expected is not None
    assert response.json()["after"]["value"] == float(round(expected, 4))


def test_the_authority_gets_any_units_leaf_what_if(
    finalised: Submission,  # noqa: F811
    appraiser: User,
) -> None:
    client = APIClient()
    client.force_authenticate(appraiser)

    body = client.get(leaf_url(finalised, "1.2.1:1")).json()

    # Weekly broadcasts: 20 points instead of 10.
    assert body["after"] == {"value": 0.7282, "rank": 1}
    assert body["changes"][0]["answer_after"] == "Hằng tuần"


def test_another_units_reporter_does_not_find_the_submission(
    finalised: Submission,  # noqa: F811
    hue_reporter: User,
) -> None:
    client = APIClient()
    client.force_authenticate(hue_reporter)

    assert client.get(leaf_url(finalised, "1.1.2:90")).status_code == 404
    assert APIClient().get(leaf_url(finalised, "1.1.2:90")).status_code == 401


def test_a_submission_not_finalised_is_a_conflict(danang_submission: Submission, danang_reporter: User) -> None:
    client = APIClient()
    client.force_authenticate(danang_reporter)

    response = client.get(leaf_url(danang_submission, "1.1.2:90"))

    assert (response.status_code, response.json()) == (409, {
        "detail": "Chỉ tính thử được trên kết quả đã chốt: hồ sơ đang ở trạng thái “Đang nhập số liệu”.",
        "code": "not_final",
        "leaves": [],
    })  # fmt: skip


def test_a_bad_leaf_answer_is_refused_naming_the_leaf(
    finalised: Submission,  # noqa: F811
    danang_reporter: User,
) -> None:
    client = APIClient()
    client.force_authenticate(danang_reporter)

    response = client.get(leaf_url(finalised, "1.1.2:120,1.2.1:Hằng năm"))

    assert (response.status_code, response.json()) == (400, {"set": [
        "Tiêu chí 1.1.2: Tỷ lệ phải từ 0 đến 100 (%). Tiêu chí 1.2.1: Chọn một trong các mức: 1 = Hằng tuần; "
        "2 = Hằng tháng."
    ]})  # fmt: skip
