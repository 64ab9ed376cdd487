"""Locking in one order everywhere (the submission, then its answer), so two steps never deadlock."""

from __future__ import annotations

from ..models import Answer, Submission


def lock_answer(answer_id: int) -> tuple[Submission, Answer]:
    """Lock an answer's submission, then the answer itself; both fresh from the database."""
    answer = Answer.objects.only("submission_id").get(pk=answer_id)
    submission = (
        Submission.objects.select_for_update().select_related("campaign", "organisation").get(pk=answer.submission_id)
    )
    return submission, Answer.objects.select_for_update().select_related("node").get(pk=answer_id)


def lock_submission(submission_id: int) -> Submission:
    return Submission.objects.select_for_update().select_related("campaign", "organisation").get(pk=submission_id)
