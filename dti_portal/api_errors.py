"""The one place where the portal's refusals become HTTP answers for the API.

Every answer is JSON in the request's language (Vietnamese unless the visitor chose English): the
portal's own refusals, DRF's messages (worded in `locale/vi`), and the requests Django itself refuses
before a serializer sees them (a body too big, too many files or fields).
"""

from __future__ import annotations

import math
from typing import Any

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation, TooManyFieldsSent, TooManyFilesSent
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler

from common.errors import DomainError, Forbidden, InvalidEntries, InvalidInput, Rejected
from submissions.evidence import EvidenceRejected

from .outage import is_database_outage, note_outage, quietly
from .outage import message as outage_message

JSON_PARSE_ERROR = "JSON parse error - "


class Throttled(exceptions.Throttled):
    """DRF's 429, worded in the user's language: DRF builds its wait sentence from formatted text,
    which no catalogue can translate. `wait` (whole seconds) becomes the Retry-After header."""

    wait: int | None

    def __init__(self, *, wait: float | None) -> None:
        seconds = math.ceil(wait) if wait is not None else None
        super().__init__(
            detail=_("Quá nhiều yêu cầu; vui lòng thử lại sau %(wait)s giây.") % {"wait": seconds}
            if seconds
            else _("Quá nhiều yêu cầu; vui lòng thử lại sau.")
        )
        self.wait = seconds


def refused_request_answer(error: SuspiciousOperation) -> tuple[int, str]:
    """The status and message for a request Django refused to read: 413 for a body too big, else 400."""
    if isinstance(error, RequestDataTooBig):
        return 413, _("Nội dung gửi lên quá lớn.")
    if isinstance(error, TooManyFilesSent):
        return 400, _("Gửi quá nhiều tệp trong một yêu cầu.")
    if isinstance(error, TooManyFieldsSent):
        return 400, _("Gửi quá nhiều trường trong một yêu cầu.")
    return 400, _("Yêu cầu không hợp lệ.")


def handle_api_exception(error: Exception, context: dict[str, Any]) -> Response | None:
    """Each kind of `DomainError` answers its own status: bad input by field (many objects' input under
    "errors", by object and field), a refused file under "file", a refused table with its problems, a
    conflict with its code; anything else is DRF's."""
    if is_database_outage(error):
        note_outage(error)
        response = Response({"detail": outage_message()}, status=503)
        return quietly(response, context["request"]._request)
    if isinstance(error, SuspiciousOperation):
        status, message = refused_request_answer(error)
        return Response({"detail": message}, status=status)
    if isinstance(error, Http404):
        # The message of an Http404 is for developers ("No such submission"); the client gets DRF's own.
        error = exceptions.NotFound()
    elif isinstance(error, exceptions.Throttled) and not isinstance(error, Throttled):
        error = Throttled(wait=getattr(error, "wait", None))
    elif isinstance(error, exceptions.ParseError) and str(error.detail).startswith(JSON_PARSE_ERROR):
        reason = str(error.detail).removeprefix(JSON_PARSE_ERROR)
        error = exceptions.ParseError(_("JSON không hợp lệ: %(reason)s") % {"reason": reason})
    if not isinstance(error, DomainError) or isinstance(error, Forbidden):
        # Forbidden is also Django's PermissionDenied, which DRF already answers 403 with its message.
        return exception_handler(error, context)
    if isinstance(error, InvalidEntries):
        body: dict[str, Any] = {"errors": error.entries}
    elif isinstance(error, InvalidInput):
        body = {field: [message] for field, message in error.errors.items()}
    elif isinstance(error, EvidenceRejected):
        body = {"file": [str(error)]}
    elif isinstance(error, Rejected):
        body = {"detail": str(error), "code": error.code, "problems": error.problems}
    else:
        body = {"detail": str(error), "code": error.code, **error.details}
    return Response(body, status=error.status)
