"""Shapes shared by every audience: short strings, pages."""

from __future__ import annotations

from typing import Annotated, Generic, TypeVar

import msgspec
from litestar.params import Parameter

T = TypeVar("T")

Text128 = Annotated[str, msgspec.Meta(min_length=1, max_length=128)]
Text32 = Annotated[str, msgspec.Meta(min_length=1, max_length=32)]


# Query parameters of every list endpoint: ?limit= (1..100, default 20) and ?cursor=.
LIMIT = Parameter(default=20, ge=1, le=100, description="page size, at most 100")
CURSOR = Parameter(default=None, max_length=64, description="next_cursor of the previous page")


class Page(msgspec.Struct, Generic[T]):
    items: list[T]
    next_cursor: str | None


def page_of(items: list[T], limit: int, cursor_of) -> Page[T]:
    """A page from `limit + 1` fetched rows: the extra row only says whether there is more."""
    more = len(items) > limit
    items = items[:limit]
    return Page(items=items, next_cursor=cursor_of(items[-1]) if more and items else None)
