"""The one place that decides whether a user may see or change a submission, an answer, a file or a
campaign's authority pages.

For each object type a read helper (`get_…_for_user`) and a write helper (`get_rw_…_for_user`): an
object the user may not see answers 404, never 403, so another unit's existence is not revealed; an
object the user may see but not change (the provincial office supervises, it does not act) answers
403. Which step a role may take on it is the services' rule, checked where the step is taken.
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from accounts.models import Role, User
from common.errors import Forbidden

from .models import Answer, Campaign, Evidence, Submission

# Roles that act on a submission; the provincial office only reads it.
ACTING_ROLES = (Role.REPORTER, Role.IT_LEAD, Role.LEADER, Role.APPRAISER, Role.ADMIN)


def get_submission_for_user(user: User, submission_id: int) -> Submission:
    """Return the submission if the user may see it; another unit's answers 404, never 403."""
    submission = (
        Submission.objects.visible_to(user)
        .select_related("campaign__framework", "organisation")
        .filter(pk=submission_id)
        .first()
    )
    if submission is None:
        raise Http404("No such submission")
    return submission


def get_rw_submission_for_user(user: User, submission_id: int) -> Submission:
    """Return a submission the user may act on: visible to them and held with a role that acts."""
    submission = get_submission_for_user(user, submission_id)
    if not any(user.has_role(role) for role in ACTING_ROLES):
        raise Forbidden(_("Tài khoản của bạn chỉ được xem hồ sơ này."))
    return submission


def get_answer_for_user(user: User, submission_id: int, leaf_key: str) -> Answer:
    """Return one answer of a visible submission by the leaf's key (or printed code)."""
    return _answer_of(get_submission_for_user(user, submission_id), leaf_key)


def get_rw_answer_for_user(user: User, submission_id: int, leaf_key: str) -> Answer:
    return _answer_of(get_rw_submission_for_user(user, submission_id), leaf_key)


def _answer_of(submission: Submission, leaf_key: str) -> Answer:
    # No ordering: `.first()` would order by id, and PostgreSQL then walks the whole table's primary
    # key instead of the (submission, node) index.
    found = list(
        submission.answers.select_related("node", "submission__campaign").filter(node__key=leaf_key).order_by()[:1]
    )
    answer = found[0] if found else None
    if answer is None:
        raise Http404("No such leaf")
    return answer


def get_evidence_for_user(user: User, evidence_id: int, *, answer: Answer | None = None) -> Evidence:
    """A file of a submission the user may see; with `answer`, a file of that answer only (the API
    names a file under its leaf: another leaf's or another unit's file answers 404)."""
    found = Evidence.objects.select_related("answer__submission").filter(pk=evidence_id)
    if answer is not None:
        found = found.filter(answer=answer)
    evidence = found.first()
    if evidence is None:
        raise Http404("No such file")
    get_submission_for_user(user, evidence.answer.submission_id)
    return evidence


def get_rw_evidence_for_user(user: User, evidence_id: int, *, answer: Answer | None = None) -> Evidence:
    evidence = get_evidence_for_user(user, evidence_id, answer=answer)
    get_rw_submission_for_user(user, evidence.answer.submission_id)
    return evidence


def authority_only(user: User) -> None:
    """Pages of the authority's own work (the queue, the reviews, coverage)."""
    if not user.is_authority:
        raise Forbidden(_("Trang này dành cho cơ quan đánh giá."))


def appraisers_only(user: User) -> None:
    if not user.is_appraiser:
        raise Forbidden(_("Trang này dành cho cán bộ thẩm định."))


def get_campaign_for_authority(user: User, campaign_id: int) -> Campaign:
    """A campaign's authority pages: only the authority reaches them."""
    authority_only(user)
    return get_object_or_404(Campaign.objects.select_related("framework"), pk=campaign_id)
