"""What a request carries, read in one place whatever its bytes: JSON bodies and URLs.

Litestar decodes a handler's `data` through `Request.json()`. `PuhuiRequest`, the app's request
class, answers 400 `invalid_json` for a body msgspec cannot read (malformed, nested deeper than
the stack holds, not UTF-8) and 422 `invalid_character` for text holding the NUL character, which
PostgreSQL refuses. A handler that reads a raw body itself (the trips feed) calls `decode` and
leaves NUL to each record's reader, so that one bad record never fails its batch.

`refuse_nul_in_url` (the app's before-request hook) does the same for the path, the query string
and the headers, before any path or query parameter reaches a query.
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request
from litestar.exceptions import SerializationException

from domain.errors import DomainError, InvalidInput

NUL_ESCAPE = b"\\u0000"  # how JSON spells NUL: a raw 0x00 byte is not valid JSON at all


class UnreadableBody(DomainError):
    """The request body is not JSON that can be read."""

    code = "invalid_json"


class NulInUrl(DomainError):
    """The path, the query or a header holds the NUL character."""

    code = "invalid_character"


def decode(raw: bytes) -> Any:
    """The body's JSON value; UnreadableBody for anything msgspec cannot read."""
    try:
        return msgspec.json.decode(raw)
    except msgspec.DecodeError as exc:
        raise UnreadableBody(f"the body is not JSON: {exc}") from exc
    except (RecursionError, UnicodeDecodeError) as exc:
        raise _unreadable(exc) from exc


def _unreadable(exc: RecursionError | UnicodeDecodeError) -> UnreadableBody:
    if isinstance(exc, RecursionError):
        return UnreadableBody("the body is nested too deeply to read")
    return UnreadableBody(f"the body is not UTF-8 (byte {exc.start})")


def nul_at(value: Any) -> str | None:
    """The JSON path of the first key or string holding NUL, if any (walked without recursion:
    what msgspec decoded may be nested deeper than Python's stack)."""
    stack: list[tuple[str, Any]] = [("$", value)]
    while stack:
        path, item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return path
        elif isinstance(item, dict):
            for key, child in reversed(item.items()):
                if "\x00" in key:
                    return path
                stack.append((f"{path}.{key}", child))
        elif isinstance(item, list):
            stack.extend((f"{path}[{i}]", child) for i, child in reversed(list(enumerate(item))))
    return None


def refuse_nul(value: Any, raw: bytes) -> None:
    """InvalidInput `invalid_character` when the decoded body holds NUL anywhere."""
    if NUL_ESCAPE in raw and (path := nul_at(value)) is not None:
        raise InvalidInput(
            f"{path} holds the NUL character (\\u0000), which text may not contain",
            code="invalid_character",
        )


class PuhuiRequest(Request):
    async def json(self) -> Any:
        try:
            value = await super().json()
        except SerializationException as exc:
            raise UnreadableBody(f"the body is not JSON: {exc.detail}") from exc
        except (RecursionError, UnicodeDecodeError) as exc:  # raised by msgspec, on our body
            raise _unreadable(exc) from exc
        refuse_nul(value, await self.body())
        return value


async def refuse_nul_in_url(request: Request) -> None:
    scope = request.scope
    query = scope.get("query_string", b"")
    if (
        "\x00" in scope["path"]
        or b"%00" in query
        or b"\x00" in query
        or any(b"\x00" in value for _, value in scope["headers"])
    ):
        raise NulInUrl("the path, the query or a header holds the NUL character (%00)")
