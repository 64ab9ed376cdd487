"""Values the authority supplies (monitoring systems, the survey, cyberspace, the expert panel): entered
per unit, or for a whole campaign at once, from one sheet read by `submissions.excel` or from the API,
both through `save_authority_values`."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from common.errors import Forbidden, WorkflowError
from common.formatting import parse_number
from indicators.models import Node
from indicators.rules import Rule

from ..errors import AnswerInvalid, AuthorityValuesInvalid, ImportRejected
from ..excel import read_authority_sheet
from ..models import VALUE_FIELDS, Answer, Campaign, Event, Submission
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


def authority_fields(submission: Submission, answer: Answer, user: User, given: AnswerInput) -> dict[str, Any]:
    """The fields an authority value stores on a unit's leaf, by the rules of `check_supplier` and the
    leaf's rule; raises Forbidden, WorkflowError or AnswerInvalid."""
    check_supplier(submission, answer, user)
    fields = validate_answer(answer.node, given)
    fields.pop("explanation", None)
    return fields


@transaction.atomic
def set_authority_value(*, answer_id: int, user: User, given: AnswerInput) -> Answer:
    """Enter one authority-sourced value (monitored, survey, cyberspace, expert) for one unit."""
    submission, answer = lock_answer(answer_id)
    fields = authority_fields(submission, answer, user, given)
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


@dataclass(frozen=True)
class AuthorityValue:
    """One value for one unit's leaf, as sent: a number (a Decimal, an int, a float, or text as people
    type it, "9,75"); for a ratio leaf {"numerator": …, "denominator": …}; for a level leaf the level's
    label. None leaves the stored value as it is (a sheet's empty cell). `row` is the sheet's row."""

    organisation: str  # the unit's code
    leaf: str  # the leaf's key
    value: object
    row: int = 0


def authority_leaves(campaign: Campaign) -> list[Node]:
    """The campaign's leaves whose values the authority supplies, in framework order."""
    return list(
        campaign.framework.nodes.filter(children=None)
        .exclude(source__in=["", Node.Source.SELF_REPORT])
        .order_by("order")
    )


@transaction.atomic
def save_authority_values(
    *, campaign_id: int, user: User, values: list[AuthorityValue], apply: bool, note: dict[str, Any]
) -> list[AuthorityChange]:
    """Check authority values for a campaign's units and, when `apply`, save every change, each with its
    history row (`note` added to it: where the values came from). The one writer of many authority
    values: the sheet import and the API both come here.

    All or nothing: a unit not in the campaign, a leaf the authority does not supply, a value that is
    not of the leaf's kind or outside its rule, or a unit whose result is finalised raises
    AuthorityValuesInvalid with every problem, and nothing is saved. Only appraisers (Forbidden).
    """
    if not user.is_appraiser:
        raise Forbidden(SUPPLIER_ONLY)
    campaign = Campaign.objects.select_related("framework").get(pk=campaign_id)
    leaves = {leaf.key: leaf for leaf in authority_leaves(campaign)}
    reported_keys = set(campaign.framework.nodes.filter(source=Node.Source.SELF_REPORT).values_list("key", flat=True))
    # Submissions first, then answers, as every step locks them: a unit finalised meanwhile is seen.
    submissions = {
        submission.organisation.code: submission
        for submission in Submission.objects.select_for_update(of=("self",))
        .filter(campaign=campaign)
        .select_related("organisation", "campaign")
        .order_by("pk")
    }
    answers = {
        (answer.submission_id, answer.node_id): answer
        for answer in Answer.objects.select_for_update()
        .filter(submission__campaign=campaign, node__in=[leaf.pk for leaf in leaves.values()])
        .select_related("node")
        .order_by("pk")
    }
    problems: list[tuple[int, str, str, str]] = []
    planned: list[tuple[AuthorityChange, Submission, Answer, dict[str, Any]]] = []
    for position, sent in enumerate(values):
        submission = submissions.get(sent.organisation)
        leaf = leaves.get(sent.leaf)
        if submission is None:
            message = _("Không có đơn vị “%(code)s” trong đợt đánh giá.") % {"code": sent.organisation}
        elif leaf is None:
            message = (
                _("Chỉ số %(code)s do đơn vị tự báo cáo.")
                if sent.leaf in reported_keys
                else _("Không có chỉ số “%(code)s” do cơ quan đánh giá cung cấp trong bộ chỉ số.")
            ) % {"code": sent.leaf}
        else:
            message = ""
        if submission is None or leaf is None:
            problems.append((position, sent.organisation, sent.leaf, message))
            continue
        if sent.value is None:
            continue
        answer = answers[(submission.pk, leaf.pk)]
        try:
            fields = authority_fields(submission, answer, user, authority_input(leaf, sent.value))
        except (AnswerInvalid, WorkflowError) as error:
            messages = error.errors.values() if isinstance(error, AnswerInvalid) else [error.message]
            problems.extend((position, sent.organisation, sent.leaf, text) for text in messages)
            continue
        before, after = _shown(answer), _shown(_with(answer, fields))
        if after == before:
            continue
        change = AuthorityChange(
            row=sent.row,
            organisation=submission.organisation.short_name_in(campaign.year),
            code=leaf.key,
            before=before,
            after=after or "",
        )
        planned.append((change, submission, answer, fields))
    if problems:
        raise AuthorityValuesInvalid(problems)
    if apply and planned:
        for _change, submission, answer, fields in planned:
            write_reported(
                submission=submission,
                answer=answer,
                user=user,
                fields=fields,
                kind=Event.Kind.AUTHORITY_VALUE,
                note=note,
            )
        campaign_values_changed.send(sender=Answer, campaign_id=campaign.pk)
    return [change for change, *_rest in planned]


def authority_input(leaf: Node, value: object) -> AnswerInput:
    """What `value` gives the leaf, by its rule (see `AuthorityValue`); raises AnswerInvalid when it is
    not of the leaf's kind."""
    if leaf.rule == Rule.RATIO:
        if not (isinstance(value, dict) and set(value) == {"numerator", "denominator"}):
            raise AnswerInvalid({"value": _("Gửi tử số và mẫu số: numerator và denominator.")})
        return AnswerInput(numerator=_number(value["numerator"]), denominator=_number(value["denominator"]))
    if leaf.rule == Rule.LEVELS:
        labels = [level["label"] for level in leaf.parameters.get("levels", [])]
        if not isinstance(value, str) or not value.strip():
            raise AnswerInvalid({"choice": _("Chọn một trong các mức: %(labels)s.") % {"labels": "; ".join(labels)}})
        return AnswerInput(choice=value.strip())
    return AnswerInput(value=_number(value))


def _number(value: object) -> Decimal:
    """A number sent as a number or as text ("9,75"); a boolean, an empty text or anything else is none."""
    number: Decimal | None = None
    if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
        number = Decimal(str(value))
    elif isinstance(value, str):
        try:
            number = parse_number(value)
        except forms.ValidationError:
            number = None
    if number is None or not number.is_finite():
        raise AnswerInvalid({"value": _("Nhập một số, ví dụ 63,56.")})
    return number


def _with(answer: Answer, fields: dict[str, Any]) -> Answer:
    """An unsaved copy of the answer with `fields` stored on it."""
    copy = Answer(node=answer.node, **{name: getattr(answer, name) for name in VALUE_FIELDS})
    for name, value in fields.items():
        setattr(copy, name, value)
    return copy


def _shown(answer: Answer) -> str | None:
    """A leaf's value as the import lists it: "12.5", "3/40", a level's label, or None when empty."""
    reported = answer.reported()
    if answer.node.rule == Rule.RATIO:
        if reported["numerator"] is None and reported["denominator"] is None:
            return None
        return f"{reported['numerator']}/{reported['denominator']}"
    if answer.node.rule == Rule.LEVELS:
        return reported["choice"] or None
    return reported["value"]


def import_authority_values(
    *, campaign_id: int, user: User, content: bytes, filename: str, apply: bool
) -> list[AuthorityChange]:
    """Check one sheet of authority values for a whole campaign and, when `apply`, save every change
    (`save_authority_values`, with the file's name in each history row).

    All or nothing: any unknown unit, unknown leaf, bad number or value outside the leaf's rule
    raises ImportRejected naming the row and column, and nothing is saved.
    """
    if not user.is_appraiser:
        raise Forbidden(SUPPLIER_ONLY)
    campaign = Campaign.objects.select_related("framework").get(pk=campaign_id)
    sheet = read_authority_sheet(
        content,
        filename,
        leaves=authority_leaves(campaign),
        reported_keys=set(
            campaign.framework.nodes.filter(source=Node.Source.SELF_REPORT).values_list("key", flat=True)
        ),
        units=Organisation.objects.filter(submissions__campaign=campaign).name_index(),
    )
    values = [AuthorityValue(cell.organisation.code, cell.leaf.key, cell.value, row=cell.row) for cell in sheet.cells]
    try:
        # A sheet with problems of its own is checked all the same, for every problem to be named at once.
        changes = save_authority_values(
            campaign_id=campaign.pk,
            user=user,
            values=values,
            apply=apply and not sheet.problems,
            note={"import": filename[:200]},
        )
    except AuthorityValuesInvalid as error:
        places = [cell.place for cell in sheet.cells]
        raise ImportRejected(
            [*sheet.problems, *(f"{places[position]}: {message}" for position, message in error.problems)]
        ) from error
    if sheet.problems:
        raise ImportRejected(sheet.problems)
    return changes
