"""The one family of refusals the portal explains to a person.

Every service raises one of these kinds, with its message in the user's language; the API maps them
to HTTP in one place (`dti_portal.api_errors`) and the pages in one place (`dti_portal.middleware`).

- `InvalidInput` (400): input that cannot be saved; `errors` maps each field to its message.
  `InvalidEntries`, its kind for many objects at once, maps each object to its fields' messages.
- `Rejected` (400): a file or a table refused as a whole; `problems` lists each reason.
- `Forbidden` (403): the person may not take this step (it is also Django's PermissionDenied).
- `WorkflowError` (409): a step not allowed in the object's current state.
- `StaleError` (409): the object changed since the caller read it; saving would overwrite it.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied


class DomainError(Exception):
    """A refusal with a message for the person who caused it."""

    status = 400
    code = "invalid"

    @property
    def message(self) -> str:
        return str(self)

    @property
    def details(self) -> dict[str, Any]:
        """Facts a program needs besides the message (an API answer carries them next to `detail`)."""
        return {}


class InvalidInput(DomainError):
    """Input that cannot be saved; `errors` maps each field to a message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{field}: {message}" for field, message in errors.items()))
        self.errors = errors

    @property
    def message(self) -> str:
        return " ".join(self.errors.values())


class InvalidEntries(InvalidInput):
    """Input for many objects at once, refused as a whole: `entries` maps each object (a unit's code)
    to its fields (a leaf's key) and their messages. The API answers {"errors": entries}."""

    def __init__(self, entries: dict[str, dict[str, list[str]]]) -> None:
        super().__init__(
            {
                name: "; ".join(f"{field}: {message}" for field, messages in fields.items() for message in messages)
                for name, fields in entries.items()
            }
        )
        self.entries = entries


class Rejected(DomainError):
    """A file or a table refused as a whole; `problems` says why, one sentence each."""

    code = "rejected"

    def __init__(self, problems: list[str] | str) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("; ".join(self.problems))


class Forbidden(DomainError, PermissionDenied):
    """The person lacks the role, belongs to another unit, or would take two steps of one chain."""

    status = 403
    code = "forbidden"


class WorkflowError(DomainError):
    """A step that is not allowed in the current state; the message says why.

    `leaves` names, by key, every leaf that blocks the step (the leaves still lacking evidence, the
    leaves still undecided), so that a program can act on them without reading the sentence; `code`
    says which refusal it is when the class alone does not.
    """

    status = 409
    code = "not_allowed"

    def __init__(self, message: str, *, code: str | None = None, leaves: list[str] | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code
        self.leaves = list(leaves or [])

    @property
    def details(self) -> dict[str, Any]:
        return {"leaves": self.leaves}


class StaleError(WorkflowError):
    """The object changed since the caller read it: saving would overwrite someone else's work."""

    code = "stale"

    @property
    def details(self) -> dict[str, Any]:
        return {}


class LeafErrors(InvalidEntries):
    """Input for many leaves at once (a bulk write) that cannot be saved: each refused leaf's key maps
    to its errors by field. Nothing of the request is saved."""

    def __init__(self, by_leaf: dict[str, dict[str, str]]) -> None:
        super().__init__(
            {key: {name: [message] for name, message in errors.items()} for key, errors in by_leaf.items()}
        )


class StaleLeaves(StaleError):
    """Leaves of a bulk write changed since the caller read them: `leaves` lists their keys; nothing
    of the request is saved."""

    @property
    def details(self) -> dict[str, Any]:
        return {"stale": self.leaves}
