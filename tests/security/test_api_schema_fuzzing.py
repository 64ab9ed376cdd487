"""Schemathesis against the portal's own OpenAPI schema, served by the WSGI app: every operation, as an
anonymous client, a unit's reporter, an appraiser and an administrator. No server error; every answer
conforms to the schema."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from knox.models import AuthToken
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.models import User
from dti_portal.wsgi import application
from submissions.models import Submission

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance]  # fmt: skip


@pytest.fixture
def api_schema(db: None) -> Iterator[Any]:
    # As Django's test client does: a request must not close the test's database connection.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/schema/", application)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def credentials(
    danang_submission: Submission, danang_reporter: User, appraiser: User, administrator: User
) -> list[dict[str, str]]:
    """Headers of an anonymous client, a unit's reporter, an appraiser and an administrator."""
    found: list[dict[str, str]] = [{}]
    for user in (danang_reporter, appraiser, administrator):
        _stored, token = AuthToken.objects.create(user=user)
        found.append({"Authorization": f"Token {token}"})
    return found


def revokes_a_token(operation: Any) -> bool:
    return (operation.method.upper(), operation.path) == ("DELETE", "/api/v1/auth/token/")


@pytest.mark.django_db
def test_every_operation_answers_within_its_schema_and_never_fails(
    api_schema: Any, credentials: list[dict[str, str]]
) -> None:
    # Revoking a token goes last: run earlier, it would leave every later operation with revoked credentials.
    operations = sorted((result.ok() for result in api_schema.get_all_operations()), key=revokes_a_token)

    for operation in operations:

        @settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True,
                  database=None)  # fmt: skip
        @given(case=operation.as_strategy())
        def call(case: Any) -> None:
            for headers in credentials:
                case.call_and_validate(headers=headers, checks=CHECKS)

        call()

    assert len(operations) == 33


@pytest.mark.django_db
def test_the_schemas_links_lead_from_what_a_client_creates_to_reading_it(
    api_schema: Any, danang_submission: Submission, danang_reporter: User
) -> None:
    _stored, token = AuthToken.objects.create(user=danang_reporter)
    followed: list[tuple[str, int]] = []

    # A unit's own objects: the lists and reads that lead to its writes.
    # The what-if reads only what the unit's final result holds: nothing a client creates leads to it.
    submissions = api_schema.include(path_regex="^/api/v1/submissions/").exclude(path_regex="/what-if/$")

    class Integrator(submissions.as_state_machine()):  # type: ignore[misc]
        """Schemathesis's stateful run: each step follows a link of the answer before it."""

        def before_call(self, case: Any) -> None:
            # The unit's integrator works on its own submission (ids differ from one database to another).
            if "submission_id" in (case.path_parameters or {}):
                case.path_parameters["submission_id"] = danang_submission.pk

        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"headers": {"Authorization": f"Token {token}"}}

        def call(self, case: Any, **kwargs: Any) -> Any:
            response = super().call(case, **kwargs)
            followed.append((case.operation.label, response.status_code))
            return response

        def validate_response(self, response: Any, case: Any, additional_checks: Any = None, **kwargs: Any) -> None:
            case.validate_response(response, checks=CHECKS, transport_kwargs=kwargs)

    Integrator.run(
        settings=settings(
            max_examples=25,
            stateful_step_count=4,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
    )

    # Created, then read by the link the creation's answer declares.
    created = followed.index(("POST /api/v1/submissions/{submission_id}/comments/", 201))
    assert ("GET /api/v1/submissions/{submission_id}/comments/", 200) in followed[created:]
