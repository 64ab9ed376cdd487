"""Data entry and the approval chain, through the service functions."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from accounts.models import User
from common.errors import WorkflowError
from submissions.errors import AnswerInvalid, StaleAnswerError
from submissions.models import Answer, Campaign, Event, Notification, Submission
from submissions.services.approval import reopen_submission, transition_submission
from submissions.services.campaigns import open_campaign
from submissions.services.entry import AnswerInput, add_comment, save_answer, upload_evidence
from tests.pdfs import pdf
from tests.submissions.conftest import answer_of, fill_in

pytestmark = pytest.mark.django_db


def test_opening_a_campaign_creates_a_submission_per_unit_of_its_year(campaign: Campaign) -> None:
    codes = list(campaign.submissions.values_list("organisation__code", flat=True))

    assert codes == ["46", "48", "49"]
    assert Answer.objects.filter(submission__campaign=campaign).count() == 3 * 5


def test_a_campaign_on_an_incomplete_framework_opens_only_as_a_trial(campaign: Campaign, administrator: User) -> None:
    campaign.framework.complete = False
    campaign.framework.save()
    campaign.state = Campaign.State.DRAFT
    campaign.save()

    with pytest.raises(WorkflowError, match="chỉ có thể mở ở chế độ chạy thử"):
        open_campaign(campaign=campaign, by=administrator)


def test_saving_an_answer_scores_it_and_records_the_change(
    danang_submission: Submission, danang_reporter: User
) -> None:
    answer = answer_of(danang_submission, "1.1.2")

    saved = save_answer(answer_id=answer.pk, user=danang_reporter, given=AnswerInput(value=Decimal("63.56")),
                        expected_version=0)  # fmt: skip

    assert (saved.version, saved.self_score) == (1, Decimal("19.068"))
    event = Event.objects.get(answer=answer)
    assert (event.kind, event.actor, event.old["value"], event.new["value"]) == (
        "answer",
        danang_reporter,
        None,
        "63.56",
    )


def test_a_stale_save_keeps_the_other_persons_value(danang_submission: Submission, danang_reporter: User) -> None:
    answer = answer_of(danang_submission, "1.1.2")
    save_answer(answer_id=answer.pk, user=danang_reporter, given=AnswerInput(value=Decimal(40)), expected_version=0)

    with pytest.raises(StaleAnswerError, match="Dữ liệu đã được người khác cập nhật – vui lòng tải lại"):
        save_answer(answer_id=answer.pk, user=danang_reporter, given=AnswerInput(value=Decimal(90)), expected_version=0)

    answer.refresh_from_db()
    assert (answer.value, answer.version) == (Decimal(40), 1)
    assert Event.objects.filter(answer=answer).count() == 1


@pytest.mark.parametrize(
    ("key", "given", "errors"),
    [
        ("1.1.2", AnswerInput(value=Decimal(120)), {"value": "Tỷ lệ phải từ 0 đến 100 (%)."}),
        ("1.1.1", AnswerInput(value=Decimal(2)), {"value": "Chọn Có hoặc Không."}),
        ("1.2.1", AnswerInput(choice="Hằng năm"), {"choice": "Chọn một trong các mức: Hằng tuần; Hằng tháng."}),
    ],
)
def test_bad_input_is_refused_next_to_its_field(
    danang_submission: Submission, danang_reporter: User, key: str, given: AnswerInput, errors: dict[str, str]
) -> None:
    answer = answer_of(danang_submission, key)

    with pytest.raises(AnswerInvalid) as raised:
        save_answer(answer_id=answer.pk, user=danang_reporter, given=given, expected_version=0)

    assert raised.value.errors == errors
    answer.refresh_from_db()
    assert answer.version == 0


def test_units_do_not_enter_values_the_authority_provides(danang_submission: Submission, danang_reporter: User) -> None:
    answer = answer_of(danang_submission, "2.1.2")

    with pytest.raises(PermissionDenied):
        save_answer(answer_id=answer.pk, user=danang_reporter, given=AnswerInput(value=Decimal(3)), expected_version=0)


def test_another_units_reporter_cannot_save(danang_submission: Submission, hue_reporter: User) -> None:
    answer = answer_of(danang_submission, "1.1.1")

    with pytest.raises(PermissionDenied):
        save_answer(answer_id=answer.pk, user=hue_reporter, given=AnswerInput(value=Decimal(1)), expected_version=0)


def test_the_chain_runs_from_draft_to_submitted_with_a_return_on_the_way(
    danang_submission: Submission, danang_reporter: User, danang_it_lead: User, danang_leader: User
) -> None:
    fill_in(danang_submission, danang_reporter)

    transition_submission(submission_id=danang_submission.pk, user=danang_reporter, action="submit")
    transition_submission(submission_id=danang_submission.pk, user=danang_it_lead, action="approve")
    transition_submission(submission_id=danang_submission.pk, user=danang_leader, action="return",
                          comment="Bổ sung văn bản cho chỉ số 1.1.1")  # fmt: skip
    transition_submission(submission_id=danang_submission.pk, user=danang_it_lead, action="approve")
    final = transition_submission(submission_id=danang_submission.pk, user=danang_leader, action="approve")

    assert final.state == "submitted"
    steps = list(danang_submission.events.filter(kind="transition").values_list("from_state", "to_state", "comment"))
    assert steps == [
        ("draft", "awaiting_it_lead", ""),
        ("awaiting_it_lead", "awaiting_leader", ""),
        ("awaiting_leader", "awaiting_it_lead", "Bổ sung văn bản cho chỉ số 1.1.1"),
        ("awaiting_it_lead", "awaiting_leader", ""),
        ("awaiting_leader", "submitted", ""),
    ]


def test_a_return_needs_a_reason(danang_submission: Submission, danang_reporter: User, danang_it_lead: User) -> None:
    fill_in(danang_submission, danang_reporter)
    transition_submission(submission_id=danang_submission.pk, user=danang_reporter, action="submit")

    with pytest.raises(AnswerInvalid) as raised:
        transition_submission(submission_id=danang_submission.pk, user=danang_it_lead, action="return", comment=" ")

    assert raised.value.errors == {"comment": "Phải nêu lý do khi trả lại."}
    danang_submission.refresh_from_db()
    assert danang_submission.state == "awaiting_it_lead"


def test_nobody_approves_what_they_submitted(danang_submission: Submission, danang_reporter: User) -> None:
    danang_reporter.roles = ["reporter", "it_lead"]
    danang_reporter.save()
    fill_in(danang_submission, danang_reporter)
    transition_submission(submission_id=danang_submission.pk, user=danang_reporter, action="submit")

    with pytest.raises(PermissionDenied, match="Không ai được tự phê duyệt"):
        transition_submission(submission_id=danang_submission.pk, user=danang_reporter, action="approve")


def test_an_action_not_in_the_table_is_a_workflow_error(danang_submission: Submission, danang_leader: User) -> None:
    with pytest.raises(WorkflowError, match=r"Không thể “approve” khi hồ sơ đang ở trạng thái “Đang nhập số liệu”\."):
        transition_submission(submission_id=danang_submission.pk, user=danang_leader, action="approve")


def test_submitting_needs_evidence_or_an_explanation(danang_submission: Submission, danang_reporter: User) -> None:
    answer = answer_of(danang_submission, "1.1.1")
    save_answer(answer_id=answer.pk, user=danang_reporter, given=AnswerInput(value=Decimal(1)), expected_version=0)
    upload_evidence(answer_id=answer.pk, user=danang_reporter, content=pdf(), original_name="qd.pdf", title="QĐ")

    with pytest.raises(WorkflowError) as raised:
        transition_submission(submission_id=danang_submission.pk, user=danang_reporter, action="submit")

    assert str(raised.value) == (
        "Các chỉ số cần tài liệu kiểm chứng nhưng chưa có tài liệu và chưa giải thích: 1.1.2, 1.2.1, 2.1.1."
    )


def test_data_is_locked_once_submitted_and_unlocked_by_a_return(
    danang_submission: Submission, danang_reporter: User, danang_it_lead: User
) -> None:
    fill_in(danang_submission, danang_reporter)
    transition_submission(submission_id=danang_submission.pk, user=danang_reporter, action="submit")
    answer = answer_of(danang_submission, "1.1.1")

    with pytest.raises(PermissionDenied):
        save_answer(answer_id=answer.pk, user=danang_reporter, given=AnswerInput(value=Decimal(0)),
                    expected_version=answer.version)  # fmt: skip
    transition_submission(submission_id=danang_submission.pk, user=danang_it_lead, action="return", comment="Sửa 1.1.1")
    saved = save_answer(answer_id=answer.pk, user=danang_reporter, given=AnswerInput(value=Decimal(0)),
                        expected_version=answer.version)  # fmt: skip

    assert saved.value == Decimal(0)


def test_after_the_deadline_only_a_reopened_unit_may_edit(
    danang_submission: Submission, danang_reporter: User, administrator: User
) -> None:
    campaign = danang_submission.campaign
    campaign.entry_closes = campaign.entry_opens
    campaign.save()
    answer = answer_of(danang_submission, "1.1.1")
    with pytest.raises(PermissionDenied):
        save_answer(answer_id=answer.pk, user=danang_reporter, given=AnswerInput(value=Decimal(1)), expected_version=0)

    reopen_submission(submission_id=danang_submission.pk, by=administrator, until=campaign.appraisal_closes,
                      reason="Sự cố đường truyền ngày cuối hạn")  # fmt: skip
    saved = save_answer(
        answer_id=answer.pk, user=danang_reporter, given=AnswerInput(value=Decimal(1)), expected_version=0
    )

    assert saved.version == 1
    event = danang_submission.events.get(kind="reopened")
    assert (event.actor, event.comment) == (administrator, "Sự cố đường truyền ngày cuối hạn")


def test_the_next_actor_is_notified(
    danang_submission: Submission, danang_reporter: User, danang_it_lead: User, danang_leader: User
) -> None:
    fill_in(danang_submission, danang_reporter)

    transition_submission(submission_id=danang_submission.pk, user=danang_reporter, action="submit")

    assert list(Notification.objects.values_list("user__username", flat=True)) == ["danang.cntt"]


def test_the_office_can_comment_but_not_act(danang_submission: Submission, danang_office: User) -> None:
    event = add_comment(submission_id=danang_submission.pk, user=danang_office, text="Đề nghị rà soát mục 2.1.")

    assert (event.kind, event.comment) == ("comment", "Đề nghị rà soát mục 2.1.")
    assert danang_submission.allowed_actions(danang_office) == []


def test_history_rows_cannot_be_changed_or_deleted(danang_submission: Submission, danang_office: User) -> None:
    event = add_comment(submission_id=danang_submission.pk, user=danang_office, text="Ý kiến")
    event.comment = "Sửa lại"

    with pytest.raises(WorkflowError, match=r"Lịch sử không được sửa\."):
        event.save()
    with pytest.raises(WorkflowError, match=r"Lịch sử không được xóa\."):
        event.delete()


def test_a_campaign_whose_groups_select_no_unit_does_not_open(campaign: Campaign, administrator: User) -> None:
    empty = Campaign.objects.create(
        name="DTI 2024 cấp bộ (nhầm nhóm)", year=2024, level="ministry", framework=campaign.framework,
        groups=["province"], entry_opens=campaign.entry_opens, entry_closes=campaign.entry_closes,
        appraisal_closes=campaign.appraisal_closes, explanation_closes=campaign.explanation_closes,
        final_appraisal_closes=campaign.final_appraisal_closes, publication_date=campaign.publication_date,
    )  # fmt: skip
    empty.framework.level = "ministry"
    empty.framework.save()

    with pytest.raises(WorkflowError) as refused:
        open_campaign(campaign=empty, by=administrator)

    assert str(refused.value) == (
        "Không có đơn vị nào thuộc nhóm Tỉnh, thành phố trực thuộc Trung ương ở cấp Bộ, ngành năm 2024; "
        "kiểm tra nhóm đánh giá của đợt."
    )
    empty.refresh_from_db()
    assert (empty.state, empty.submissions.count()) == (Campaign.State.DRAFT, 0)


def test_a_campaign_without_any_group_does_not_open(campaign: Campaign, administrator: User) -> None:
    campaign.state, campaign.groups = Campaign.State.DRAFT, []
    campaign.save()

    with pytest.raises(WorkflowError, match="chưa chọn nhóm đánh giá nào"):
        open_campaign(campaign=campaign, by=administrator)


def test_a_number_too_large_to_store_is_refused_next_to_its_field(
    danang_submission: Submission, danang_reporter: User
) -> None:
    # The value columns hold 20 digits, 6 of them decimals: PostgreSQL would fail the save with a 500.
    answer = answer_of(danang_submission, "1.1.2")

    with pytest.raises(AnswerInvalid) as refused:
        save_answer(answer_id=answer.pk, user=danang_reporter, given=AnswerInput(value=Decimal("1e30")),
                    expected_version=answer.version)  # fmt: skip

    assert refused.value.errors == {"value": "Số quá lớn: tối đa 99999999999999."}
    assert answer_of(danang_submission, "1.1.2").version == answer.version
