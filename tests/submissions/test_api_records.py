"""The rest of the year through the API: each leaf's files, the unit's replies, comments, the history, the
authority's own values, and the submissions list in pages with its filters."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import Organisation, Region, User
from indicators.models import Node
from indicators.rules import Rule
from indicators.services import import_framework
from submissions.errors import AnswerInvalid
from submissions.models import Campaign, Event, Evidence, Submission, SubmissionState
from submissions.services.appraisal import accept_undecided, appraise_answer
from submissions.services.approval import transition_submission
from submissions.services.authority_values import authority_input
from submissions.services.entry import AnswerInput, add_comment, remove_evidence, upload_evidence
from tests.factories import UserFactory
from tests.indicators.builders import small_framework
from tests.pdfs import pdf
from tests.submissions.conftest import answer_of, open_test_campaign

pytestmark = pytest.mark.django_db

# What the portal itself sets on a file it serves; the server and the test client add the rest.
FILE_HEADERS = ("Content-Type", "Content-Disposition", "Content-Length", "X-Content-Type-Options", "Cache-Control",
                "Content-Security-Policy", "X-Frame-Options")  # fmt: skip


def api(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def attach(submission: Submission, user: User, key: str, name: str = "qd.pdf", marker: str = "") -> Evidence:
    return upload_evidence(answer_id=answer_of(submission, key).pk, user=user, content=pdf(marker=marker),
                           original_name=name, title=name.removesuffix(".pdf"))  # fmt: skip


def step(submission: Submission, user: User, action: str) -> None:
    transition_submission(submission_id=submission.pk, user=user, action=action)


def in_explanation(submission: Submission, appraiser: User, contested: str = "1.1.2") -> None:
    """The appraisal adjusts one leaf, accepts the others and is sent to the unit."""
    appraise_answer(answer_id=answer_of(submission, contested).pk, user=appraiser, decision="adjust",
                    reason="Thiếu danh sách cán bộ.", given=AnswerInput(value=Decimal(40)))  # fmt: skip
    accept_undecided(submission_id=submission.pk, user=appraiser)
    step(submission, appraiser, "finish_appraisal")


# Evidence


def test_a_leafs_files_are_listed_in_pages_without_the_withdrawn_ones(
    danang_submission: Submission, danang_reporter: User
) -> None:
    kept = attach(danang_submission, danang_reporter, "1.1.1", "qd.pdf", marker="1")
    withdrawn = attach(danang_submission, danang_reporter, "1.1.1", "cu.pdf", marker="2")
    attach(danang_submission, danang_reporter, "1.1.2", "khac.pdf", marker="3")
    remove_evidence(evidence_id=withdrawn.pk, user=danang_reporter)

    body = api(danang_reporter).get(f"/api/v1/submissions/{danang_submission.pk}/answers/1.1.1/evidence/").json()

    assert (body["count"], body["next"], body["previous"]) == (1, None, None)
    assert body["results"] == [{
        "id": kept.pk, "document": kept.document_id, "title": "qd", "original_name": "qd.pdf", "size": kept.size,
        "sha256": kept.sha256, "pages": 1, "uploaded_at": body["results"][0]["uploaded_at"],
        # Not read in this test: the suite reads documents only where it tests reading.
        "text_status": "pending", "document_number": "", "document_date": None, "issuer": "", "signatures": [],
        "warnings": [],
    }]  # fmt: skip


def test_a_file_downloads_with_the_same_headers_as_from_the_page(
    danang_submission: Submission, danang_reporter: User
) -> None:
    evidence = attach(danang_submission, danang_reporter, "1.1.1", "Quyết định.pdf")
    page = Client()
    page.force_login(danang_reporter)

    from_page = page.get(f"/submissions/evidence/{evidence.pk}/")
    from_api = api(danang_reporter).get(
        f"/api/v1/submissions/{danang_submission.pk}/answers/1.1.1/evidence/{evidence.pk}/",
        HTTP_ACCEPT="application/pdf",
    )

    assert from_api.status_code == 200
    assert {name: from_api.get(name) for name in FILE_HEADERS} == {name: from_page.get(name) for name in FILE_HEADERS}
    assert from_api["Content-Disposition"] == "attachment; filename*=utf-8''Quy%E1%BA%BFt%20%C4%91%E1%BB%8Bnh.pdf"
    assert (from_api["Content-Type"], from_api["X-Content-Type-Options"]) == ("application/pdf", "nosniff")
    assert b"".join(from_api.streaming_content) == b"".join(from_page.streaming_content)  # type: ignore[attr-defined]


def test_another_units_file_or_another_leafs_answers_404(
    danang_submission: Submission, hue_submission: Submission, danang_reporter: User, hue_reporter: User
) -> None:
    danang_file = attach(danang_submission, danang_reporter, "1.1.1")
    hue_file = attach(hue_submission, hue_reporter, "1.1.1")
    own = f"/api/v1/submissions/{danang_submission.pk}/answers"

    assert api(hue_reporter).get(f"{own}/1.1.1/evidence/{danang_file.pk}/").status_code == 404
    assert api(hue_reporter).delete(f"{own}/1.1.1/evidence/{danang_file.pk}/").status_code == 404
    assert api(danang_reporter).get(f"{own}/1.1.1/evidence/{hue_file.pk}/").status_code == 404
    assert api(danang_reporter).get(f"{own}/1.1.2/evidence/{danang_file.pk}/").status_code == 404
    assert api(danang_reporter).get(f"{own}/1.1.1/evidence/-1/").status_code == 404
    assert api(danang_reporter).delete(f"{own}/1.1.1/evidence/{hue_file.pk}/").status_code == 404
    assert Evidence.objects.filter(removed_at=None).count() == 2


def test_the_unit_withdraws_a_file_while_it_may_edit_and_it_stays_in_the_history(
    danang_submission: Submission, danang_reporter: User
) -> None:
    evidence = attach(danang_submission, danang_reporter, "1.1.1")

    response = api(danang_reporter).delete(
        f"/api/v1/submissions/{danang_submission.pk}/answers/1.1.1/evidence/{evidence.pk}/"
    )

    evidence.refresh_from_db()
    assert response.status_code == 204
    assert (evidence.removed_by, evidence.file.storage.exists(evidence.file.name or "")) == (danang_reporter, True)
    removed = Event.objects.get(kind=Event.Kind.EVIDENCE_REMOVED)
    assert removed.old == {"evidence": evidence.pk, "title": "qd", "sha256": evidence.sha256}


def test_once_the_data_went_forward_a_file_can_no_longer_be_withdrawn(
    submitted_danang: Submission, danang_reporter: User, danang_office: User
) -> None:
    evidence = Evidence.objects.create(answer=answer_of(submitted_danang, "1.1.1"), file="evidence/x.pdf", title="QĐ",
                                       original_name="qd.pdf", size=10, sha256="0" * 64, pages=1)  # fmt: skip
    url = f"/api/v1/submissions/{submitted_danang.pk}/answers/1.1.1/evidence/{evidence.pk}/"

    after_submitting = api(danang_reporter).delete(url)
    by_the_office = api(danang_office).delete(url)

    assert after_submitting.status_code == 403
    assert after_submitting.json()["detail"] == (
        "Hồ sơ không ở trạng thái cho phép sửa, hoặc bạn không có quyền nhập số liệu."
    )
    assert by_the_office.status_code == 403
    assert Evidence.objects.get(pk=evidence.pk).removed_at is None


@pytest.fixture
def slashed_submission(organisations: dict[str, Organisation], administrator: User) -> Submission:
    """Đà Nẵng's submission on a framework whose first leaf's key holds a slash, as the 2020 tables' do."""
    data = small_framework("co-gach")
    data.nodes = [dataclasses.replace(node, key="CQS/1.1.1") if node.key == "1.1.1" else node for node in data.nodes]
    campaign = open_test_campaign(import_framework(data=data), administrator, "DTI 2024 (khóa có gạch chéo)")
    return Submission.objects.get(campaign=campaign, organisation__code="48")


def test_a_leaf_key_with_a_slash_reaches_its_files_and_its_history(
    slashed_submission: Submission, danang_reporter: User
) -> None:
    evidence = attach(slashed_submission, danang_reporter, "CQS/1.1.1")
    client = api(danang_reporter)
    base = f"/api/v1/submissions/{slashed_submission.pk}"

    listed = client.get(f"{base}/answers/CQS/1.1.1/evidence/").json()["results"]
    download = client.get(f"{base}/answers/CQS/1.1.1/evidence/{evidence.pk}/")
    history = client.get(f"{base}/history/", {"leaf": "CQS/1.1.1"}).json()["results"]
    withdrawn = client.delete(f"{base}/answers/CQS/1.1.1/evidence/{evidence.pk}/")

    assert [item["id"] for item in listed] == [evidence.pk]
    assert (download.status_code, download["Content-Type"]) == (200, "application/pdf")
    assert [(row["kind"], row["leaf"]) for row in history] == [("evidence_added", "CQS/1.1.1")]
    assert withdrawn.status_code == 204


# The explanation round


def test_the_unit_replies_to_a_contested_leaf_in_the_explanation_round(
    submitted_danang: Submission, appraiser: User, danang_reporter: User
) -> None:
    in_explanation(submitted_danang, appraiser)

    response = api(danang_reporter).put(
        f"/api/v1/submissions/{submitted_danang.pk}/answers/1.1.2/reply/",
        {"reply": "Đã bổ sung danh sách 120 cán bộ.\r\nXem tài liệu đính kèm."},
        format="json",
    )

    answer = answer_of(submitted_danang, "1.1.2")
    assert response.status_code == 200
    assert response.json() == {
        "explanation_reply": "Đã bổ sung danh sách 120 cán bộ.\nXem tài liệu đính kèm.",
        "replied_by": "danang.baocao",
        "replied_at": response.json()["replied_at"],
    }
    assert answer.replied_at is not None
    assert answer.explanation_reply.endswith("đính kèm.")
    assert Event.objects.get(kind=Event.Kind.REPLY).new == {"reply": answer.explanation_reply}


def test_a_reply_outside_the_explanation_round_or_on_an_uncontested_leaf_answers_409(
    submitted_danang: Submission, appraiser: User, danang_reporter: User
) -> None:
    client = api(danang_reporter)
    url = f"/api/v1/submissions/{submitted_danang.pk}/answers/%s/reply/"

    before = client.put(url % "1.1.2", {"reply": "Đã bổ sung."}, format="json")
    in_explanation(submitted_danang, appraiser)
    uncontested = client.put(url % "1.1.1", {"reply": "Đúng."}, format="json")

    assert before.status_code == 409
    assert before.json() == {
        "detail": "Chỉ giải trình trong thời gian giải trình; hiện hồ sơ “Đã gửi cơ quan đánh giá”.",
        "code": "not_allowed",
        "leaves": [],
    }
    assert (uncontested.status_code, uncontested.json()["code"]) == (409, "not_allowed")
    assert not Event.objects.filter(kind=Event.Kind.REPLY).exists()


def test_only_the_units_reporter_replies(
    submitted_danang: Submission, appraiser: User, danang_leader: User, hue_reporter: User
) -> None:
    in_explanation(submitted_danang, appraiser)
    url = f"/api/v1/submissions/{submitted_danang.pk}/answers/1.1.2/reply/"

    assert api(danang_leader).put(url, {"reply": "Đúng."}, format="json").status_code == 403
    assert api(appraiser).put(url, {"reply": "Đúng."}, format="json").status_code == 403
    assert api(hue_reporter).put(url, {"reply": "Đúng."}, format="json").status_code == 404
    assert answer_of(submitted_danang, "1.1.2").explanation_reply == ""


# Comments


def test_comments_are_read_newest_first_and_written_by_anyone_who_sees_the_submission(
    danang_submission: Submission, danang_reporter: User, danang_office: User, appraiser: User
) -> None:
    add_comment(submission_id=danang_submission.pk, user=appraiser, text="Đề nghị bổ sung tài liệu 1.1.1.")
    url = f"/api/v1/submissions/{danang_submission.pk}/comments/"

    written = api(danang_office).post(url, {"text": "  Văn phòng đã nhắc Sở Nội vụ.  "}, format="json")
    listed = api(danang_reporter).get(url).json()

    assert written.status_code == 201
    assert written.json() == {
        "id": written.json()["id"], "author": "danang.vanphong", "author_username": "danang.vanphong",
        "organisation": "48", "at": written.json()["at"], "text": "Văn phòng đã nhắc Sở Nội vụ.",
    }  # fmt: skip
    assert listed["count"] == 2
    assert [(row["organisation"], row["text"]) for row in listed["results"]] == [
        ("48", "Văn phòng đã nhắc Sở Nội vụ."),
        ("authority", "Đề nghị bổ sung tài liệu 1.1.1."),
    ]


def test_a_comment_names_its_author_by_the_full_name_when_there_is_one(
    danang_submission: Submission, danang_reporter: User
) -> None:
    danang_reporter.first_name, danang_reporter.last_name = "Lan", "Nguyễn Thị"
    danang_reporter.save()

    body = api(danang_reporter).post(f"/api/v1/submissions/{danang_submission.pk}/comments/", {"text": "Xong."})

    assert (body.json()["author"], body.json()["author_username"]) == ("Lan Nguyễn Thị", "danang.baocao")


def test_an_empty_comment_or_another_units_submission_is_refused(
    danang_submission: Submission, danang_reporter: User, hue_reporter: User
) -> None:
    url = f"/api/v1/submissions/{danang_submission.pk}/comments/"

    empty = api(danang_reporter).post(url, {"text": "   "}, format="json")

    assert (empty.status_code, list(empty.json())) == (400, ["text"])
    assert api(hue_reporter).get(url).status_code == 404
    assert api(hue_reporter).post(url, {"text": "Xin chào."}, format="json").status_code == 404
    assert not Event.objects.filter(kind=Event.Kind.COMMENT).exists()


# History


def test_the_history_lists_every_change_and_step_newest_first(
    danang_submission: Submission, danang_reporter: User
) -> None:
    client = api(danang_reporter)
    base = f"/api/v1/submissions/{danang_submission.pk}"
    client.put(f"{base}/answers/1.1.2/", {"value": 40, "version": 0}, format="json")
    attach(danang_submission, danang_reporter, "1.1.1")
    add_comment(submission_id=danang_submission.pk, user=danang_reporter, text="Đã nhập xong mục 1.")

    body = client.get(f"{base}/history/").json()

    assert [(row["kind"], row["leaf"]) for row in body["results"]] == [
        ("comment", None), ("evidence_added", "1.1.1"), ("answer", "1.1.2"),
    ]  # fmt: skip
    saved = body["results"][2]
    assert saved == {
        "id": saved["id"], "kind": "answer", "at": saved["at"], "actor": "danang.baocao",
        "actor_username": "danang.baocao", "leaf": "1.1.2", "from_state": "", "to_state": "",
        "old": {"value": None, "numerator": None, "denominator": None, "choice": "", "explanation": ""},
        "new": {"value": "40", "numerator": None, "denominator": None, "choice": "", "explanation": ""},
        "comment": "",
    }  # fmt: skip


def test_the_history_of_one_leaf_and_an_unknown_leaf(danang_submission: Submission, danang_reporter: User) -> None:
    client = api(danang_reporter)
    base = f"/api/v1/submissions/{danang_submission.pk}"
    client.put(f"{base}/answers/1.1.2/", {"value": 40, "version": 0}, format="json")
    client.put(f"{base}/answers/1.1.1/", {"value": 1, "version": 0}, format="json")

    one_leaf = client.get(f"{base}/history/", {"leaf": "1.1.2"}).json()
    unknown = client.get(f"{base}/history/", {"leaf": "9.9.9"})

    assert [(row["leaf"], row["new"]["value"]) for row in one_leaf["results"]] == [("1.1.2", "40")]
    assert unknown.status_code == 400
    assert unknown.json() == {"leaf": ["Hồ sơ không có chỉ số “9.9.9”."]}


def test_the_unit_does_not_read_the_appraisal_in_its_history_until_it_is_sent(
    submitted_danang: Submission, appraiser: User, danang_reporter: User
) -> None:
    appraise_answer(answer_id=answer_of(submitted_danang, "1.1.2").pk, user=appraiser, decision="question",
                    reason="Danh sách cán bộ ở đâu?")  # fmt: skip
    url = f"/api/v1/submissions/{submitted_danang.pk}/history/"

    def kinds(user: User, **query: str) -> list[str]:
        return [row["kind"] for row in api(user).get(url, query).json()["results"]]

    during_the_unit = kinds(danang_reporter)
    during_the_authority = kinds(appraiser)
    leaf_during = kinds(danang_reporter, leaf="1.1.2")
    accept_undecided(submission_id=submitted_danang.pk, user=appraiser)
    step(submitted_danang, appraiser, "finish_appraisal")
    after = kinds(danang_reporter)

    assert "appraisal" not in during_the_unit
    assert during_the_unit[0] == "transition"  # the appraisal's start, a step the unit's page shows too
    assert during_the_authority[:2] == ["appraisal", "transition"]
    assert "appraisal" not in leaf_during
    assert after.count("appraisal") == 4  # the question and the three leaves accepted with it
    assert Submission.objects.get(pk=submitted_danang.pk).state == SubmissionState.EXPLANATION


# The authority's own values


def expert_values(campaign: Campaign) -> dict[str, Decimal | None]:
    return dict(
        Submission.objects.filter(campaign=campaign, answers__node__key="2.1.2").values_list(
            "organisation__code", "answers__value"
        )
    )


def test_the_authority_puts_a_campaigns_values_by_unit_and_leaf(campaign: Campaign, appraiser: User) -> None:
    response = api(appraiser).put(
        f"/api/v1/campaigns/{campaign.pk}/authority-values/",
        {"values": {"48": {"2.1.2": 12.5}, "46": {"2.1.2": "9,75"}, "49": {"2.1.2": None}}},
        format="json",
    )
    again = api(appraiser).put(
        f"/api/v1/campaigns/{campaign.pk}/authority-values/", {"values": {"48": {"2.1.2": "12.5"}}}, format="json"
    )

    assert (response.status_code, response.json()) == (200, {"changed": 2})
    assert again.json() == {"changed": 0}
    assert expert_values(campaign) == {"46": Decimal("9.75"), "48": Decimal("12.5"), "49": None}
    written = Event.objects.filter(kind=Event.Kind.AUTHORITY_VALUE)
    assert sorted(event.new["value"] for event in written) == ["12.5", "9.75"]
    assert {event.new["via"] for event in written} == {"api"}


def test_one_bad_value_saves_none_and_every_problem_is_named_by_unit_and_leaf(
    campaign: Campaign, appraiser: User
) -> None:
    response = api(appraiser).put(
        f"/api/v1/campaigns/{campaign.pk}/authority-values/",
        {"values": {"48": {"2.1.2": 12.5}, "46": {"2.1.2": 16, "1.1.1": 1, "9.9": 1},
                    "49": {"2.1.2": "mười"}, "01": {"2.1.2": 1}, "BTC": {"2.1.2": True}}},
        format="json",
    )  # fmt: skip

    assert response.status_code == 400
    assert response.json() == {
        "errors": {
            "46": {
                "2.1.2": ["Điểm phải từ 0 đến 15."],
                "1.1.1": ["Chỉ số 1.1.1 do đơn vị tự báo cáo."],
                "9.9": ["Không có chỉ số “9.9” do cơ quan đánh giá cung cấp trong bộ chỉ số."],
            },
            "49": {"2.1.2": ["Nhập một số, ví dụ 63,56."]},
            "01": {"2.1.2": ["Không có đơn vị “01” trong đợt đánh giá."]},
            "BTC": {"2.1.2": ["Không có đơn vị “BTC” trong đợt đánh giá."]},
        }
    }
    assert expert_values(campaign) == {"46": None, "48": None, "49": None}
    assert not Event.objects.filter(kind=Event.Kind.AUTHORITY_VALUE).exists()


def test_a_finalised_units_value_is_refused_with_the_rest(
    campaign: Campaign, danang_submission: Submission, appraiser: User
) -> None:
    Submission.objects.filter(pk=danang_submission.pk).update(state=SubmissionState.FINALISED)

    response = api(appraiser).put(f"/api/v1/campaigns/{campaign.pk}/authority-values/",
                                  {"values": {"48": {"2.1.2": 12}, "46": {"2.1.2": 9}}}, format="json")  # fmt: skip

    assert response.json() == {
        "errors": {"48": {"2.1.2": ["Kết quả của đơn vị đã chốt; không nhập thêm số liệu được."]}}
    }
    assert expert_values(campaign) == {"46": None, "48": None, "49": None}


def test_only_appraisers_put_authority_values_as_only_they_import_the_sheet(
    campaign: Campaign, danang_reporter: User, administrator: User
) -> None:
    url = f"/api/v1/campaigns/{campaign.pk}/authority-values/"
    body = {"values": {"48": {"2.1.2": 12}}}

    assert api(danang_reporter).put(url, body, format="json").status_code == 403
    assert api(administrator).put(url, body, format="json").status_code == 403
    assert APIClient().put(url, body, format="json").status_code == 401
    assert expert_values(campaign)["48"] is None


def test_a_malformed_body_answers_400_under_values(campaign: Campaign, appraiser: User) -> None:
    response = api(appraiser).put(f"/api/v1/campaigns/{campaign.pk}/authority-values/",
                                  {"values": {"48": [12]}}, format="json")  # fmt: skip

    assert (response.status_code, list(response.json())) == (400, ["values"])


def test_a_value_is_read_by_the_leafs_kind() -> None:
    ratio, levels = Node(rule=Rule.RATIO), Node(rule=Rule.LEVELS, parameters={"levels": [{"label": "Hằng tuần"}]})

    assert authority_input(ratio, {"numerator": 3, "denominator": "40"}) == AnswerInput(
        numerator=Decimal(3), denominator=Decimal(40)
    )
    assert authority_input(levels, " Hằng tuần ") == AnswerInput(choice="Hằng tuần")
    assert authority_input(Node(rule=Rule.MANUAL), 12.5) == AnswerInput(value=Decimal("12.5"))
    with pytest.raises(AnswerInvalid) as a_number_for_a_ratio:
        authority_input(ratio, 7.5)
    with pytest.raises(AnswerInvalid) as a_number_for_levels:
        authority_input(levels, 1)
    assert a_number_for_a_ratio.value.errors == {"value": "Gửi tử số và mẫu số: numerator và denominator."}
    assert a_number_for_levels.value.errors == {"choice": "Chọn một trong các mức: Hằng tuần."}


# The submissions list: pages and filters


@pytest.fixture
def every_submission(campaign: Campaign) -> list[Submission]:
    """The campaign's three units (Huế, Đà Nẵng, Quảng Nam), one of them submitted, one in another region."""
    other = Region.objects.create(code="dong-bang-song-hong", name="Đồng bằng sông Hồng")
    Organisation.objects.filter(code="49").update(region=other)
    Submission.objects.filter(campaign=campaign, organisation__code="46").update(state=SubmissionState.SUBMITTED)
    return list(Submission.objects.filter(campaign=campaign))


def listed(user: User, **query: str | int) -> list[str]:
    response = api(user).get("/api/v1/submissions/", query)
    assert response.status_code == 200, response.json()
    return [row["organisation_code"] for row in response.json()["results"]]


def test_the_submissions_list_comes_in_pages(every_submission: list[Submission], appraiser: User) -> None:
    client = api(appraiser)

    first = client.get("/api/v1/submissions/", {"page_size": 2}).json()
    second = client.get(first["next"]).json()
    past_the_end = client.get("/api/v1/submissions/", {"page_size": 2, "page": 3})

    assert (first["count"], len(first["results"]), first["previous"]) == (3, 2, None)
    assert first["next"] == "http://testserver/api/v1/submissions/?page=2&page_size=2"
    assert (len(second["results"]), second["next"]) == (1, None)
    assert second["previous"] == "http://testserver/api/v1/submissions/?page_size=2"
    assert {row["id"] for row in first["results"] + second["results"]} == {item.pk for item in every_submission}
    assert past_the_end.status_code == 404


def test_the_submissions_list_filters_by_each_parameter(
    every_submission: list[Submission], appraiser: User, administrator: User
) -> None:
    campaign = every_submission[0].campaign
    other_year = open_test_campaign(import_framework(data=small_framework("thu-nghiem-2")), administrator, "DTI 2025")
    Campaign.objects.filter(pk=other_year.pk).update(year=2025)

    assert listed(appraiser, region="dong-bang-song-hong") == ["49", "49"]
    assert listed(appraiser, region="dong-bang-song-hong", year=2024) == ["49"]
    assert listed(appraiser, state="submitted") == ["46"]
    assert listed(appraiser, campaign=campaign.pk) == ["46", "48", "49"]
    assert listed(appraiser, year=2025) == ["46", "48", "49"]
    assert listed(appraiser, year=2025, region="dong-bang-song-hong", state="draft") == ["49"]
    assert listed(appraiser, group="province", year=2024) == ["46", "48", "49"]
    assert listed(appraiser, group="public_services") == []
    assert listed(appraiser, level="ministry") == []
    assert len(listed(appraiser, level="province")) == 6


@pytest.mark.parametrize(
    "query",
    ["region=nowhere", "state=sent", "group=towns", "level=city", "year=20x4", "year=99999999999999999999",
     "campaign=abc", "campaign=999999"],
)  # fmt: skip
def test_a_bad_filter_answers_400_naming_the_parameter(campaign: Campaign, appraiser: User, query: str) -> None:
    response = api(appraiser).get(f"/api/v1/submissions/?{query}")

    assert response.status_code == 400
    assert list(response.json()) == [query.split("=")[0]]


def test_a_filter_never_shows_another_units_submission(every_submission: list[Submission], hue_reporter: User) -> None:
    assert listed(hue_reporter, region="bac-trung-bo-duyen-hai-mien-trung") == ["46"]
    assert listed(hue_reporter, region="dong-bang-song-hong") == []


def test_a_page_size_above_200_gives_200(danang_submission: Submission, danang_reporter: User) -> None:
    Event.objects.bulk_create(
        Event(submission=danang_submission, kind=Event.Kind.COMMENT, actor=danang_reporter, comment=f"Ý kiến {number}")
        for number in range(201)
    )

    body = api(danang_reporter).get(f"/api/v1/submissions/{danang_submission.pk}/comments/", {"page_size": 500}).json()

    assert (body["count"], len(body["results"])) == (201, 200)
    assert body["next"] == f"http://testserver/api/v1/submissions/{danang_submission.pk}/comments/?page=2&page_size=500"


def test_a_user_without_a_unit_role_sees_an_empty_page(
    campaign: Campaign, organisations: dict[str, Organisation]
) -> None:
    nobody = UserFactory.create(username="khach", organisation=organisations["48"])

    assert api(nobody).get("/api/v1/submissions/").json() == {"count": 0, "next": None, "previous": None, "results": []}
