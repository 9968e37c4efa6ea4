"""Every error as RFC 9457 problem+json with a stable machine `code`; never a stack trace."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR
from redis.exceptions import RedisError
from sqlalchemy.exc import DBAPIError, IntegrityError

from api.logging import request_id_var
from api.request import NulInUrl, UnreadableBody
from domain import errors as domain_errors
from domain.vouchers.tokens import BadToken

log = logging.getLogger("puhui.errors")
MEDIA_TYPE = "application/problem+json"

_DOMAIN_STATUS: list[tuple[type[domain_errors.DomainError], int]] = [
    (BadToken, 400),
    (UnreadableBody, 400),
    (NulInUrl, 400),
    (domain_errors.NotFound, 404),
    (domain_errors.Conflict, 409),
    (domain_errors.InvalidInput, 422),
    (domain_errors.Unauthenticated, 401),
    (domain_errors.Forbidden, 403),
    (domain_errors.Gone, 410),
    (domain_errors.TooManyAttempts, 429),
    (domain_errors.UpstreamRateLimited, 429),
    (domain_errors.UpstreamUnavailable, 503),
]

_HTTP_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "invalid_input",
    429: "rate_limited",
    503: "unavailable",
}


def problem(
    status: int,
    code: str,
    detail: str,
    *,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> Response[dict[str, Any]]:
    body: dict[str, Any] = {
        "type": f"urn:puhui:problem:{code}",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "code": code,
        "request_id": request_id_var.get(),
    }
    body.update(extra)
    return Response(content=body, status_code=status, media_type=MEDIA_TYPE, headers=headers)


def domain_error_to_problem(_: Request | None, exc: domain_errors.DomainError) -> Response[Any]:
    """Also called directly by handlers whose refusals are their everyday answers."""
    status = next((s for cls, s in _DOMAIN_STATUS if isinstance(exc, cls)), 400)
    headers = {"Retry-After": "30"} if status in (429, 503) else None
    if headers is not None and isinstance(exc.extra.get("retry_after"), int):
        headers["Retry-After"] = str(max(1, exc.extra["retry_after"]))
    return problem(status, exc.code, exc.detail, headers=headers, **exc.extra)


def validation_to_problem(_: Request, exc: ValidationException) -> Response[Any]:
    fields = []
    for item in exc.extra if isinstance(exc.extra, list) else []:
        if isinstance(item, dict):
            fields.append(
                {
                    "field": item.get("key"),
                    "source": item.get("source"),
                    "message": item.get("message"),
                }
            )
    detail = "the request did not pass validation"
    if not fields and exc.detail:
        detail = str(exc.detail)
    return problem(400, "validation_failed", detail, errors=fields)


def http_to_problem(_: Request, exc: HTTPException) -> Response[Any]:
    status = exc.status_code
    if status >= 500:
        return internal_to_problem(_, exc)
    code = _HTTP_CODES.get(status, "http_error")
    detail = exc.detail if isinstance(exc.detail, str) else HTTPStatus(status).phrase
    headers = dict(exc.headers) if exc.headers else None
    if status == 429 and headers and "RateLimit-Reset" in headers:  # the rate-limit middleware's
        headers.setdefault("Retry-After", str(max(1, int(headers["RateLimit-Reset"]))))
    return problem(status, code, detail, headers=headers)


def integrity_to_problem(_: Request, exc: IntegrityError) -> Response[Any]:
    log.warning("integrity error: %s", type(exc.orig).__name__ if exc.orig else exc)
    return problem(409, "conflict", "the request conflicts with data already stored")


TRANSIENT_SQLSTATES = {"40P01", "40001", "55P03"}  # deadlock, serialization failure, lock timeout


def _sqlstate(exc: BaseException) -> str | None:
    orig = getattr(exc, "orig", None)
    for candidate in (orig, getattr(orig, "__cause__", None)):
        code = getattr(candidate, "sqlstate", None) or getattr(candidate, "pgcode", None)
        if code:
            return str(code)
    return None


def dbapi_to_problem(request: Request, exc: DBAPIError) -> Response[Any]:
    """A transient database conflict: nothing was written, the caller may simply retry."""
    if _sqlstate(exc) in TRANSIENT_SQLSTATES:
        log.warning("transient database conflict", extra={"sqlstate": _sqlstate(exc)})
        return problem(
            503,
            "transient_conflict",
            "a concurrent request got in the way; retry",
            headers={"Retry-After": "1"},
        )
    return internal_to_problem(request, exc)


REDIS_RETRY_AFTER = 5


def redis_to_problem(_: Request, exc: RedisError) -> Response[Any]:
    """Redis is unreachable where nothing could stand in for it: retry in a few seconds."""
    log.warning("redis unavailable: %s", type(exc).__name__)
    return problem(
        503,
        "dependency_unavailable",
        "a service this request needs is unreachable; retry shortly",
        headers={"Retry-After": str(REDIS_RETRY_AFTER)},
        retry_after=REDIS_RETRY_AFTER,
    )


def internal_to_problem(_: Request, exc: Exception) -> Response[Any]:
    log.error("unhandled error", exc_info=exc)
    return problem(
        HTTP_500_INTERNAL_SERVER_ERROR, "internal_error", "something went wrong on our side"
    )


HANDLERS: dict[type[Exception], Any] = {
    domain_errors.DomainError: domain_error_to_problem,
    ValidationException: validation_to_problem,
    HTTPException: http_to_problem,
    IntegrityError: integrity_to_problem,
    DBAPIError: dbapi_to_problem,
    RedisError: redis_to_problem,
    Exception: internal_to_problem,
}
