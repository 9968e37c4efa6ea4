"""The OpenAPI document, made to describe what the service really sends.

Litestar documents its own error shape (`{status_code, detail, extra}`, as application/json) for
the validation errors it raises, and nothing for the rest. Every error this service sends is RFC
9457 problem+json (api/errors.py), so the document is rewritten once, when it is first built:

- each operation's error responses (4XX and 5XX) are `application/problem+json` with the
  `Problem` schema, the validation error's `errors` list included;
- responses sent in more than one media type list each of them (`ALSO_SENT`);
- a handler that reads its body itself gets the body documented (`REQUEST_BODIES`).

`tests/fuzz/` fuzzes every operation against this document (schemathesis): a response whose
status, media type or body the document does not describe is a failure there.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from litestar.openapi import OpenAPIConfig
from litestar.openapi.spec import OpenAPI

from api.operator.batch_schema import TRIP_BATCH

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
_NULLABLE_STRING = {"type": ["string", "null"]}

PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "title": "Problem",
    "description": "RFC 9457 problem details; `code` is stable and machine-readable",
    "required": ["type", "title", "status", "detail", "code"],
    "properties": {
        "type": {"type": "string", "description": "urn:puhui:problem:<code>"},
        "title": {"type": "string"},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "detail": {"type": "string"},
        "code": {"type": "string"},
        "request_id": {**_NULLABLE_STRING, "description": "also in the X-Request-ID header"},
        "errors": {
            "type": "array",
            "description": "validation errors: the offending fields",
            "items": {
                "type": "object",
                "properties": {
                    "field": _NULLABLE_STRING,
                    "source": _NULLABLE_STRING,
                    "message": _NULLABLE_STRING,
                },
            },
        },
    },
    "additionalProperties": True,  # some refusals say more (e.g. when a voucher was redeemed)
}

# (path, method, status) -> further media types that status is sent in
ALSO_SENT: dict[tuple[str, str, str], dict[str, Any]] = {
    ("/v1/merchant/settlements", "get", "200"): {"text/csv": {"schema": {"type": "string"}}},
}

# (path, method) -> the body of a handler that reads it itself
REQUEST_BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("/v1/operators/{operator_id}/trips", "post"): {
        "required": True,
        "content": {"application/json": {"schema": TRIP_BATCH}},
    },
}

_ERROR_DESCRIPTIONS = {
    "400": "Bad request: unreadable body or parameters (`errors` names the fields)",
    "4XX": "The caller's mistake (401, 403, 404, 409, 410, 413, 415, 422, 429 ...)",
    "5XX": "Unavailable for now (503 with Retry-After) or our own error",
}
_METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}


def _problem_response(status: str, description: str | None = None) -> dict[str, Any]:
    return {
        "description": _ERROR_DESCRIPTIONS.get(status) or description or "An error",
        "content": {PROBLEM_MEDIA_TYPE: {"schema": PROBLEM_REF}},
    }


def describe_what_is_sent(document: dict[str, Any]) -> dict[str, Any]:
    """Rewrite a generated document (in place, and returned): problem+json errors, all media
    types of each response."""
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    schemas["Problem"] = PROBLEM_SCHEMA
    for path, item in document.get("paths", {}).items():
        for method, operation in item.items():
            if method not in _METHODS:
                continue
            if (body := REQUEST_BODIES.get((path, method))) is not None:
                operation["requestBody"] = body
            responses = operation.setdefault("responses", {})
            for status, response in list(responses.items()):
                if status[0] in "45":
                    responses[status] = _problem_response(status, response.get("description"))
                if extra := ALSO_SENT.get((path, method, status)):
                    response.setdefault("content", {}).update(extra)
            for status in ("4XX", "5XX"):
                responses.setdefault(status, _problem_response(status))
    return document


@dataclass
class _Document(OpenAPI):
    def to_schema(self) -> dict[str, Any]:
        return describe_what_is_sent(super().to_schema())


class HonestOpenAPIConfig(OpenAPIConfig):
    """Litestar's OpenAPIConfig, whose document is rewritten by `describe_what_is_sent` when
    Litestar first renders it (lazily: building it costs a few tens of milliseconds)."""

    def to_openapi_schema(self) -> OpenAPI:
        built = super().to_openapi_schema()
        return _Document(**{f.name: getattr(built, f.name) for f in fields(built)})
