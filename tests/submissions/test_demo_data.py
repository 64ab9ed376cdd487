"""The demo data of a local run: accounts, the 2020 campaigns opened on the shipped frameworks, and the 2022
trial campaign whose units are simulated to their final results but Đà Nẵng, which a newcomer takes through
the year to a published trial."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from pytest_django.fixtures import Settings

from accounts.models import Department, Organisation, User
from indicators.models import Node
from rankings.models import Publication, PublishedResult
from rankings.services import publish_campaign
from submissions.models import Answer, Campaign, Event, Notification, Submission, SubmissionState
from submissions.services.appraisal import accept_undecided, appraise_answer, reply_to_appraisal, settle_answer
from submissions.services.approval import transition_submission
from submissions.services.entry import AnswerInput, save_answer, validate_answer
from submissions.services.simulation import SIMULATED

pytestmark = pytest.mark.django_db


@pytest.fixture
def local(settings: Settings) -> None:
    settings.DEBUG = True
    call_command("load_reference_data")


def trial_2022() -> Campaign:
    return Campaign.objects.select_related("framework").get(name="DTI 2022 cấp tỉnh (chạy thử)")


def what_the_data_holds() -> dict[str, object]:
    """Every row a run of demo_data could write, as counts and the answers' versions."""
    return {
        "users": sorted(User.objects.values_list("username", "password", "is_active", "roles")),
        "campaigns": sorted(Campaign.objects.values_list("name", "state")),
        "states": sorted(Submission.objects.values_list("pk", "state")),
        "answers": sorted(Answer.objects.values_list("pk", "version", "review_version")),
        "events": Event.objects.count(),
        "notifications": Notification.objects.count(),
        "departments": sorted(
            Department.objects.values_list("pk", "organisation__code", "name", "short_name", "contact")
        ),
    }


def test_demo_data_opens_the_2020_campaigns_and_the_2022_trial_once(
    local: None, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("demo_data")
    after_one_run = what_the_data_holds()
    call_command("demo_data")

    assert what_the_data_holds() == after_one_run
    danang = Organisation.objects.get(code="48")
    campaigns = {campaign.framework.code: campaign for campaign in Campaign.objects.select_related("framework")}
    assert {code: (c.year, c.state, c.is_trial) for code, c in campaigns.items()} == {
        "dti-2020-ministry": (2020, "open", True),
        "dti-2020-province": (2020, "open", True),
        "dti-2022-province": (2022, "open", True),
    }
    assert Submission.objects.filter(campaign=campaigns["dti-2020-province"]).count() == 63
    assert Submission.objects.filter(campaign=campaigns["dti-2020-ministry"]).count() == 26
    # The demo province's departments, for its improvement plans, as its office would import them.
    assert [department.name for department in Department.objects.of_unit(danang.pk).in_reading_order()] == [
        "Sở Giáo dục và Đào tạo", "Sở Kế hoạch và Đầu tư", "Sở Nội vụ", "Sở Tài chính",
        "Sở Thông tin và Truyền thông", "Sở Y tế", "Trung tâm Phục vụ hành chính công", "UBND quận Hải Châu",
        "Văn phòng UBND thành phố",
    ]  # fmt: skip
    assert Department.objects.exclude(organisation=danang).exists() is False
    output = capsys.readouterr().out
    assert "Demo campaign DTI 2020 cấp tỉnh (chạy thử): already open" in output
    assert output.count("62 units simulated to their final results") == 1
    assert output.count("Demo departments of TP. Đà Nẵng: 9 added, 0 updated") == 1
    # Each demo unit account reaches its own unit's submissions, one per campaign of its level.
    for username, count in [("danang.baocao", 2), ("hue.baocao", 2), ("btc.baocao", 1)]:
        user = User.objects.get(username=username)
        visible = Submission.objects.visible_to(user)
        assert (visible.count(), {submission.organisation for submission in visible}) == (count, {user.organisation})


def test_every_unit_of_the_2022_trial_but_danang_is_finalised_by_simulated_people_with_figures_its_rules_accept(
    local: None,
) -> None:
    call_command("demo_data")

    submissions = Submission.objects.filter(campaign=trial_2022()).select_related("organisation")
    assert sorted((s.organisation.code, s.state) for s in submissions if s.state != "finalised") == [("48", "draft")]
    assert submissions.count() == 63
    simulated = Answer.objects.filter(submission__campaign=trial_2022()).exclude(submission__organisation__code="48")
    assert simulated.count() == 62 * 49
    assert set(simulated.values_list("explanation", flat=True)) == {SIMULATED}
    for answer in simulated.select_related("node"):
        given = AnswerInput(value=answer.value, numerator=answer.numerator, denominator=answer.denominator,
                            choice=answer.choice or None)  # fmt: skip
        validate_answer(answer.node, given)  # raises on a figure the rule refuses
        assert answer.is_answered()
    rules = set(simulated.values_list("node__rule", flat=True))
    assert {"ratio", "levels", "percentage", "manual"} <= rules
    # The appraisal adjusted a leaf of some units; the explanation round settled it.
    assert 0 < simulated.filter(appraisal_decision="adjust", final_decision="keep").count() < 62
    hue = Submission.objects.get(campaign=trial_2022(), organisation__code="46")
    steps = hue.events.filter(kind=Event.Kind.TRANSITION).order_by("at", "id")
    actors = list(steps.values_list("actor__username", "new__action"))
    assert actors == [
        ("mophong.46.baocao", "submit"),
        ("mophong.46.cntt", "approve"),
        ("mophong.46.lanhdao", "approve"),
        ("mophong.thamdinh", "start_appraisal"),
        ("mophong.thamdinh", "finish_appraisal"),
        ("mophong.46.baocao", "submit_explanation"),
        ("mophong.46.lanhdao", "approve"),
        ("mophong.thamdinh", "finalise"),
    ]
    simulated_people = User.objects.filter(username__startswith="mophong.")
    assert simulated_people.count() == 62 * 3 + 1
    assert not simulated_people.filter(is_active=True).exists()
    assert not any(person.has_usable_password() for person in simulated_people)
    # Huế's own demo people find nothing unread: the simulated steps wait for no one.
    assert not Notification.objects.filter(user__username__startswith="hue.", read_at=None).exists()


def test_a_newcomer_takes_danang_through_the_year_and_the_administrator_publishes_the_trial(local: None) -> None:
    call_command("demo_data")
    people = {user.username: user for user in User.objects.all()}
    reporter, it_lead, leader = people["danang.baocao"], people["danang.cntt"], people["danang.lanhdao"]
    appraiser, administrator = people["thamdinh"], people["quantri"]
    danang = Submission.objects.get(campaign=trial_2022(), organisation__code="48")
    answers = {answer.node.key: answer for answer in danang.answers.select_related("node")}

    # The reporter enters the figures of each kind of input, and explains every leaf reported.
    figures = {
        "1.3": AnswerInput(value=Decimal(8)),  # points the unit gives itself
        "1.8": AnswerInput(choice="Từ 1 tuần/1 lần"),  # a level
        "4.10": AnswerInput(numerator=Decimal(12), denominator=Decimal(40)),  # a ratio
        "7.11": AnswerInput(value=Decimal("63.5")),  # a percentage
    }
    for key, answer in answers.items():
        if answer.node.source != Node.Source.SELF_REPORT:
            continue
        given = figures.get(key, AnswerInput())
        given.explanation = "Theo báo cáo của Sở."
        save_answer(answer_id=answer.pk, user=reporter, given=given, expected_version=answer.version)
    for user, action, state in [(reporter, "submit", "draft"), (it_lead, "approve", "awaiting_it_lead"),
                                (leader, "approve", "awaiting_leader")]:  # fmt: skip
        transition_submission(submission_id=danang.pk, user=user, action=action, from_state=state)
    # The appraiser adjusts the ratio, accepts the rest and hands the result back for the explanation.
    appraise_answer(answer_id=answers["4.10"].pk, user=appraiser, decision="adjust",
                    reason="Danh sách chỉ có 10 đơn vị.", given=AnswerInput(numerator=Decimal(10),
                                                                             denominator=Decimal(40)))  # fmt: skip
    accept_undecided(submission_id=danang.pk, user=appraiser)
    transition_submission(submission_id=danang.pk, user=appraiser, action="finish_appraisal",
                          from_state="under_appraisal")  # fmt: skip
    reply_to_appraisal(answer_id=answers["4.10"].pk, user=reporter, reply="Thống nhất với kết quả thẩm định.")
    transition_submission(submission_id=danang.pk, user=reporter, action="submit_explanation", from_state="explanation")
    transition_submission(submission_id=danang.pk, user=leader, action="approve",
                          from_state="explanation_awaiting_leader")  # fmt: skip
    settle_answer(answer_id=answers["4.10"].pk, user=appraiser, decision="keep")
    transition_submission(submission_id=danang.pk, user=appraiser, action="finalise", from_state="final_appraisal")

    publication = publish_campaign(campaign_id=trial_2022().pk, by=administrator)

    assert (publication.is_trial, publication.version, publication.coverage) == (True, 1, {"units": 63, "of": 63})
    assert set(trial_2022().submissions.values_list("state", flat=True)) == {SubmissionState.PUBLISHED}
    dti = PublishedResult.objects.get(publication=publication, organisation__code="48", index="dti")
    # 8 + 10 (weekly) + 5 × 10/40 (the ratio as appraised) + 10 × 63,5 % = 25,6 of the 570 points the
    # trial framework's known leaves are worth.
    assert (dti.score, dti.max_points) == (Decimal("25.6"), Decimal(570))
    assert dti.rank is not None
    # A trial's publication is no official result: the public and the API never get it.
    assert not Publication.objects.official().exists()


def test_demo_data_prints_the_accounts_and_the_path_to_try_first(
    local: None, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("demo_data", "--print-accounts")

    output = " ".join(capsys.readouterr().out.split())
    assert "danang.baocao Đà Nẵng — chuyên viên báo cáo" in output
    assert "Bắt đầu từ đợt “DTI 2022 cấp tỉnh (chạy thử)”" in output
    assert "Start with the “DTI 2022 cấp tỉnh (chạy thử)” campaign" in output
    assert output.index("Bắt đầu") < output.index("Start with")


def test_demo_data_refuses_to_run_without_debug(settings: Settings) -> None:
    settings.DEBUG = False

    with pytest.raises(CommandError, match="only created with DEBUG on"):
        call_command("demo_data")
