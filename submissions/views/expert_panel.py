"""The expert panel of one unit: its experts and their scores per expert leaf."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.http import AuthenticatedRequest
from common.errors import DomainError, InvalidInput
from common.formatting import format_number, parse_number
from indicators.models import Node
from submissions.access import (
    appraisers_only,
    get_submission_for_user,
)
from submissions.models import (
    Expert,
)
from submissions.services.expert_panel import ExpertInput, expert_leaves, panel_warnings, save_expert_panel


@login_required
def expert_panel(request: AuthenticatedRequest, submission_id: int) -> HttpResponse:
    """The unit's experts and their scores per expert leaf; the mean of each leaf becomes its value.

    The grid is posted whole: rows expert-<n>-name / -category / -position / -<leaf key>.
    """
    user = request.user
    appraisers_only(user)
    submission = get_submission_for_user(user, submission_id)
    leaves = expert_leaves(submission)
    experts = list(submission.experts.prefetch_related("scores__node"))
    errors: dict[str, str] = {}
    rows: list[dict[str, Any]]
    if request.method == "POST":
        rows = _posted_panel(request.POST, leaves)
        inputs = [row["input"] for row in rows if row["input"].name or row["input"].scores]
        try:
            warnings = save_expert_panel(submission_id=submission.pk, user=user, experts=inputs)
        except InvalidInput as error:
            errors = error.errors
        except DomainError as error:
            errors = {"panel": error.message}
        else:
            messages.success(request, _("Đã lưu hội đồng chuyên gia (%(count)s người).") % {"count": len(inputs)})
            for warning in warnings:
                messages.warning(request, warning)
            return redirect("submissions:experts", submission_id=submission.pk)
    else:
        rows = [
            {
                "input": ExpertInput(expert.name, expert.category, expert.position,
                                     {score.node.key: score.score for score in expert.scores.all()}),
                "text": {score.node.key: format_number(score.score) for score in expert.scores.all()},
            }
            for expert in experts
        ]  # fmt: skip
    while len(rows) < 20:
        rows.append({"input": ExpertInput("", "", ""), "text": {}})
    for number, row in enumerate(rows, start=1):
        row["number"] = number
        row["cells"] = [
            {"leaf": leaf, "text": row["text"].get(leaf.key, ""), "error": errors.get(f"expert-{number}-{leaf.key}")}
            for leaf in leaves
        ]
        row["errors"] = [errors[key] for key in (f"expert-{number}-name", f"expert-{number}-category") if key in errors]
    means = {
        leaf.key: answer.value
        for leaf in leaves
        for answer in submission.answers.filter(node=leaf)
    }  # fmt: skip
    context = {
        "submission": submission,
        "leaves": leaves,
        "rows": rows,
        "errors": errors,
        "means": [(leaf, means.get(leaf.key)) for leaf in leaves],
        "categories": Expert.Category.choices,
        "composition": Counter(expert.category for expert in experts),
        "warnings": panel_warnings(experts) if experts and request.method != "POST" else [],
    }
    return render(request, "submissions/expert_panel.html", context, status=400 if errors else 200)


def _posted_panel(data: Any, leaves: list[Node]) -> list[dict[str, Any]]:
    rows = []
    for number in range(1, 41):
        name = data.get(f"expert-{number}-name", "").strip()
        category = data.get(f"expert-{number}-category", "")
        position = data.get(f"expert-{number}-position", "")
        texts = {leaf.key: data.get(f"expert-{number}-{leaf.key}", "").strip() for leaf in leaves}
        if not name and not any(texts.values()) and f"expert-{number}-name" not in data:
            continue
        scores: dict[str, Decimal] = {}
        for key, text in texts.items():
            try:
                value = parse_number(text)
            except Exception:  # noqa: BLE001 - a bad number is reported below as out of range
                value = Decimal(-1)
            if value is not None:
                scores[key] = value
        rows.append({"input": ExpertInput(name, category, position, scores), "text": texts})
    return rows
