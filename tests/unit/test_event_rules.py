"""An event's description (domain/events/rules.py) and what its retirements say about it
(domain/events/neutralise.py): each refusal names its field."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from types import SimpleNamespace

import pytest

from domain.errors import InvalidInput
from domain.events.neutralise import MAX_BENEFICIARY, beneficiary, details
from domain.events.rules import MAX_ATTENDEES, checked

START = datetime(2026, 4, 12, 0, 30, tzinfo=UTC)
GOOD = {
    "name": "2026 南京马拉松",
    "starts_at": START,
    "ends_at": START + timedelta(hours=7),
    "venue": "南京奥体中心",
    "attendees": 30_000,
}


def test_a_good_event_is_trimmed_and_in_utc() -> None:
    shanghai = timezone(timedelta(hours=8))
    facts = checked(
        **{
            **GOOD,
            "name": "  Marathon ",
            "venue": " Olympic Sports Centre ",
            "starts_at": datetime(2026, 4, 12, 8, 30, tzinfo=shanghai),
        }
    )
    assert (facts.name, facts.venue) == ("Marathon", "Olympic Sports Centre")
    assert facts.starts_at == START and facts.starts_at.tzinfo == UTC


def test_an_event_may_start_and_end_at_once_and_last_exactly_366_days() -> None:
    assert checked(**{**GOOD, "ends_at": START}).ends_at == START
    assert checked(**{**GOOD, "ends_at": START + timedelta(days=366)})
    assert checked(**{**GOOD, "attendees": 0}).attendees == 0
    assert checked(**{**GOOD, "attendees": MAX_ATTENDEES}).attendees == MAX_ATTENDEES


@pytest.mark.parametrize(
    ("changed", "code", "field"),
    [
        ({"name": "   "}, "name_required", "name"),
        ({"name": "n" * 201}, "name_required", "name"),
        ({"venue": ""}, "venue_required", "venue"),
        ({"venue": "v" * 301}, "venue_required", "venue"),
        ({"starts_at": datetime(2026, 4, 12, 8)}, "invalid_time", "starts_at"),  # no offset
        ({"ends_at": datetime(2026, 4, 12, 15)}, "invalid_time", "ends_at"),
        ({"starts_at": datetime(1960, 1, 1, tzinfo=UTC)}, "invalid_time", "starts_at"),
        ({"ends_at": START - timedelta(seconds=1)}, "ends_before_start", "ends_at"),
        ({"ends_at": START + timedelta(days=366, seconds=1)}, "event_too_long", "ends_at"),
        ({"attendees": -1}, "invalid_attendees", "attendees"),
        ({"attendees": MAX_ATTENDEES + 1}, "invalid_attendees", "attendees"),
        ({"attendees": True}, "invalid_attendees", "attendees"),
    ],
)
def test_a_bad_event_is_refused_naming_the_field(changed: dict, code: str, field: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        checked(**{**GOOD, **changed})
    assert (refused.value.code, refused.value.extra["field"]) == (code, field)


def test_the_beneficiary_is_organiser_and_event_within_the_column() -> None:
    assert beneficiary("南京体育局", "2026 南京马拉松") == "南京体育局 / 2026 南京马拉松"
    assert beneficiary("", "Marathon") == "Marathon"
    long = beneficiary("o" * 200, "e" * 200)
    assert len(long) == MAX_BENEFICIARY and long.startswith("o" * 199) and long.endswith("…")


def test_the_details_name_the_event_its_footprint_and_factor_set() -> None:
    event = SimpleNamespace(
        id="01JEVENT00000000000000000A",
        name="Marathon",
        venue="Olympic Sports Centre",
        starts_at=START,
        ends_at=START + timedelta(hours=7),
        footprint_kg=31_330,
        factor_set_code="EVT",
        factor_set_version=1,
        tonnes_required=32,
    )
    text = details(event)  # type: ignore[arg-type]
    for part in ("Marathon", event.id, "2026-04-12;", "31330 kg CO2e", "EVT v1", "32 t"):
        assert part in text, part
    event.ends_at = START + timedelta(days=2)
    assert "2026-04-12 – 2026-04-14" in details(event)  # type: ignore[arg-type]
