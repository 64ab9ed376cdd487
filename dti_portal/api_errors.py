"""The one place where domain errors become HTTP answers for the API."""

from __future__ import annotations

from typing import Any

from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from submissions.evidence import EvidenceRejected
from submissions.models import StaleAnswerError, WorkflowError
from submissions.services import AnswerInvalid


def handle_api_exception(error: Exception, context: dict[str, Any]) -> Response | None:
    """Stale saves and steps not allowed now → 409; bad input and refused files → 400; else DRF's."""
    if isinstance(error, StaleAnswerError):
        return Response({"detail": str(error), "code": "stale"}, status=status.HTTP_409_CONFLICT)
    if isinstance(error, WorkflowError):
        return Response({"detail": str(error), "code": "not_allowed"}, status=status.HTTP_409_CONFLICT)
    if isinstance(error, AnswerInvalid):
        return Response(
            {field: [message] for field, message in error.errors.items()}, status=status.HTTP_400_BAD_REQUEST
        )
    if isinstance(error, EvidenceRejected):
        return Response({"file": [str(error)]}, status=status.HTTP_400_BAD_REQUEST)
    return exception_handler(error, context)
