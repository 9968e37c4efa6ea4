"""What every feed reader checks of a record's fields, so that a hostile record is that record's
`invalid_record` and never fails its batch: text without the NUL character (PostgreSQL refuses
it in text), and times with a UTC offset that lie in 1970..2999 (domain.clock.to_utc)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec

from domain.clock import to_utc

NO_NUL = "^[^\\x00]*$"

Id = Annotated[str, msgspec.Meta(min_length=1, max_length=128, pattern=NO_NUL)]
Text = Annotated[str, msgspec.Meta(max_length=128, pattern=NO_NUL)]
AwareTime = Annotated[datetime, msgspec.Meta(tz=True)]


class BadField(ValueError):
    """A field that decodes but cannot be taken (a time outside the calendar we accept)."""


def utc(moment: datetime, name: str) -> datetime:
    """The record's time in UTC, or BadField naming the field."""
    try:
        return to_utc(moment)
    except ValueError as exc:
        raise BadField(f"{name} {exc}") from exc
