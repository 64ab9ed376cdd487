"""A unit's expert panel (seed 004 §3): its experts and their scores; each expert leaf's value is the
mean of its scores."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from common.errors import Forbidden
from common.formatting import format_number
from common.text import text_problem
from indicators.models import Node

from ..errors import AnswerInvalid
from ..models import Answer, Event, Expert, ExpertScore, Submission
from ..signals import campaign_values_changed
from .authority_values import SUPPLIER_ONLY, check_supplier
from .entry import write_reported

PANEL_SIZE = (15, 20)
PANEL_SHARES = {
    Expert.Category.RETIRED_LEADER: Decimal("0.4"),
    Expert.Category.OFFICIAL: Decimal("0.3"),
    Expert.Category.BUSINESS: Decimal("0.3"),
}


@dataclass
class ExpertInput:
    name: str
    category: str
    position: str = ""
    scores: dict[str, Decimal] = field(default_factory=dict)


def panel_warnings(experts: list[ExpertInput] | list[Expert]) -> list[str]:
    """Where the panel departs from seed 004 §3 (15–20 experts; 40 % retired leaders, 30 % serving
    officials, 30 % business leaders, each within one person of its share). Warnings, not errors."""
    warnings = []
    total = len(experts)
    if not PANEL_SIZE[0] <= total <= PANEL_SIZE[1]:
        warnings.append(
            _("Hội đồng có %(count)s chuyên gia; hướng dẫn là khoảng %(low)s–%(high)s người.")
            % {"count": total, "low": PANEL_SIZE[0], "high": PANEL_SIZE[1]}
        )
    counts = Counter(expert.category for expert in experts)
    for category, share in PANEL_SHARES.items():
        expected = share * total
        if total and abs(counts[category] - expected) > 1:
            warnings.append(
                _("Nhóm “%(category)s”: %(count)s người, hướng dẫn là %(share)s%% (khoảng %(expected)s người).")
                % {
                    "category": Expert.Category(category).label,
                    "count": counts[category],
                    "share": int(share * 100),
                    "expected": format_number(expected.quantize(Decimal("0.1")).normalize()),
                }
            )
    return warnings


def expert_leaves(submission: Submission) -> list[Node]:
    return list(submission.campaign.framework.nodes.filter(children=None, source="expert").order_by("order"))


@transaction.atomic
def save_expert_panel(*, submission_id: int, user: User, experts: list[ExpertInput]) -> list[str]:
    """Replace a unit's expert panel and scores; each expert leaf's value becomes the mean of its scores.

    Returns the composition warnings. Raises AnswerInvalid (keyed "expert-<n>-<leaf key>") for a
    score outside 0..max, an expert without a name or category, or a name or position with refused
    characters (`common.text`); nothing is saved then.
    """
    submission = Submission.objects.select_for_update().select_related("campaign__framework").get(pk=submission_id)
    leaves = {leaf.key: leaf for leaf in expert_leaves(submission)}
    answers = {
        answer.node.key: answer
        for answer in submission.answers.select_for_update().filter(node__in=leaves.values()).select_related("node")
    }
    if answers:
        check_supplier(submission, next(iter(answers.values())), user)
    elif not user.is_appraiser:
        raise Forbidden(SUPPLIER_ONLY)
    errors: dict[str, str] = {}
    for number, expert in enumerate(experts, start=1):
        if not expert.name.strip():
            errors[f"expert-{number}-name"] = _("Chuyên gia thứ %(n)s: nhập họ tên.") % {"n": number}
        for column in ("name", "position"):
            if (problem := text_problem(getattr(expert, column))) is not None:
                message = _("Chuyên gia thứ %(n)s: %(problem)s") % {"n": number, "problem": problem}
                errors[f"expert-{number}-{column}"] = message
        if expert.category not in Expert.Category.values:
            errors[f"expert-{number}-category"] = _("Chuyên gia thứ %(n)s: chọn nhóm.") % {"n": number}
        for key, score in expert.scores.items():
            leaf = leaves.get(key)
            if leaf is None:
                errors[f"expert-{number}-{key}"] = _("Không có chỉ số chuyên gia “%(key)s”.") % {"key": key}
            elif not Decimal(0) <= score <= (leaf.max_points or Decimal(0)):
                errors[f"expert-{number}-{key}"] = _("Chuyên gia thứ %(n)s, %(code)s: điểm phải từ 0 đến %(max)s.") % {
                    "n": number,
                    "code": leaf.code,
                    "max": format_number(leaf.max_points or Decimal(0)),
                }
    if errors:
        raise AnswerInvalid(errors)
    submission.experts.all().delete()
    saved = Expert.objects.bulk_create(
        Expert(
            submission=submission,
            name=expert.name.strip(),
            category=expert.category,
            position=expert.position.strip(),
            order=number,
        )
        for number, expert in enumerate(experts, start=1)
    )
    ExpertScore.objects.bulk_create(
        ExpertScore(expert=row, node=leaves[key], score=score)
        for row, expert in zip(saved, experts, strict=True)
        for key, score in expert.scores.items()
    )
    changed = False
    for key, answer in answers.items():
        scores = [expert.scores[key] for expert in experts if key in expert.scores]
        mean = (sum(scores, Decimal(0)) / len(scores)).quantize(Decimal("0.000001")) if scores else None
        changed |= write_reported(
            submission=submission,
            answer=answer,
            user=user,
            fields={"value": mean},
            kind=Event.Kind.EXPERT_PANEL,
            note={"experts": len(scores)},
        )
    if not changed:
        Event.objects.create(
            submission=submission, kind=Event.Kind.EXPERT_PANEL, actor=user, new={"experts": len(experts)}
        )
    else:
        campaign_values_changed.send(sender=Answer, campaign_id=submission.campaign_id)
    return panel_warnings(experts)
