"""The appraisal, the explanation round and settling the result, through the service functions."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from accounts.models import User
from common.errors import WorkflowError
from scoring.models import Result
from scoring.services import recompute_campaign
from submissions.errors import AnswerInvalid, StaleAnswerError
from submissions.models import Event, Notification, Submission, SubmissionState
from submissions.services.appraisal import (
    accept_undecided,
    appraise_answer,
    assign_appraiser,
    reply_to_appraisal,
    settle_answer,
)
from submissions.services.approval import reopen_submission, transition_submission
from submissions.services.entry import AnswerInput, save_answer
from tests.submissions.conftest import answer_of

pytestmark = pytest.mark.django_db


def adjust(submission: Submission, appraiser: User, key: str, reason: str, **given: object) -> None:
    appraise_answer(
        answer_id=answer_of(submission, key).pk,
        user=appraiser,
        decision="adjust",
        reason=reason,
        given=AnswerInput(**given),  # type: ignore[arg-type]
    )


def step(submission: Submission, user: User, action: str, comment: str = "") -> Submission:
    return transition_submission(submission_id=submission.pk, user=user, action=action, comment=comment)


def final_score(submission: Submission, key: str, stage: str = "final") -> Decimal:
    return Result.objects.get(campaign=submission.campaign, organisation=submission.organisation, key=key).score(stage)


def test_the_first_decision_starts_the_appraisal_and_assigns_the_appraiser(
    submitted_danang: Submission, appraiser: User
) -> None:
    appraise_answer(answer_id=answer_of(submitted_danang, "1.1.1").pk, user=appraiser, decision="accept")

    submitted_danang.refresh_from_db()
    assert (submitted_danang.state, submitted_danang.appraiser) == (SubmissionState.UNDER_APPRAISAL, appraiser)
    kinds = list(submitted_danang.events.order_by("-id").values_list("kind", "new__action", "new__decision")[:2])
    assert kinds == [("appraisal", None, "accept"), ("transition", "start_appraisal", None)]


def test_an_adjustment_needs_a_reason_and_a_value(submitted_danang: Submission, appraiser: User) -> None:
    leaf = answer_of(submitted_danang, "1.1.2")

    with pytest.raises(AnswerInvalid) as no_reason:
        appraise_answer(answer_id=leaf.pk, user=appraiser, decision="adjust", given=AnswerInput(value=Decimal(40)))
    with pytest.raises(AnswerInvalid) as no_value:
        appraise_answer(answer_id=leaf.pk, user=appraiser, decision="adjust", reason="Thiếu danh sách.")
    with pytest.raises(AnswerInvalid) as out_of_range:
        appraise_answer(
            answer_id=leaf.pk,
            user=appraiser,
            decision="adjust",
            reason="Sai số.",
            given=AnswerInput(value=Decimal(140)),
        )

    assert no_reason.value.errors == {"reason": "Phải nêu lý do điều chỉnh."}
    assert no_value.value.errors == {"value": "Nhập giá trị điều chỉnh."}
    assert out_of_range.value.errors == {"value": "Tỷ lệ phải từ 0 đến 100 (%)."}
    assert answer_of(submitted_danang, "1.1.2").appraisal_decision == ""
    assert not submitted_danang.events.filter(kind="appraisal").exists()


def test_only_appraisers_appraise(
    submitted_danang: Submission, danang_leader: User, administrator: User, hue_reporter: User
) -> None:
    for person in (danang_leader, administrator, hue_reporter):
        with pytest.raises(PermissionDenied):
            appraise_answer(answer_id=answer_of(submitted_danang, "1.1.1").pk, user=person, decision="accept")


def test_a_unit_still_entering_data_cannot_be_appraised(danang_submission: Submission, appraiser: User) -> None:
    with pytest.raises(WorkflowError):
        appraise_answer(answer_id=answer_of(danang_submission, "1.1.1").pk, user=appraiser, decision="accept")


def test_two_appraisers_deciding_on_one_leaf_do_not_overwrite_each_other(
    submitted_danang: Submission, appraiser: User, second_appraiser: User
) -> None:
    leaf = answer_of(submitted_danang, "1.1.2")
    seen = leaf.review_version
    adjust(submitted_danang, appraiser, "1.1.2", "Thiếu danh sách cán bộ.", value=Decimal(40))

    with pytest.raises(StaleAnswerError):
        appraise_answer(answer_id=leaf.pk, user=second_appraiser, decision="accept", expected_review_version=seen)

    assert answer_of(submitted_danang, "1.1.2").appraisal_decision == "adjust"


def test_accepting_a_section_accepts_only_leaves_without_a_decision(
    submitted_danang: Submission, appraiser: User
) -> None:
    adjust(submitted_danang, appraiser, "1.1.2", "Thiếu danh sách cán bộ.", value=Decimal(40))

    accepted = accept_undecided(submission_id=submitted_danang.pk, user=appraiser, section_key="1")

    decisions = dict(submitted_danang.answers.values_list("node__key", "appraisal_decision"))
    assert accepted == 2
    assert decisions == {"1.1.1": "accept", "1.1.2": "adjust", "1.2.1": "accept", "2.1.1": "", "2.1.2": ""}
    assert submitted_danang.events.filter(kind="appraisal", new__bulk=True).count() == 2


def test_finishing_needs_a_decision_on_every_self_reported_leaf(submitted_danang: Submission, appraiser: User) -> None:
    accept_undecided(submission_id=submitted_danang.pk, user=appraiser, section_key="1")

    with pytest.raises(WorkflowError) as raised:
        step(submitted_danang, appraiser, "finish_appraisal")

    assert str(raised.value) == "Còn chỉ số chưa có kết luận thẩm định: 2.1.1."


def test_the_unit_sees_the_appraisal_only_once_it_is_finished(
    submitted_danang: Submission, appraiser: User, danang_reporter: User
) -> None:
    adjust(submitted_danang, appraiser, "1.1.2", "Thiếu danh sách cán bộ.", value=Decimal(40))
    submitted_danang.refresh_from_db()
    assert not submitted_danang.shows_appraisal_to(danang_reporter)
    assert submitted_danang.shows_appraisal_to(appraiser)

    accept_undecided(submission_id=submitted_danang.pk, user=appraiser)
    step(submitted_danang, appraiser, "finish_appraisal")

    submitted_danang.refresh_from_db()
    assert submitted_danang.state == SubmissionState.EXPLANATION
    assert submitted_danang.shows_appraisal_to(danang_reporter)


def test_the_whole_round_from_appraisal_to_the_final_result(
    submitted_danang: Submission,
    appraiser: User,
    danang_reporter: User,
    danang_it_lead: User,
    danang_leader: User,
) -> None:
    assign_appraiser(submission_ids=[submitted_danang.pk], appraiser=appraiser, by=appraiser)
    adjust(submitted_danang, appraiser, "1.1.2", "Danh sách tập huấn chỉ có 40 % cán bộ.", value=Decimal(40))
    adjust(submitted_danang, appraiser, "2.1.1", "Hệ thống giám sát ghi nhận 20 % máy nhiễm.", value=Decimal(20))
    accept_undecided(submission_id=submitted_danang.pk, user=appraiser)
    step(submitted_danang, appraiser, "finish_appraisal")
    reply_to_appraisal(
        answer_id=answer_of(submitted_danang, "2.1.1").pk,
        user=danang_reporter,
        reply="Số liệu 20 % gồm cả máy đã gỡ mã độc; tỷ lệ đúng là 10 %.",
    )
    step(submitted_danang, danang_reporter, "submit_explanation")
    with pytest.raises(PermissionDenied):
        step(submitted_danang, danang_it_lead, "approve")
    step(submitted_danang, danang_leader, "approve")
    with pytest.raises(WorkflowError) as unsettled:
        step(submitted_danang, appraiser, "finalise")
    settle_answer(answer_id=answer_of(submitted_danang, "1.1.2").pk, user=appraiser, decision="keep")
    settle_answer(
        answer_id=answer_of(submitted_danang, "2.1.1").pk,
        user=appraiser,
        decision="revise",
        reason="Chấp nhận giải trình một phần: 10 % máy nhiễm.",
        given=AnswerInput(value=Decimal(10)),
    )
    finalised = step(submitted_danang, appraiser, "finalise")
    recompute_campaign(campaign_id=submitted_danang.campaign_id)

    assert str(unsettled.value) == "Còn chỉ số đang giải trình chưa được kết luận: 1.1.2, 2.1.1."
    assert finalised.state == SubmissionState.FINALISED
    assert [final_score(submitted_danang, "1.1.2", stage) for stage in ("self", "appraised", "final")] == [
        Decimal("19.068"),
        Decimal(12),
        Decimal(12),
    ]
    assert [final_score(submitted_danang, "2.1.1", stage) for stage in ("self", "appraised", "final")] == [
        Decimal("23.75"),
        Decimal(20),
        Decimal("22.5"),
    ]
    assert [final_score(submitted_danang, "DTI", stage) for stage in ("self", "appraised", "final")] == [
        Decimal("62.818"),
        Decimal(52),
        Decimal("54.5"),
    ]
    states = list(submitted_danang.events.filter(kind="transition").values_list("to_state", flat=True))
    assert states[-5:] == ["under_appraisal", "explanation", "explanation_awaiting_leader", "final_appraisal",
                           "finalised"]  # fmt: skip
    # The unit hears of the finished appraisal; the appraiser of the approved explanation.
    assert Notification.objects.filter(user=danang_reporter, submission=submitted_danang).exists()
    assert Notification.objects.filter(user=appraiser, message__contains="Đang thẩm định lại").exists()


def test_only_contested_leaves_take_a_reply_and_only_in_the_explanation_round(
    submitted_danang: Submission, appraiser: User, danang_reporter: User, hue_reporter: User
) -> None:
    adjust(submitted_danang, appraiser, "1.1.2", "Thiếu danh sách cán bộ.", value=Decimal(40))
    contested = answer_of(submitted_danang, "1.1.2").pk
    # The unit's reporter before the round opens: a matter of state, not of role.
    with pytest.raises(WorkflowError):
        reply_to_appraisal(answer_id=contested, user=danang_reporter, reply="Đã bổ sung.")
    accept_undecided(submission_id=submitted_danang.pk, user=appraiser)
    step(submitted_danang, appraiser, "finish_appraisal")

    with pytest.raises(WorkflowError):
        reply_to_appraisal(answer_id=answer_of(submitted_danang, "1.1.1").pk, user=danang_reporter, reply="Đúng.")
    with pytest.raises(PermissionDenied):
        reply_to_appraisal(answer_id=contested, user=hue_reporter, reply="Đúng.")
    with pytest.raises(AnswerInvalid):
        reply_to_appraisal(answer_id=contested, user=danang_reporter, reply="  ")


def test_the_administrator_reopens_a_finalised_result_with_a_reason(
    submitted_danang: Submission, appraiser: User, administrator: User
) -> None:
    accept_undecided(submission_id=submitted_danang.pk, user=appraiser)
    for action, user in [("finish_appraisal", appraiser)]:
        step(submitted_danang, user, action)
    Submission.objects.filter(pk=submitted_danang.pk).update(state=SubmissionState.FINALISED)

    with pytest.raises(AnswerInvalid):
        step(submitted_danang, administrator, "reopen")
    with pytest.raises(PermissionDenied):
        step(submitted_danang, appraiser, "reopen", "Sai sót.")
    reopened = step(submitted_danang, administrator, "reopen", "Đơn vị phát hiện sai sót số liệu.")

    assert reopened.state == SubmissionState.FINAL_APPRAISAL
    assert submitted_danang.events.filter(kind="transition", comment="Đơn vị phát hiện sai sót số liệu.").exists()


def test_a_change_by_the_unit_after_review_is_flagged_with_what_changed(
    submitted_danang: Submission, appraiser: User, administrator: User, danang_reporter: User
) -> None:
    accept_undecided(submission_id=submitted_danang.pk, user=appraiser)
    reopen_submission(
        submission_id=submitted_danang.pk,
        by=administrator,
        until=timezone.localdate() + datetime.timedelta(days=3),
        reason="Đơn vị bổ sung số liệu tập huấn.",
    )
    leaf = answer_of(submitted_danang, "1.1.2")
    save_answer(
        answer_id=leaf.pk, user=danang_reporter, given=AnswerInput(value=Decimal(70)), expected_version=leaf.version
    )

    changed = [
        answer.node.key for answer in submitted_danang.answers.select_related("node") if answer.changed_since_review()
    ]
    leaf.refresh_from_db()
    assert changed == ["1.1.2"]
    assert (leaf.reviewed_report["value"], leaf.reported()["value"]) == ("63.56", "70")


def test_assigning_takes_an_appraiser_and_is_recorded(
    submitted_danang: Submission, appraiser: User, administrator: User, danang_leader: User
) -> None:
    with pytest.raises(AnswerInvalid):
        assign_appraiser(submission_ids=[submitted_danang.pk], appraiser=danang_leader, by=administrator)
    with pytest.raises(PermissionDenied):
        assign_appraiser(submission_ids=[submitted_danang.pk], appraiser=appraiser, by=danang_leader)

    changed = assign_appraiser(submission_ids=[submitted_danang.pk], appraiser=appraiser, by=administrator)

    submitted_danang.refresh_from_db()
    assert (changed, submitted_danang.appraiser) == (1, appraiser)
    assert submitted_danang.events.get(kind=Event.Kind.ASSIGNED).new == {"appraiser": appraiser.username}
    assert list(Submission.objects.awaiting(appraiser)) == [submitted_danang]


def test_the_api_the_unit_page_and_the_report_agree_on_the_points_lost(
    submitted_danang: Submission, appraiser: User, danang_reporter: User
) -> None:
    from rest_framework.test import APIClient

    from scoring.reports import points_lost
    from submissions.views.appraisal import appraisal_outcome

    adjust(submitted_danang, appraiser, "1.1.2", "Danh sách tập huấn chỉ có 40 % cán bộ.", value=Decimal(40))
    accept_undecided(submission_id=submitted_danang.pk, user=appraiser)
    step(submitted_danang, appraiser, "finish_appraisal")
    recompute_campaign(campaign_id=submitted_danang.campaign_id)
    submitted_danang.refresh_from_db()
    client = APIClient()
    client.force_authenticate(danang_reporter)

    answers = client.get(f"/api/v1/submissions/{submitted_danang.pk}/").json()["answers"]
    from_api = {key: Decimal(str(row["points_lost"])) for key, row in answers.items() if row["points_lost"]}
    page = {row["answer"].node.key: row["lost"] for row in appraisal_outcome(submitted_danang, danang_reporter)}
    report = {row.key: row.lost for row in points_lost(submitted_danang).leaves}

    assert from_api == {"1.1.2": Decimal("7.068")}
    assert page == {"1.1.2": Decimal("7.068")}
    assert report == {"1.1.2": Decimal("7.068")}
