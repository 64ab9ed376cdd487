"""The OpenAPI schema's shared parts: each operation documents the errors it can really answer with.

Which ones follows from the view: 400 where it reads a body or query parameters, 401 where it reads
credentials (a wrong or expired token is refused even where none is needed), 403 where a signed-in
person may still be refused (a step, a stricter permission), 404 where the path names an object or
a list is paged, 413 and 415 with a body, 429 where it is throttled, 503 everywhere (the database may be
away for a moment). A 409 is never assumed: the operations that can conflict declare it with what
it means, as a read of something that may not exist yet declares its 404.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema
from rest_framework.permissions import AllowAny, IsAuthenticated

ERROR = {
    "type": "object",
    "description": "Vietnamese messages: `detail`, or one list of messages per field.",
    "additionalProperties": True,
}
ERRORS = {
    "400": "Bad input: the message names the field.",
    "401": "No or wrong credentials.",
    "403": "The credentials do not allow this.",
    "404": "No such object, or another unit's.",
    "413": "The body is too big.",
    "415": "The body is not in one of the media types the operation reads.",
    "429": "Too many requests, or too many failed logins: retry after `Retry-After` seconds.",
    "503": "The database is unavailable for a moment: retry after `Retry-After` seconds.",
}
WITH_BODY = ("POST", "PUT", "PATCH")


class PortalAutoSchema(AutoSchema):
    def get_operation(self, *args: Any, **kwargs: Any) -> dict[str, Any] | None:
        operation: dict[str, Any] | None = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        responses = operation.setdefault("responses", {})
        for code in self._possible_errors(operation):
            responses.setdefault(code, {"description": ERRORS[code]})
        for code, response in responses.items():
            if code[0] in "45":
                response.setdefault("content", {"application/json": {"schema": ERROR}})
        names = {parameter.get("name") for parameter in operation.get("parameters", [])}
        if "format" in names and self.method == "GET":
            responses.setdefault("304", {"description": "Not modified since the ETag or date sent."})
            for code, response in responses.items():
                if code[0] in "24":  # asked for CSV, errors come as CSV too
                    response.setdefault("content", {})["text/csv"] = {"schema": {"type": "string"}}
            # Asked for another JSON-based format (GeoJSON), errors come as JSON in that media type.
            for media_type in {renderer.media_type for renderer in self.view.get_renderers()}:
                if media_type.endswith("+json"):
                    for code, response in responses.items():
                        if code[0] == "4":
                            response.setdefault("content", {}).setdefault(media_type, {"schema": ERROR})
        return operation

    def _possible_errors(self, operation: dict[str, Any]) -> list[str]:
        parameters = operation.get("parameters", [])
        has_body = self.method in WITH_BODY and "requestBody" in operation
        permissions = self.view.get_permissions()
        public = all(isinstance(permission, AllowAny) for permission in permissions)
        # Signed in is all a read asks (IsAuthenticated refuses with 401); a step or a stricter
        # permission may be refused to the signed-in person.
        only_signed_in = all(isinstance(permission, (IsAuthenticated, AllowAny)) for permission in permissions)
        possible = {
            "400": has_body or any(parameter.get("in") == "query" for parameter in parameters),
            "401": bool(self.view.get_authenticators()),
            "403": not public and (self.method in WITH_BODY or self.method == "DELETE" or not only_signed_in),
            "404": any(parameter.get("in") == "path" for parameter in parameters)
            or any(parameter.get("name") == "page" for parameter in parameters),
            "413": has_body,
            "415": has_body,
            "429": bool(self.view.get_throttles()),
            "503": True,
        }
        return [code for code, happens in possible.items() if happens]


# What a client does next with an answer, as OpenAPI links (source operation, status, link name,
# target operation, target parameters): Schemathesis follows them in its stateful run, and a
# generated client can offer them.
LINKS: tuple[tuple[str, str, str, str, dict[str, str]], ...] = (
    ("v1_submissions_list", "200", "ReadSubmission", "v1_submissions_retrieve",
     {"submission_id": "$response.body#/results/0/id"}),
    ("v1_submissions_retrieve", "200", "WriteAnswers", "v1_submissions_answers_bulk_update",
     {"submission_id": "$request.path.submission_id"}),
    ("v1_submissions_retrieve", "200", "TakeStep", "v1_submissions_transitions_create",
     {"submission_id": "$request.path.submission_id"}),
    ("v1_submissions_answers_bulk_update", "200", "ReadSubmission", "v1_submissions_retrieve",
     {"submission_id": "$request.path.submission_id"}),
    ("v1_submissions_retrieve", "200", "Comment", "v1_submissions_comments_create",
     {"submission_id": "$request.path.submission_id"}),
    ("v1_submissions_retrieve", "200", "ReadHistory", "v1_submissions_history_list",
     {"submission_id": "$request.path.submission_id"}),
    ("v1_submissions_comments_create", "201", "ReadComments", "v1_submissions_comments_list",
     {"submission_id": "$request.path.submission_id"}),
    ("v1_submissions_comments_create", "201", "ReadHistory", "v1_submissions_history_list",
     {"submission_id": "$request.path.submission_id"}),
    ("v1_submissions_answers_evidence_create", "201", "ReadEvidence", "v1_submissions_answers_evidence_retrieve",
     {"submission_id": "$request.path.submission_id", "leaf_code": "$request.path.leaf_code",
      "evidence_id": "$response.body#/id"}),
    ("v1_submissions_answers_evidence_create", "201", "ListEvidence", "v1_submissions_answers_evidence_list",
     {"submission_id": "$request.path.submission_id", "leaf_code": "$request.path.leaf_code"}),
    ("v1_submissions_answers_evidence_create", "201", "RemoveEvidence", "v1_submissions_answers_evidence_destroy",
     {"submission_id": "$request.path.submission_id", "leaf_code": "$request.path.leaf_code",
      "evidence_id": "$response.body#/id"}),
    ("v1_webhooks_create", "201", "ReadWebhook", "v1_webhooks_retrieve", {"webhook_id": "$response.body#/id"}),
    ("v1_webhooks_create", "201", "DeleteWebhook", "v1_webhooks_destroy", {"webhook_id": "$response.body#/id"}),
)  # fmt: skip


def add_links(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: add `LINKS` to the operations' answers; a link naming an
    operation the schema does not have fails the schema's build."""
    operations = {
        operation["operationId"]: operation
        for path in result.get("paths", {}).values()
        for method, operation in path.items()
        if isinstance(operation, dict) and "operationId" in operation
    }
    for source, status, name, target, parameters in LINKS:
        if source not in operations or target not in operations:
            raise KeyError(f"A link names an operation the schema lacks: {source} → {target}")
        response = operations[source]["responses"][status]
        response.setdefault("links", {})[name] = {"operationId": target, "parameters": parameters}
    return result
