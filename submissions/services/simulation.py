"""A simulated assessment year for the demo: units nobody will work on by hand are taken from an empty
draft to a finalised result through the same services as people's steps, with figures drawn at random
within each leaf's rule.

The draws are seeded by the campaign and the unit, so every run draws the same figures. Everything
simulated says so: each answer's explanation is SIMULATED, and the steps are taken by people named
"Mô phỏng — …": per unit a reporter, an IT lead and a leader (separation of duties needs three people),
and one appraiser at the authority. Their accounts have no usable password and are switched on only
while the simulation runs, so they never sign in, receive notifications or stand in anyone's queue.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation, Role, User
from accounts.services import UnusableAccount, save_unusable_accounts
from common.errors import WorkflowError
from common.rules import parse_decimal
from indicators.models import Node
from indicators.rules import Rule

from ..models import Action, Answer, Campaign, Decision, Event, FinalDecision, Notification, Submission, SubmissionState
from ..signals import campaign_values_changed
from .appraisal import accept_undecided, appraise_answer, reply_to_appraisal, settle_answer
from .approval import transition_submission
from .authority_values import check_supplier
from .entry import AnswerInput, ReportedWrite, validate_answer, write_reported_many

# Stored data, not a message: the answers keep saying it in whatever language a reader uses the portal.
SIMULATED = "Dữ liệu mô phỏng"
ADJUSTMENT_REASON = "Dữ liệu mô phỏng: tài liệu kiểm chứng chỉ chứng minh được một phần số liệu."
REPLY = "Dữ liệu mô phỏng: đơn vị thống nhất với kết quả thẩm định."
# The share of units whose appraisal adjusts one leaf, so that the results show an appraisal at work.
ADJUSTED_SHARE = 0.4
CENT = Decimal("0.01")
HALF_POINT = Decimal("0.5")

# (username suffix, role, what the person is) of each simulated unit's three people.
UNIT_PEOPLE = (
    ("baocao", Role.REPORTER, "chuyên viên báo cáo"),
    ("cntt", Role.IT_LEAD, "lãnh đạo cơ quan chuyên trách CNTT"),
    ("lanhdao", Role.LEADER, "lãnh đạo tỉnh/bộ"),
)
APPRAISER_USERNAME = "mophong.thamdinh"


@dataclass(frozen=True)
class UnitPeople:
    reporter: User
    it_lead: User
    leader: User


def simulated_input(node: Node, rng: random.Random, strength: float) -> AnswerInput:
    """A figure for one leaf that its rule accepts: around `strength` (0–1) of what scores full points,
    drawn from `rng`; with the SIMULATED explanation."""
    share = min(max(rng.gauss(strength, 0.18), 0.0), 1.0)
    parameters = node.parameters or {}
    if parameters.get("inverted"):
        share = 1 - share  # lower is better: a strong unit reports little
    explanation = SIMULATED
    if node.rule == Rule.BOOLEAN:
        return AnswerInput(value=Decimal(1 if rng.random() < strength else 0), explanation=explanation)
    if node.rule == Rule.RATIO:
        denominator = rng.randint(20, 500)
        numerator = round(share * denominator)
        return AnswerInput(numerator=Decimal(numerator), denominator=Decimal(denominator), explanation=explanation)
    if node.rule == Rule.LEVELS:
        levels = [(parse_decimal(level["fraction"]) or Decimal(0), level["label"]) for level in parameters["levels"]]
        _fraction, label = min(levels, key=lambda level: abs(float(level[0]) - share))
        return AnswerInput(choice=label, explanation=explanation)
    if node.rule == Rule.COUNT:
        cap = parse_decimal(parameters["cap"]) or Decimal(1)
        return AnswerInput(value=Decimal(round(share * float(cap))), explanation=explanation)
    if node.rule == Rule.MANUAL:
        points = node.max_points or Decimal(0)
        value = (Decimal(share) * points / HALF_POINT).quantize(Decimal(1)) * HALF_POINT
        return AnswerInput(value=min(value, points), explanation=explanation)
    # A percentage, or a figure the peer group's rules compare (relative to best, min-max, z-score).
    return AnswerInput(value=(Decimal(share) * 100).quantize(CENT), explanation=explanation)


@transaction.atomic
def simulate_campaign(*, campaign: Campaign, spare: list[str]) -> int:
    """Take every unit of an open campaign still in an untouched draft, except the units coded in `spare`,
    to a finalised result; return how many. A unit anyone has worked on is left alone, so running it
    again changes nothing. Needs the entry phase open (the unit's steps check it)."""
    campaign = Campaign.objects.select_related("framework").get(pk=campaign.pk)
    submissions = list(
        Submission.objects.select_for_update()
        .filter(campaign=campaign, state=SubmissionState.DRAFT)
        .exclude(organisation__code__in=spare)
        .exclude(Exists(Event.objects.filter(submission=OuterRef("pk"))))
        .select_related("campaign", "organisation")
        .order_by("organisation__code")
    )
    if not submissions:
        return 0
    if not campaign.entry_is_open():
        raise WorkflowError(_("Đã hết hạn nhập số liệu."))
    people, appraiser = _simulated_people(campaign, [submission.organisation for submission in submissions])
    everyone = [
        appraiser,
        *(person for unit in people.values() for person in (unit.reporter, unit.it_lead, unit.leader)),
    ]
    _switch(everyone, on=True)
    seed = f"{campaign.framework.code}-{campaign.year}"
    # Seeded draws, not secrets: the same figures on every machine and every run.
    rngs = {s.pk: random.Random(f"{seed}-{s.organisation.code}") for s in submissions}  # noqa: S311
    adjusted = _enter_figures(submissions, people, appraiser, rngs)
    campaign_values_changed.send(sender=Answer, campaign_id=campaign.pk)
    for submission in submissions:
        _take_through_the_year(submission, people[submission.organisation_id], appraiser, adjusted.get(submission.pk))
    # The steps are history: nothing of them waits for anyone, so they are not news in anyone's inbox.
    Notification.objects.filter(submission__in=submissions, read_at=None).update(read_at=timezone.now())
    _switch(everyone, on=False)
    return len(submissions)


def _simulated_people(campaign: Campaign, units: list[Organisation]) -> tuple[dict[int, UnitPeople], User]:
    year = campaign.year
    wanted = [
        UnusableAccount(
            username=f"mophong.{unit.code}.{suffix}",
            organisation=unit,
            roles=(role,),
            full_name=f"Mô phỏng — {unit.short_name_in(year)} — {what}",
        )
        for unit in units
        for suffix, role, what in UNIT_PEOPLE
    ]
    authority = Organisation.objects.get(level=Organisation.Level.AUTHORITY)
    wanted.append(UnusableAccount(APPRAISER_USERNAME, authority, (Role.APPRAISER,), "Mô phỏng — cán bộ thẩm định"))
    accounts = save_unusable_accounts(wanted)
    people = {
        unit.pk: UnitPeople(*(accounts[f"mophong.{unit.code}.{suffix}"] for suffix, _role, _what in UNIT_PEOPLE))
        for unit in units
    }
    return people, accounts[APPRAISER_USERNAME]


def _switch(users: list[User], *, on: bool) -> None:
    User.objects.filter(pk__in=[user.pk for user in users]).update(is_active=on)
    for user in users:
        user.is_active = on


def _enter_figures(
    submissions: list[Submission], people: dict[int, UnitPeople], appraiser: User, rngs: dict[int, random.Random]
) -> dict[int, Answer]:
    """Every leaf's simulated figure, as the unit's reporter reports it or, for the leaves the authority
    measures, as the appraiser supplies it; written in bulk. Returns, per unit picked for it, the
    reported leaf its appraisal will adjust."""
    by_submission = {submission.pk: submission for submission in submissions}
    strengths = {pk: rng.uniform(0.35, 0.95) for pk, rng in rngs.items()}
    writes: list[ReportedWrite] = []
    candidates: dict[int, list[Answer]] = {pk: [] for pk in by_submission}
    answers = (
        Answer.objects.select_for_update()
        .filter(submission__in=submissions)
        .select_related("node")
        .order_by("submission_id", "node__order", "node_id")
    )
    for answer in answers:
        submission = by_submission[answer.submission_id]
        fields = validate_answer(
            answer.node, simulated_input(answer.node, rngs[submission.pk], strengths[submission.pk])
        )
        if answer.node.source == Node.Source.SELF_REPORT:
            reporter = people[submission.organisation_id].reporter
            if not submission.can_edit(reporter):
                raise WorkflowError(_("Hồ sơ không ở trạng thái cho phép sửa, hoặc bạn không có quyền nhập số liệu."))
            writes.append(ReportedWrite(submission, answer, reporter, fields, Event.Kind.ANSWER, {"simulated": True}))
            if answer.node.rule in (Rule.MANUAL, Rule.PERCENTAGE) and fields.get("value"):
                candidates[submission.pk].append(answer)
        else:
            check_supplier(submission, answer, appraiser)
            writes.append(
                ReportedWrite(submission, answer, appraiser, fields, Event.Kind.AUTHORITY_VALUE, {"simulated": True})
            )
    write_reported_many(writes)
    adjusted: dict[int, Answer] = {}
    for pk, rng in rngs.items():
        if candidates[pk] and rng.random() < ADJUSTED_SHARE:
            adjusted[pk] = rng.choice(candidates[pk])
    return adjusted


def _take_through_the_year(
    submission: Submission, people: UnitPeople, appraiser: User, adjusted: Answer | None
) -> None:
    """The unit's approvals, the appraisal (one leaf adjusted, or none), the explanation round and the
    final appraisal, each the service a person's click calls."""

    def step(user: User, action: str, from_state: str) -> None:
        transition_submission(submission_id=submission.pk, user=user, action=action, from_state=from_state)

    step(people.reporter, Action.SUBMIT, SubmissionState.DRAFT)
    step(people.it_lead, Action.APPROVE, SubmissionState.AWAITING_IT_LEAD)
    step(people.leader, Action.APPROVE, SubmissionState.AWAITING_LEADER)
    if adjusted is not None:
        value = adjusted.value or Decimal(0)
        lower = (value / 2).quantize(HALF_POINT if adjusted.node.rule == Rule.MANUAL else CENT)
        appraise_answer(answer_id=adjusted.pk, user=appraiser, decision=Decision.ADJUST, reason=ADJUSTMENT_REASON,
                        given=AnswerInput(value=lower))  # fmt: skip
    accept_undecided(submission_id=submission.pk, user=appraiser)
    if Submission.objects.get(pk=submission.pk).state == SubmissionState.SUBMITTED:
        # Nothing reported by the unit to decide on: the appraisal is started by its own step.
        step(appraiser, Action.START_APPRAISAL, SubmissionState.SUBMITTED)
    step(appraiser, Action.FINISH_APPRAISAL, SubmissionState.UNDER_APPRAISAL)
    if adjusted is not None:
        reply_to_appraisal(answer_id=adjusted.pk, user=people.reporter, reply=REPLY)
    step(people.reporter, Action.SUBMIT_EXPLANATION, SubmissionState.EXPLANATION)
    step(people.leader, Action.APPROVE, SubmissionState.EXPLANATION_AWAITING_LEADER)
    if adjusted is not None:
        settle_answer(answer_id=adjusted.pk, user=appraiser, decision=FinalDecision.KEEP)
    step(appraiser, Action.FINALISE, SubmissionState.FINAL_APPRAISAL)
