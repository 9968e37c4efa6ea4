"""What an event's description must satisfy (pure): a name and a venue, an aware start and end
in order and at most a year apart, a head count within reason. Each refusal names its field."""

from __future__ import annotations

from datetime import datetime, timedelta

import msgspec

from domain.clock import to_utc
from domain.errors import InvalidInput

MAX_NAME = 200
MAX_VENUE = 300
MAX_ATTENDEES = 10_000_000  # more than any stadium, fair or marathon
MAX_DURATION = timedelta(days=366)


class EventFacts(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    starts_at: datetime  # UTC
    ends_at: datetime  # UTC
    venue: str
    attendees: int


def _text(value: str, field: str, most: int) -> str:
    value = value.strip()
    if not value or len(value) > most:
        raise InvalidInput(
            f"{field}: 1 to {most} characters", code=f"{field}_required", field=field
        )
    return value


def _instant(value: datetime, field: str) -> datetime:
    try:
        return to_utc(value)
    except ValueError as exc:
        raise InvalidInput(f"{field} {exc}", code="invalid_time", field=field) from exc


def checked(
    *, name: str, starts_at: datetime, ends_at: datetime, venue: str, attendees: int
) -> EventFacts:
    """The event's facts, trimmed and in UTC; InvalidInput naming the first bad field."""
    name = _text(name, "name", MAX_NAME)
    venue = _text(venue, "venue", MAX_VENUE)
    start = _instant(starts_at, "starts_at")
    end = _instant(ends_at, "ends_at")
    if end < start:
        raise InvalidInput(
            "ends_at: the event cannot end before it starts",
            code="ends_before_start",
            field="ends_at",
        )
    if end - start > MAX_DURATION:
        raise InvalidInput(
            f"ends_at: an event lasts at most {MAX_DURATION.days} days",
            code="event_too_long",
            field="ends_at",
        )
    if not isinstance(attendees, int) or isinstance(attendees, bool):
        raise InvalidInput("attendees: a whole number", code="invalid_attendees", field="attendees")
    if not 0 <= attendees <= MAX_ATTENDEES:
        raise InvalidInput(
            f"attendees: 0 to {MAX_ATTENDEES}", code="invalid_attendees", field="attendees"
        )
    return EventFacts(name=name, starts_at=start, ends_at=end, venue=venue, attendees=attendees)
