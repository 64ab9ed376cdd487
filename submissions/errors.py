"""The submission stage's kinds of refusal, each under the portal's one `DomainError` base."""

from __future__ import annotations

from typing import Any

from common.errors import InvalidEntries, InvalidInput, Rejected, StaleError, WorkflowError

__all__ = [
    "AnswerInvalid",
    "AuthorityValuesInvalid",
    "HeldImportGone",
    "ImportAlreadyApplied",
    "ImportRejected",
    "StaleAnswerError",
    "StateChanged",
    "WorkflowError",
]


class AnswerInvalid(InvalidInput):
    """Input that cannot be saved; `errors` maps each field to a Vietnamese message."""


class AuthorityValuesInvalid(InvalidEntries):
    """Authority values refused as a whole: `entries` by unit code and leaf key; `problems` the same
    messages by the position of the value in what was sent, for a sheet to name its cells."""

    def __init__(self, problems: list[tuple[int, str, str, str]]) -> None:
        """`problems`: (position, unit code, leaf key, message) of each refused value."""
        entries: dict[str, dict[str, list[str]]] = {}
        for _position, unit, leaf, message in problems:
            entries.setdefault(unit, {}).setdefault(leaf, []).append(message)
        super().__init__(entries)
        self.problems = [(position, message) for position, _unit, _leaf, message in problems]


class ImportRejected(Rejected):
    """An uploaded sheet cannot be applied; `problems` names the row and column of each."""


class HeldImportGone(StaleError):
    """The previewed upload is no longer kept for this person (past its time, unknown, someone else's):
    the file must be uploaded again."""

    code = "import_gone"


class ImportAlreadyApplied(HeldImportGone):
    """The previewed upload was already applied by this person (a second click, a resent form)."""

    code = "import_applied"


class StaleAnswerError(StaleError):
    """The answer changed since the caller read it: saving would overwrite someone else's value."""


class StateChanged(StaleError):
    """The submission is no longer in the state the person acted on (a double click, a stale tab, a
    colleague's step in between): nothing is done, and the answer says the state it is in now."""

    code = "state_changed"

    def __init__(self, message: str, *, state: str) -> None:
        super().__init__(message)
        self.state = state

    @property
    def details(self) -> dict[str, Any]:
        # A refused transition, like every other: no leaf blocks it, the state does.
        return {"state": self.state, "leaves": []}
