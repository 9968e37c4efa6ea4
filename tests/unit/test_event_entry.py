"""The event use cases over the fake unit of work: entering an event computes its footprint with
the newest factor set and keeps that version; publishing a version audits it and makes it the
one in force; an organisation sees only its own events."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.errors import Conflict, InvalidInput, NotFound
from domain.events import entry, factor_sets
from domain.events.factors import Factor
from domain.governance.audit import Actor
from domain.persistence.tables import CarbonEvent, EventFactorSet, Retirement
from tests.fakes import FakeUnitOfWork
from tests.unit.test_event_footprint import EVT_V1

NOW = datetime(2026, 3, 1, 4, 0, tzinfo=UTC)
MEMBER = Actor(id="01JMEMBER00000000000000000", role="org")
ADMIN = Actor(id="01JADMIN000000000000000000", role="admin")
ORG, OTHER = "01JORG00000000000000000001", "01JORG00000000000000000002"


class FakeEvents:
    """uow.carbon_events in memory."""

    def __init__(self) -> None:
        self.sets: list[EventFactorSet] = []
        self.events: dict[str, CarbonEvent] = {}
        self.links: dict[str, list[Retirement]] = {}

    def add_factor_set(self, row: EventFactorSet) -> None:
        self.sets.append(row)

    async def latest_factor_set(self, code: str) -> EventFactorSet | None:
        return max((s for s in self.sets if s.code == code), key=lambda s: s.version, default=None)

    async def factor_sets(self, code: str) -> list[EventFactorSet]:
        return sorted((s for s in self.sets if s.code == code), key=lambda s: -s.version)

    async def factor_set(self, code: str, version: int) -> EventFactorSet | None:
        return next((s for s in self.sets if (s.code, s.version) == (code, version)), None)

    def add(self, event: CarbonEvent) -> None:
        self.events[event.id] = event

    async def event(self, event_id: str, *, for_update: bool = False) -> CarbonEvent | None:
        return self.events.get(event_id)

    async def of_org(self, org_id: str, *, before: str | None, limit: int) -> list[CarbonEvent]:
        mine = sorted((e for e in self.events.values() if e.org_id == org_id), key=lambda e: e.id)
        return [e for e in reversed(mine) if before is None or e.id < before][:limit]

    async def organiser(self, org_id: str) -> str:
        return {ORG: "Organiser", OTHER: "Other"}.get(org_id, "")

    async def retirements(self, event_ids) -> dict[str, list[Retirement]]:
        return {e: self.links[e] for e in event_ids if e in self.links}


def world() -> FakeUnitOfWork:
    uow = FakeUnitOfWork()
    uow.carbon_events = FakeEvents()  # type: ignore[assignment]
    return uow


async def publish(uow: FakeUnitOfWork, **mg: int) -> EventFactorSet:
    factors = {
        a: Factor(unit=f.unit, mg_co2e_per_unit=mg.get(a, f.mg_co2e_per_unit), source="s")
        for a, f in EVT_V1.items()
    }
    return await factor_sets.publish(uow, ADMIN, title="EVT", factors=factors, now=NOW)


async def enter(uow: FakeUnitOfWork, org_id: str = ORG, **activity: object) -> entry.EventState:
    return await entry.enter(
        uow,
        MEMBER,
        org_id,
        name=" Marathon ",
        starts_at=NOW,
        ends_at=NOW + timedelta(hours=7),
        venue="Olympic Sports Centre",
        attendees=30_000,
        activity=activity or {"meals": 400},
        now=NOW,
    )


async def test_without_a_published_factor_set_no_event_is_entered() -> None:
    with pytest.raises(Conflict) as refused:
        await enter(world())
    assert refused.value.code == "no_factor_set"


async def test_an_event_keeps_the_version_it_was_computed_with() -> None:
    uow = world()
    v1 = await publish(uow)
    first = await enter(uow)
    assert (first.event.factor_set_id, first.event.factor_set_version) == (v1.id, 1)
    assert (first.event.footprint_kg, first.event.tonnes_required) == (1000, 1)
    assert (first.event.name, first.organiser, first.neutralised) == (
        "Marathon",
        "Organiser",
        False,
    )
    assert first.still_required == 1
    v2 = await publish(uow, meal=3_000_000)
    assert (v2.version, (await factor_sets.in_force(uow)).id) == (2, v2.id)
    second = await enter(uow)
    assert (second.event.factor_set_version, second.event.footprint_kg) == (2, 1200)
    assert (second.event.tonnes_required, first.event.footprint_kg) == (2, 1000)
    assert [s.version for s in await factor_sets.versions(uow)] == [2, 1]
    assert uow.audit.actions() == [
        "event_factor_set.publish",
        "event.enter",
        "event_factor_set.publish",
        "event.enter",
    ]
    published = [e for e in uow.audit.entries if e.action == "event_factor_set.publish"]
    assert published[1].before["version"] == 1 and published[1].after["version"] == 2
    with pytest.raises(NotFound):
        await factor_sets.version(uow, "EVT", 3)
    assert (await factor_sets.version(uow, "EVT", 1)).id == v1.id


async def test_bad_data_enters_nothing() -> None:
    uow = world()
    await publish(uow)
    with pytest.raises(InvalidInput):
        await enter(uow, ferry_km=3)
    assert uow.carbon_events.events == {}  # type: ignore[attr-defined]
    assert uow.audit.actions() == ["event_factor_set.publish"]


async def test_an_organisation_sees_its_own_events_only() -> None:
    uow = world()
    await publish(uow)
    mine = [(await enter(uow)).event.id for _ in range(3)]
    theirs = (await enter(uow, OTHER)).event.id
    listed = await entry.own_list(uow, ORG, before=None, limit=10)
    assert [s.event.id for s in listed] == sorted(mine, reverse=True)
    assert (await entry.own(uow, ORG, mine[0])).event.id == mine[0]
    for event_id in (theirs, "01JNOSUCHEVENT000000000000", "not an id"):
        with pytest.raises(NotFound) as refused:
            await entry.own(uow, ORG, event_id)
        assert refused.value.code == "event_not_found"
    assert (await entry.public(uow, theirs)).organiser == "Other"


async def test_retirements_count_towards_the_tonnes_required() -> None:
    uow = world()
    await publish(uow)
    made = await enter(uow, electricity_kwh=2000)  # 1123.4 kg -> 1124 kg, 2 t
    assert (made.event.footprint_kg, made.event.tonnes_required) == (1124, 2)
    retired = Retirement(id="r1", quantity=1)
    uow.carbon_events.links[made.event.id] = [retired]  # type: ignore[attr-defined]
    state = await entry.own(uow, ORG, made.event.id)
    assert (state.tonnes_retired, state.still_required, state.neutralised) == (1, 1, False)
    uow.carbon_events.links[made.event.id].append(Retirement(id="r2", quantity=3))  # type: ignore[attr-defined]
    state = await entry.own(uow, ORG, made.event.id)
    assert (state.tonnes_retired, state.still_required, state.neutralised) == (4, 0, True)
