"""A unit's year through the API in a dozen requests: leaves with what a program needs to fill them,
bulk writes that save everything or nothing, and refusals a program can act on."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from accounts.models import User
from submissions.models import Answer, Event, Submission
from submissions.services.entry import AnswerInput, save_answer
from submissions.signals import campaign_values_changed
from tests.pdfs import pdf
from tests.submissions.conftest import answer_of

pytestmark = pytest.mark.django_db

PASSWORD = "Mat-khau-thu-2026"


class Integrator:
    """A province's reporting system: one client per person, and every request it sends counted."""

    def __init__(self) -> None:
        self.requests = 0

    def sign_in(self, user: User) -> APIClient:
        client = APIClient()
        self.requests += 1
        response = client.post("/api/v1/auth/token/", {"username": user.username, "password": PASSWORD}, format="json")
        assert response.status_code == 200
        client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
        return client

    def send(self, client: APIClient, method: str, url: str, body: Any = None, **options: Any) -> Any:
        self.requests += 1
        return getattr(client, method)(url, body, **({"format": "json"} | options))


def a_full_answer(answer: dict[str, Any]) -> dict[str, Any]:
    """A value that earns the leaf's full points, read from its rule and parameters alone."""
    parameters = answer["parameters"]
    if answer["rule"] == "ratio":
        return {"numerator": 48, "denominator": 48}
    if answer["rule"] == "levels":
        return {"choice": parameters["levels"][0]["key"]}
    if answer["rule"] == "percentage":
        return {"value": parameters["target"]}
    if answer["rule"] == "manual":
        return {"value": answer["max_points"]}
    return {"value": 1}


def test_a_province_takes_its_year_from_draft_to_the_released_appraisal_in_twelve_requests(
    danang_2022: Submission,
    danang_reporter: User,
    danang_it_lead: User,
    danang_leader: User,
    appraiser: User,
) -> None:
    system = Integrator()
    base = f"/api/v1/submissions/{danang_2022.pk}"
    reporter = system.sign_in(danang_reporter)
    detail = system.send(reporter, "get", f"{base}/").json()
    own = {key: answer for key, answer in detail["answers"].items() if answer["source"] == "self_report"}
    with_evidence = next(key for key, answer in own.items() if answer["evidence_required"])
    body = {
        key: {**a_full_answer(answer), "version": answer["version"]}
        | (
            {"explanation": "Số liệu theo báo cáo của Sở"}
            if answer["evidence_required"] and key != with_evidence
            else {}
        )
        for key, answer in own.items()
    }
    saved = system.send(reporter, "put", f"{base}/answers/", {"answers": body})
    upload = system.send(
        reporter,
        "post",
        f"{base}/answers/{with_evidence}/evidence/",
        {"file": SimpleUploadedFile("qd.pdf", pdf(), "application/pdf"), "title": "Quyết định"},
        format="multipart",
    )
    submitted = system.send(reporter, "post", f"{base}/transitions/", {"action": "submit", "from_state": "draft"})
    it_lead = system.sign_in(danang_it_lead)
    system.send(it_lead, "post", f"{base}/transitions/", {"action": "approve", "from_state": "awaiting_it_lead"})
    leader = system.sign_in(danang_leader)
    approved = system.send(
        leader, "post", f"{base}/transitions/", {"action": "approve", "from_state": "awaiting_leader"}
    )
    authority = system.sign_in(appraiser)
    adjusted = next(key for key, answer in own.items() if answer["rule"] == "ratio")
    decisions = {key: {"decision": "accept", "review_version": 0} for key in own} | {
        adjusted: {"decision": "adjust", "numerator": 24, "denominator": 48, "review_version": 0,
                   "reason": "Văn bản chỉ chứng minh một nửa số người lao động."}
    }  # fmt: skip
    decided = system.send(authority, "post", f"{base}/appraisal/", {"decisions": decisions})
    released = system.send(
        authority, "post", f"{base}/transitions/", {"action": "finish_appraisal", "from_state": "under_appraisal"}
    )

    assert system.requests == 12
    assert saved.status_code == 200
    assert {key: row["version"] for key, row in saved.json()["answers"].items()} == dict.fromkeys(own, 1)
    assert all(Decimal(str(row["self_score"])) == Decimal(str(own[key]["max_points"]))
               for key, row in saved.json()["answers"].items())  # fmt: skip
    assert upload.status_code == 201
    assert submitted.json()["state"] == "awaiting_it_lead"
    assert approved.json()["state"] == "submitted"
    assert decided.status_code == 200
    assert decided.json()["decisions"][adjusted]["decision"] == "adjust"
    assert released.json() == {"id": danang_2022.pk, "state": "explanation"}
    seen = APIClient()
    seen.force_authenticate(danang_reporter)
    answers = seen.get(f"{base}/").json()["answers"]
    assert answers[adjusted]["appraised_value"] == 50
    assert answers[adjusted]["appraisal_reason"] == "Văn bản chỉ chứng minh một nửa số người lao động."
    assert {answers[key]["appraisal_decision"] for key in own if key != adjusted} == {"accept"}


def test_each_answer_carries_its_leafs_name_code_place_rule_and_parameters(
    danang_submission: Submission, danang_reporter: User
) -> None:
    client = APIClient()
    client.force_authenticate(danang_reporter)

    answers = client.get(f"/api/v1/submissions/{danang_submission.pk}/").json()["answers"]

    described = {key: {name: answers[key][name] for name in ("name", "code", "path", "evidence_required",
                                                             "unit_of_measure", "rule", "parameters", "applicable")}
                 for key in ("1.1.1", "1.1.2", "1.2.1", "2.1.1")}  # fmt: skip
    assert described == {
        "1.1.1": {"name": "Có chuyên mục chuyển đổi số", "code": "1.1.1", "path": ["Nhận thức số", "Tuyên truyền"],
                  "evidence_required": True, "unit_of_measure": "", "rule": "boolean", "parameters": {},
                  "applicable": True},
        "1.1.2": {"name": "Tỷ lệ cán bộ được tập huấn", "code": "1.1.2", "path": ["Nhận thức số", "Tuyên truyền"],
                  "evidence_required": True, "unit_of_measure": "", "rule": "percentage",
                  "parameters": {"target": 100, "direction": "higher_is_better"}, "applicable": True},
        "1.2.1": {"name": "Tần suất phát sóng", "code": "1.2.1", "path": ["Nhận thức số", "Chỉ đạo"],
                  "evidence_required": True, "unit_of_measure": "", "rule": "levels",
                  "parameters": {"levels": [{"key": "1", "label": "Hằng tuần", "fraction": 1},
                                            {"key": "2", "label": "Hằng tháng", "fraction": 0.5}]},
                  "applicable": True},
        "2.1.1": {"name": "Tỷ lệ máy tính nhiễm mã độc", "code": "2.1.1", "path": ["An toàn thông tin", "Mã độc"],
                  "evidence_required": True, "unit_of_measure": "", "rule": "percentage",
                  "parameters": {"target": 100, "direction": "lower_is_better"}, "applicable": True},
    }  # fmt: skip


def test_a_leaf_not_counted_for_the_units_group_says_it_is_not_applicable(
    danang_submission: Submission, danang_reporter: User
) -> None:
    node = answer_of(danang_submission, "1.1.2").node
    node.not_applicable_groups = [danang_submission.organisation.group]
    node.save(update_fields=["not_applicable_groups"])
    client = APIClient()
    client.force_authenticate(danang_reporter)

    answers = client.get(f"/api/v1/submissions/{danang_submission.pk}/").json()["answers"]

    assert (answers["1.1.2"]["applicable"], answers["1.1.1"]["applicable"]) == (False, True)


@pytest.fixture
def reporter_client(danang_reporter: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(danang_reporter)
    return client


def bulk(client: APIClient, submission: Submission, answers: dict[str, Any]) -> Any:
    return client.put(f"/api/v1/submissions/{submission.pk}/answers/", {"answers": answers}, format="json")


def stored(submission: Submission) -> dict[str, tuple[int, Any, Any, str]]:
    return {answer.node.key: (answer.version, answer.value, answer.numerator, answer.choice)
            for answer in submission.answers.select_related("node")}  # fmt: skip


def test_one_bad_leaf_refuses_the_whole_bulk_write_with_every_error_by_leaf_and_field(
    danang_submission: Submission, reporter_client: APIClient
) -> None:
    before = stored(danang_submission)

    response = bulk(reporter_client, danang_submission, {
        "1.1.1": {"value": 1, "version": 0},
        "1.1.2": {"value": 150, "version": 0},
        "1.2.1": {"choice": "Hằng năm", "version": 0},
        "9.9": {"value": 1, "version": 0},
    })  # fmt: skip

    assert response.status_code == 400
    assert response.json() == {
        "errors": {
            "1.1.2": {"value": ["Tỷ lệ phải từ 0 đến 100 (%)."]},
            "1.2.1": {"choice": ["Chọn một trong các mức: Hằng tuần; Hằng tháng."]},
            "9.9": {"leaf": ["Không có chỉ số “9.9” trong bộ chỉ số của hồ sơ."]},
        }
    }
    assert stored(danang_submission) == before
    assert not Event.objects.filter(submission=danang_submission, kind=Event.Kind.ANSWER).exists()


def test_a_malformed_entry_is_reported_under_its_leaf(
    danang_submission: Submission, reporter_client: APIClient
) -> None:
    response = bulk(
        reporter_client, danang_submission, {"1.1.1": {"value": "nhiều"}, "1.1.2": {"value": 50, "version": 0}}
    )

    assert response.status_code == 400
    assert response.json() == {
        "errors": {"1.1.1": {"value": ["Cần nhập một số hợp lệ."], "version": ["Trường này là bắt buộc."]}}
    }
    assert stored(danang_submission)["1.1.2"][0] == 0


def test_a_leaf_saved_by_someone_since_it_was_read_refuses_the_whole_bulk_write(
    danang_submission: Submission, danang_reporter: User, reporter_client: APIClient
) -> None:
    save_answer(answer_id=answer_of(danang_submission, "1.1.2").pk, user=danang_reporter,
                given=AnswerInput(value=Decimal(40)), expected_version=0)  # fmt: skip

    response = bulk(reporter_client, danang_submission, {
        "1.1.1": {"value": 1, "version": 0}, "1.1.2": {"value": 90, "version": 0},
    })  # fmt: skip

    assert response.status_code == 409
    assert response.json()["stale"] == ["1.1.2"]
    assert stored(danang_submission)["1.1.1"] == (0, None, None, "")
    assert stored(danang_submission)["1.1.2"][:2] == (1, Decimal(40))


def test_a_bulk_write_asks_for_one_recompute_however_many_leaves_change(
    danang_submission: Submission, reporter_client: APIClient
) -> None:
    heard: list[int] = []

    def listen(sender: Any, campaign_id: int, **kwargs: Any) -> None:
        heard.append(campaign_id)

    campaign_values_changed.connect(listen)
    try:
        response = bulk(reporter_client, danang_submission, {
            "1.1.1": {"value": 1, "version": 0}, "1.1.2": {"value": 90, "version": 0},
            "1.2.1": {"choice": "2", "version": 0}, "2.1.1": {"value": 5, "version": 0},
        })  # fmt: skip
    finally:
        campaign_values_changed.disconnect(listen)

    assert response.status_code == 200
    assert heard == [danang_submission.campaign_id]
    assert stored(danang_submission)["1.2.1"] == (1, None, None, "Hằng tháng")
    assert response.json()["answers"]["1.2.1"] == {"version": 1, "self_score": 10}
    assert Event.objects.filter(submission=danang_submission, kind=Event.Kind.ANSWER).count() == 4


@pytest.mark.parametrize("path", ["answers/1.1.2/", "answers/"])
def test_a_field_the_leafs_rule_does_not_read_is_refused_not_ignored(
    danang_submission: Submission, reporter_client: APIClient, path: str
) -> None:
    body: dict[str, Any] = {"numerator": 3, "denominator": 4, "version": 0}
    url = f"/api/v1/submissions/{danang_submission.pk}/{path}"

    response = reporter_client.put(url, {"answers": {"1.1.2": body}} if path == "answers/" else body, format="json")

    assert response.status_code == 400
    message = ["Chỉ số này nhập một giá trị (value)."]
    expected = {"numerator": message, "denominator": message}
    assert response.json() == ({"errors": {"1.1.2": expected}} if path == "answers/" else expected)
    assert stored(danang_submission)["1.1.2"][0] == 0


def test_a_value_sent_to_a_ratio_leaf_is_refused(danang_2022: Submission, danang_reporter: User) -> None:
    client = APIClient()
    client.force_authenticate(danang_reporter)

    response = client.put(f"/api/v1/submissions/{danang_2022.pk}/answers/4.10/", {"value": 50, "version": 0},
                          format="json")  # fmt: skip

    assert response.status_code == 400
    assert response.json() == {"value": ["Chỉ số này nhập tử số và mẫu số (numerator, denominator)."]}


def test_a_submit_refused_for_missing_evidence_names_every_blocking_leaf(
    danang_2022: Submission, danang_reporter: User
) -> None:
    client = APIClient()
    client.force_authenticate(danang_reporter)
    expected = list(
        danang_2022.answers.filter(node__evidence_required=True, node__source="self_report")
        .order_by("node__order")
        .values_list("node__key", flat=True)
    )

    response = client.post(f"/api/v1/submissions/{danang_2022.pk}/transitions/",
                           {"action": "submit", "from_state": "draft"}, format="json")  # fmt: skip

    assert response.status_code == 409
    body = response.json()
    assert (body["code"], body["leaves"]) == ("missing_evidence", expected)
    assert len(expected) == 39
    assert body["detail"].startswith("Các chỉ số cần tài liệu kiểm chứng nhưng chưa có tài liệu và chưa giải thích: ")


def test_a_refusal_for_the_state_says_so_with_no_blocking_leaf(
    danang_submission: Submission, danang_leader: User
) -> None:
    client = APIClient()
    client.force_authenticate(danang_leader)

    response = client.post(f"/api/v1/submissions/{danang_submission.pk}/transitions/",
                           {"action": "approve", "from_state": "awaiting_leader"}, format="json")  # fmt: skip

    assert response.status_code == 409
    assert {key: response.json()[key] for key in ("code", "state", "leaves")} == {
        "code": "state_changed", "state": "draft", "leaves": []
    }  # fmt: skip


def test_an_unknown_action_is_bad_input(danang_submission: Submission, reporter_client: APIClient) -> None:
    response = reporter_client.post(f"/api/v1/submissions/{danang_submission.pk}/transitions/",
                                    {"action": "xyz", "from_state": "draft"}, format="json")  # fmt: skip

    assert response.status_code == 400
    assert response.json() == {"action": ['"xyz" không phải là lựa chọn hợp lệ.']}


@pytest.fixture
def appraiser_client(appraiser: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(appraiser)
    return client


def decide(client: APIClient, submission: Submission, decisions: dict[str, Any]) -> Any:
    return client.post(f"/api/v1/submissions/{submission.pk}/appraisal/", {"decisions": decisions}, format="json")


def decisions_of(submission: Submission) -> dict[str, tuple[str, int]]:
    return {answer.node.key: (answer.appraisal_decision, answer.review_version)
            for answer in Answer.objects.filter(submission=submission).select_related("node")}  # fmt: skip


def test_one_refused_decision_records_none_of_the_bulk_appraisal(
    submitted_danang: Submission, appraiser_client: APIClient
) -> None:
    before = decisions_of(submitted_danang)

    response = decide(appraiser_client, submitted_danang, {
        "1.1.1": {"decision": "accept", "review_version": 0},
        "1.1.2": {"decision": "adjust", "value": 40, "review_version": 0},
        "2.1.2": {"decision": "accept", "review_version": 0},
    })  # fmt: skip

    assert response.status_code == 400
    assert response.json() == {"errors": {
        "1.1.2": {"reason": ["Phải nêu lý do điều chỉnh."]},
        "2.1.2": {"decision": ["Chỉ số này do cơ quan đánh giá cung cấp: nhập giá trị, không thẩm định."]},
    }}  # fmt: skip
    assert decisions_of(submitted_danang) == before
    assert Submission.objects.get(pk=submitted_danang.pk).state == "submitted"


def test_a_leaf_decided_by_another_appraiser_since_refuses_the_bulk_appraisal(
    submitted_danang: Submission, appraiser_client: APIClient, second_appraiser: User
) -> None:
    other = APIClient()
    other.force_authenticate(second_appraiser)
    assert decide(other, submitted_danang, {"1.1.1": {"decision": "accept", "review_version": 0}}).status_code == 200

    response = decide(appraiser_client, submitted_danang, {
        "1.1.1": {"decision": "question", "reason": "Văn bản nào?", "review_version": 0},
        "1.1.2": {"decision": "accept", "review_version": 0},
    })  # fmt: skip

    assert response.status_code == 409
    assert response.json()["stale"] == ["1.1.1"]
    assert decisions_of(submitted_danang)["1.1.1"] == ("accept", 1)
    assert decisions_of(submitted_danang)["1.1.2"] == ("", 0)


def test_a_unit_cannot_decide_on_its_own_leaves(submitted_danang: Submission, danang_leader: User) -> None:
    client = APIClient()
    client.force_authenticate(danang_leader)

    response = decide(client, submitted_danang, {"1.1.1": {"decision": "accept", "review_version": 0}})

    assert response.status_code == 403
    assert decisions_of(submitted_danang)["1.1.1"] == ("", 0)


def test_after_the_explanation_one_request_settles_every_contested_leaf(
    submitted_danang: Submission, appraiser_client: APIClient, danang_reporter: User, danang_leader: User
) -> None:
    decide(appraiser_client, submitted_danang, {
        "1.1.1": {"decision": "accept", "review_version": 0},
        "1.1.2": {"decision": "adjust", "value": 40, "reason": "Danh sách chỉ có 40 %.", "review_version": 0},
        "1.2.1": {"decision": "accept", "review_version": 0},
        "2.1.1": {"decision": "question", "reason": "Nguồn số liệu?", "review_version": 0},
    })  # fmt: skip
    reporter, leader = APIClient(), APIClient()
    reporter.force_authenticate(danang_reporter)
    leader.force_authenticate(danang_leader)
    for client, action, state in [(appraiser_client, "finish_appraisal", "under_appraisal"),
                                  (reporter, "submit_explanation", "explanation"),
                                  (leader, "approve", "explanation_awaiting_leader")]:  # fmt: skip
        step = client.post(f"/api/v1/submissions/{submitted_danang.pk}/transitions/",
                           {"action": action, "from_state": state}, format="json")  # fmt: skip
        assert step.status_code == 200

    response = decide(appraiser_client, submitted_danang, {
        "1.1.2": {"decision": "keep", "review_version": 1},
        "2.1.1": {"decision": "revise", "value": 10, "reason": "Chấp nhận giải trình: 10 %.", "review_version": 1},
    })  # fmt: skip

    assert response.status_code == 200
    assert {key: (row["final_decision"], row["final_value"]) for key, row in response.json()["decisions"].items()} == {
        "1.1.2": ("keep", None), "2.1.1": ("revise", 10),
    }  # fmt: skip
    finalise = {"action": "finalise", "from_state": "final_appraisal"}
    finalised = appraiser_client.post(
        f"/api/v1/submissions/{submitted_danang.pk}/transitions/", finalise, format="json"
    )
    assert finalised.json()["state"] == "finalised"


def test_a_bulk_body_of_more_leaves_than_any_framework_has_is_refused_before_any_is_read(
    danang_submission: Submission, reporter_client: APIClient
) -> None:
    response = bulk(reporter_client, danang_submission, {f"9.{n}": {"value": 1, "version": 0} for n in range(1001)})

    assert response.status_code == 400
    assert response.json() == {"answers": ["Tối đa 1000 chỉ số trong một yêu cầu."]}
