"""Errors the domain raises: each has a stable machine `code`; api/ maps the class to a status."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base class: `code` is stable and machine-readable, `detail` is for people."""

    code = "domain_error"

    def __init__(self, detail: str = "", *, code: str | None = None, **extra: Any) -> None:
        super().__init__(detail or self.code)
        self.detail = detail or self.__class__.__doc__ or self.code
        if code is not None:
            self.code = code
        self.extra = extra


class NotFound(DomainError):
    """The resource does not exist (or is not yours to see)."""

    code = "not_found"


class Conflict(DomainError):
    """The request conflicts with the current state."""

    code = "conflict"


class InvalidInput(DomainError):
    """The request is well-formed but its content is not acceptable."""

    code = "invalid_input"


class Unauthenticated(DomainError):
    """Credentials are missing, invalid or expired."""

    code = "unauthenticated"


class Forbidden(DomainError):
    """Authenticated, but not allowed to do this."""

    code = "forbidden"


class Gone(DomainError):
    """The resource existed but is no longer usable."""

    code = "gone"


class TooManyAttempts(DomainError):
    """Too many attempts: wait `retry_after` seconds (in extra) before trying again."""

    code = "too_many_attempts"


class UpstreamRateLimited(DomainError):
    """An upstream service asked us to slow down."""

    code = "upstream_rate_limited"


class UpstreamUnavailable(DomainError):
    """An upstream service is unavailable; try again later."""

    code = "upstream_unavailable"
