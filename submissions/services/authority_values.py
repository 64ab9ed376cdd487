"""Values the authority supplies (monitoring systems, the survey, cyberspace, the expert panel): entered
per unit, or for a whole campaign from one sheet read by `submissions.excel`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from common.errors import Forbidden, WorkflowError
from indicators.models import Node

from ..errors import AnswerInvalid, ImportRejected
from ..excel import read_authority_sheet
from ..models import Answer, Campaign, Event, Submission
from ..signals import campaign_values_changed
from .entry import AnswerInput, validate_answer, write_reported
from .locks import lock_answer

SUPPLIER_ONLY = _("Chỉ cán bộ thẩm định được nhập số liệu do cơ quan đánh giá cung cấp.")


def check_supplier(submission: Submission, answer: Answer, user: User) -> None:
    """Who may enter an authority-sourced value, on which leaf, and until when."""
    if not user.is_appraiser:
        raise Forbidden(SUPPLIER_ONLY)
    if answer.node.source == Node.Source.SELF_REPORT:
        raise WorkflowError(_("Chỉ số %(code)s do đơn vị tự báo cáo.") % {"code": answer.node.code})
    if not submission.can_supply_values(user):
        raise WorkflowError(_("Kết quả của đơn vị đã chốt; không nhập thêm số liệu được."))


@transaction.atomic
def set_authority_value(*, answer_id: int, user: User, given: AnswerInput) -> Answer:
    """Enter one authority-sourced value (monitored, survey, cyberspace, expert) for one unit."""
    submission, answer = lock_answer(answer_id)
    check_supplier(submission, answer, user)
    fields = validate_answer(answer.node, given)
    fields.pop("explanation", None)
    if write_reported(
        submission=submission, answer=answer, user=user, fields=fields, kind=Event.Kind.AUTHORITY_VALUE, note={}
    ):
        campaign_values_changed.send(sender=Answer, campaign_id=submission.campaign_id)
    return answer


@dataclass
class AuthorityChange:
    row: int
    organisation: str
    code: str
    before: str | None
    after: str


def authority_leaves(campaign: Campaign) -> list[Node]:
    """The campaign's leaves whose values the authority supplies, in framework order."""
    return list(
        campaign.framework.nodes.filter(children=None)
        .exclude(source__in=["", Node.Source.SELF_REPORT])
        .order_by("order")
    )


@transaction.atomic
def import_authority_values(
    *, campaign_id: int, user: User, content: bytes, filename: str, apply: bool
) -> list[AuthorityChange]:
    """Check one sheet of authority values for a whole campaign and, when `apply`, save every change.

    All or nothing: any unknown unit, unknown leaf, bad number or value outside the leaf's rule
    raises ImportRejected naming the row and column, and nothing is saved.
    """
    if not user.is_appraiser:
        raise Forbidden(SUPPLIER_ONLY)
    campaign = Campaign.objects.select_related("framework").get(pk=campaign_id)
    leaves = authority_leaves(campaign)
    # Submissions first, then answers, as every step locks them: a unit finalised meanwhile is seen.
    submissions = {
        submission.organisation_id: submission
        for submission in Submission.objects.select_for_update(of=("self",))
        .filter(campaign=campaign)
        .select_related("organisation", "campaign")
        .order_by("pk")
    }
    sheet = read_authority_sheet(
        content,
        filename,
        leaves=leaves,
        reported_keys=set(
            campaign.framework.nodes.filter(source=Node.Source.SELF_REPORT).values_list("key", flat=True)
        ),
        units=Organisation.objects.filter(pk__in=submissions).name_index(),
    )
    problems = list(sheet.problems)
    answers = {
        (answer.submission_id, answer.node_id): answer
        for answer in Answer.objects.select_for_update()
        .filter(submission__campaign=campaign, node__in=[leaf.pk for leaf in leaves])
        .select_related("node")
    }
    planned: list[tuple[AuthorityChange, Submission, Answer, dict[str, Any]]] = []
    for cell in sheet.cells:
        submission = submissions[cell.organisation.pk]
        try:
            fields = validate_answer(cell.leaf, AnswerInput(value=cell.value))
        except AnswerInvalid as error:
            problems.extend(f"{cell.place}: {message}" for message in error.errors.values())
            continue
        if not submission.can_supply_values(user):
            problems.append(_("%(place)s: kết quả của đơn vị đã chốt.") % {"place": cell.place})
            continue
        answer = answers[(submission.pk, cell.leaf.pk)]
        if answer.value == fields["value"]:
            continue
        change = AuthorityChange(
            row=cell.row,
            organisation=cell.organisation.short_name_in(campaign.year),
            code=cell.leaf.key,
            before=None if answer.value is None else format(answer.value.normalize(), "f"),
            after=format(fields["value"].normalize(), "f"),
        )
        planned.append((change, submission, answer, fields))
    if problems:
        raise ImportRejected(problems)
    if apply and planned:
        for _change, submission, answer, fields in planned:
            write_reported(
                submission=submission,
                answer=answer,
                user=user,
                fields=fields,
                kind=Event.Kind.AUTHORITY_VALUE,
                note={"import": filename[:200]},
            )
        campaign_values_changed.send(sender=Answer, campaign_id=campaign.pk)
    return [change for change, *_rest in planned]
