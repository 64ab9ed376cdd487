"""The OpenAPI schema's shared parts: every operation documents the errors the API can answer with."""

from __future__ import annotations

from typing import Any

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
    "409": "Not allowed in the current state, or the data changed since it was read.",
    "413": "The body is too big.",
    "429": "Too many requests, or too many failed logins: retry after `Retry-After` seconds.",
    "503": "The database is unavailable for a moment: retry after `Retry-After` seconds.",
}
METHODS = ("get", "put", "post", "patch", "delete")


def add_error_responses(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: add the error answers, 304 for conditional reads, and
    CSV as a second representation where the operation takes `format`."""
    for path in result.get("paths", {}).values():
        for method, operation in path.items():
            if method not in METHODS:
                continue
            responses = operation.setdefault("responses", {})
            for code, description in ERRORS.items():
                responses.setdefault(
                    code, {"description": description, "content": {"application/json": {"schema": ERROR}}}
                )
            names = {parameter.get("name") for parameter in operation.get("parameters", [])}
            if "format" in names and method == "get":
                responses.setdefault("304", {"description": "Not modified since the ETag or date sent."})
                for code, response in responses.items():
                    if code[0] in "24":  # asked for CSV, errors come as CSV too
                        response.setdefault("content", {})["text/csv"] = {"schema": {"type": "string"}}
    return result
