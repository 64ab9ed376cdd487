"""The one place where the portal's refusals become HTTP answers for the API."""

from __future__ import annotations

from typing import Any

from rest_framework.response import Response
from rest_framework.views import exception_handler

from common.errors import DomainError, Forbidden, InvalidInput, Rejected
from submissions.evidence import EvidenceRejected


def handle_api_exception(error: Exception, context: dict[str, Any]) -> Response | None:
    """Each kind of `DomainError` answers its own status: bad input by field, a refused file under
    "file", a refused table with its problems, a conflict with its code; anything else is DRF's."""
    if not isinstance(error, DomainError) or isinstance(error, Forbidden):
        # Forbidden is also Django's PermissionDenied, which DRF already answers 403 with its message.
        return exception_handler(error, context)
    if isinstance(error, InvalidInput):
        body: dict[str, Any] = {field: [message] for field, message in error.errors.items()}
    elif isinstance(error, EvidenceRejected):
        body = {"file": [str(error)]}
    elif isinstance(error, Rejected):
        body = {"detail": str(error), "code": error.code, "problems": error.problems}
    else:
        body = {"detail": str(error), "code": error.code, **error.details}
    return Response(body, status=error.status)
