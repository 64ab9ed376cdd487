"""Locking in one order everywhere (the submission, then its answer), so two steps never deadlock.

Each lock takes its own row only (`of=("self",)`): a plain FOR UPDATE over a query that joins the
campaign, the organisation or the leaf locks their rows as well, so every save of a campaign waited
for every other unit's save, and a leaf's saves in different units waited for each other.
"""

from __future__ import annotations

from ..models import Answer, AnswerQuerySet, Submission, SubmissionQuerySet


def locked_submissions() -> SubmissionQuerySet:
    """Submissions with their campaign and organisation, locking the submissions' rows alone."""
    return Submission.objects.select_for_update(of=("self",)).select_related("campaign", "organisation")


def locked_answers() -> AnswerQuerySet:
    """Answers with their leaf, locking the answers' rows alone."""
    return Answer.objects.select_for_update(of=("self",)).select_related("node")


def lock_answer(answer_id: int) -> tuple[Submission, Answer]:
    """Lock an answer's submission, then the answer itself; both fresh from the database."""
    return locked_submissions().get(answers=answer_id), locked_answers().get(pk=answer_id)


def lock_submission(submission_id: int) -> Submission:
    return locked_submissions().get(pk=submission_id)
