"""Every step names the state it acts on, and one person takes at most one step of a round of the
approval chain: the reporter who put it forward, the IT lead who approved and the leader who approves
are three people."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import Organisation, Role, User
from common.errors import WorkflowError
from submissions.errors import AnswerInvalid, StateChanged
from submissions.models import Event, Submission, SubmissionState
from submissions.services.approval import transition_submission
from tests.factories import UserFactory
from tests.submissions.conftest import fill_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def danang_it_lead_and_leader(organisations: dict[str, Organisation]) -> User:
    """An account holding both approver roles of the unit (a small unit's director, say)."""
    return UserFactory.create(
        username="danang.giamdoc", organisation=organisations["48"], roles=[Role.IT_LEAD, Role.LEADER]
    )


@pytest.fixture
def awaiting_it_lead(danang_submission: Submission, danang_reporter: User) -> Submission:
    fill_in(danang_submission, danang_reporter)
    return transition_submission(submission_id=danang_submission.pk, user=danang_reporter, action="submit")


def api(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_one_account_with_both_approver_roles_cannot_approve_both_steps(
    awaiting_it_lead: Submission, danang_it_lead_and_leader: User
) -> None:
    transition_submission(submission_id=awaiting_it_lead.pk, user=danang_it_lead_and_leader, action="approve")
    events = Event.objects.filter(submission=awaiting_it_lead).count()

    with pytest.raises(PermissionDenied, match="Mỗi bước phê duyệt do một người khác thực hiện"):
        transition_submission(submission_id=awaiting_it_lead.pk, user=danang_it_lead_and_leader, action="approve")

    awaiting_it_lead.refresh_from_db()
    assert awaiting_it_lead.state == SubmissionState.AWAITING_LEADER
    assert Event.objects.filter(submission=awaiting_it_lead).count() == events


def test_the_reporter_who_put_the_data_forward_cannot_approve_it_with_another_role(
    awaiting_it_lead: Submission, danang_reporter: User, danang_it_lead: User
) -> None:
    danang_reporter.roles = [Role.REPORTER, Role.LEADER]
    danang_reporter.save()
    transition_submission(submission_id=awaiting_it_lead.pk, user=danang_it_lead, action="approve")

    with pytest.raises(PermissionDenied, match="Không ai được tự phê duyệt hồ sơ do chính mình trình"):
        transition_submission(submission_id=awaiting_it_lead.pk, user=danang_reporter, action="approve")


def test_after_a_return_the_it_lead_approves_their_own_step_again_and_the_leader_theirs(
    awaiting_it_lead: Submission, danang_it_lead: User, danang_leader: User
) -> None:
    pk = awaiting_it_lead.pk
    transition_submission(submission_id=pk, user=danang_it_lead, action="approve")
    transition_submission(submission_id=pk, user=danang_leader, action="return", comment="Bổ sung văn bản 1.1.2")
    transition_submission(submission_id=pk, user=danang_it_lead, action="approve")
    submitted = transition_submission(submission_id=pk, user=danang_leader, action="approve")

    assert submitted.state == SubmissionState.SUBMITTED


def test_a_new_round_after_a_return_to_draft_lets_the_same_people_take_their_steps(
    awaiting_it_lead: Submission, danang_reporter: User, danang_it_lead_and_leader: User, danang_leader: User
) -> None:
    pk = awaiting_it_lead.pk
    transition_submission(submission_id=pk, user=danang_it_lead_and_leader, action="return", comment="Thiếu số liệu")
    transition_submission(submission_id=pk, user=danang_reporter, action="submit")
    transition_submission(submission_id=pk, user=danang_it_lead_and_leader, action="approve")

    with pytest.raises(PermissionDenied):
        transition_submission(submission_id=pk, user=danang_it_lead_and_leader, action="approve")
    assert (
        transition_submission(submission_id=pk, user=danang_leader, action="approve").state == SubmissionState.SUBMITTED
    )


def test_a_second_approval_sent_on_the_state_already_left_is_refused_with_the_current_state(
    awaiting_it_lead: Submission, danang_it_lead: User, danang_it_lead_and_leader: User
) -> None:
    base = f"/api/v1/submissions/{awaiting_it_lead.pk}/transitions/"
    seen = {"action": "approve", "from_state": "awaiting_it_lead"}

    first = api(danang_it_lead).post(base, seen, format="json")
    second = api(danang_it_lead_and_leader).post(base, seen, format="json")

    assert (first.status_code, first.json()["state"]) == (200, "awaiting_leader")
    assert second.status_code == 409
    assert second.json() == {
        "detail": "Hồ sơ đã chuyển sang trạng thái “Chờ lãnh đạo tỉnh/bộ duyệt”; bước “Phê duyệt” không được "
        "thực hiện. Tải lại trang.",
        "code": "state_changed",
        "state": "awaiting_leader",
        "leaves": [],
    }
    awaiting_it_lead.refresh_from_db()
    assert awaiting_it_lead.state == SubmissionState.AWAITING_LEADER


def test_a_step_without_the_state_it_acts_on_is_refused_by_the_api(
    awaiting_it_lead: Submission, danang_it_lead: User
) -> None:
    response = api(danang_it_lead).post(
        f"/api/v1/submissions/{awaiting_it_lead.pk}/transitions/", {"action": "approve"}, format="json"
    )

    assert response.status_code == 400
    assert set(response.json()) == {"from_state"}


def test_a_double_click_on_a_page_takes_one_step(awaiting_it_lead: Submission, danang_it_lead: User) -> None:
    browser = Client()
    browser.force_login(danang_it_lead)
    form = {"action": "approve", "from_state": "awaiting_it_lead"}

    browser.post(f"/submissions/{awaiting_it_lead.pk}/transition/", form, follow=True)
    again = browser.post(f"/submissions/{awaiting_it_lead.pk}/transition/", form, follow=True)

    assert [str(message) for message in again.context["messages"]] == [
        "Hồ sơ đã chuyển sang trạng thái “Chờ lãnh đạo tỉnh/bộ duyệt”; bước “Phê duyệt” không được thực hiện. "
        "Tải lại trang."
    ]
    assert Event.objects.filter(submission=awaiting_it_lead, to_state="awaiting_leader").count() == 1


def test_wrong_state_is_409_and_wrong_role_is_403_with_different_messages(
    danang_submission: Submission, danang_leader: User, danang_office: User
) -> None:
    base = f"/api/v1/submissions/{danang_submission.pk}/transitions/"
    body = {"action": "approve", "from_state": "draft"}

    not_now = api(danang_leader).post(base, body, format="json")
    not_yours = api(danang_office).post(base, body, format="json")

    assert (not_now.status_code, not_yours.status_code) == (409, 403)
    assert not_now.json()["detail"] == "Không thể “approve” khi hồ sơ đang ở trạng thái “Đang nhập số liệu”."
    assert not_yours.json()["detail"] != not_now.json()["detail"]


def test_the_service_refuses_a_stale_state_named_by_its_caller(
    awaiting_it_lead: Submission, danang_it_lead: User
) -> None:
    with pytest.raises(StateChanged) as refused:
        transition_submission(
            submission_id=awaiting_it_lead.pk, user=danang_it_lead, action="approve", from_state="draft"
        )

    assert refused.value.state == "awaiting_it_lead"
    assert isinstance(refused.value, WorkflowError)
    assert not isinstance(refused.value, AnswerInvalid)


@pytest.mark.parametrize("action", ["reopen_entry", "publish"])
def test_steps_only_a_service_takes_are_not_steps_the_api_offers_to_anyone(
    danang_submission: Submission, danang_reporter: User, administrator: User, action: str
) -> None:
    base = f"/api/v1/submissions/{danang_submission.pk}/transitions/"
    body = {"action": action, "from_state": "draft", "comment": "Mở lại"}

    by_the_unit = api(danang_reporter).post(base, body, format="json")
    by_the_admin = api(administrator).post(base, body, format="json")

    assert (by_the_unit.status_code, by_the_admin.status_code) == (400, 400)
    assert by_the_admin.json() == {"action": [f'"{action}" không phải là lựa chọn hợp lệ.']}
    assert Event.objects.filter(submission=danang_submission, kind="reopened").count() == 0
