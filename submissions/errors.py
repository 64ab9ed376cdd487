"""The submission stage's kinds of refusal, each under the portal's one `DomainError` base."""

from __future__ import annotations

from common.errors import InvalidInput, Rejected, StaleError, WorkflowError

__all__ = ["AnswerInvalid", "ImportRejected", "StaleAnswerError", "WorkflowError"]


class AnswerInvalid(InvalidInput):
    """Input that cannot be saved; `errors` maps each field to a Vietnamese message."""


class ImportRejected(Rejected):
    """An uploaded sheet cannot be applied; `problems` names the row and column of each."""


class StaleAnswerError(StaleError):
    """The answer changed since the caller read it: saving would overwrite someone else's value."""
