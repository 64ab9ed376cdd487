"""The one place that decides whether a user may see a submission, an answer or a file."""

from __future__ import annotations

from django.http import Http404

from accounts.models import User

from .models import Answer, Evidence, Submission


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


def get_answer_for_user(user: User, submission_id: int, leaf_key: str) -> Answer:
    """Return one answer of a visible submission by the leaf's key (or printed code)."""
    submission = get_submission_for_user(user, submission_id)
    answer = submission.answers.select_related("node", "submission__campaign").filter(node__key=leaf_key).first()
    if answer is None:
        raise Http404("No such leaf")
    return answer


def get_evidence_for_user(user: User, evidence_id: int) -> Evidence:
    evidence = Evidence.objects.select_related("answer__submission").filter(pk=evidence_id).first()
    if evidence is None:
        raise Http404("No such file")
    get_submission_for_user(user, evidence.answer.submission_id)
    return evidence
