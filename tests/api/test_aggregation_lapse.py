"""Aggregated grams that were never issued lapse with the points of their year (METHODOLOGY.md:
points of year Y expire at the end of 31 December of Y + 1, Shanghai): their issuance is refused
after that, and a remainder from two or more years back is not carried into a new period."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from domain.errors import Conflict
from domain.governance.audit import Actor
from domain.identity.principal import Role
from domain.ids import new_id
from domain.registry import issuance
from domain.registry.periods import lapsed, lapses_at
from tests.helpers import assert_problem, bearer, staff_login
from tests.registry_units import aggregation_row, this_year

PATH = "/v1/admin/issuances"


def test_the_lapse_is_the_end_of_the_following_year_in_shanghai() -> None:
    assert lapses_at(2024) == datetime(2025, 12, 31, 16, tzinfo=UTC)
    assert not lapsed(2024, datetime(2025, 12, 31, 15, 59, 59, tzinfo=UTC))
    assert lapsed(2024, datetime(2025, 12, 31, 16, tzinfo=UTC))


async def test_a_lapsed_vintage_is_not_issued(client, db) -> None:
    ops = bearer((await staff_login(client, db, Role.OPERATIONS))["access_token"])
    old = await aggregation_row(db, 3, vintage=this_year() - 2)
    r = await client.post(PATH, json={"aggregation_id": old}, headers=ops)
    assert_problem(r, 409, "aggregation_lapsed")
    last_year = await aggregation_row(db, 3, vintage=this_year() - 1)  # until the year ends
    assert (
        await client.post(PATH, json={"aggregation_id": last_year}, headers=ops)
    ).status_code == 201


async def test_a_proposal_that_waits_past_the_lapse_is_not_approved(db) -> None:
    aggregation_id = await aggregation_row(db, 4, vintage=2024)
    proposer, approver = Actor(id=new_id(), role="operations"), Actor(id=new_id(), role="admin")
    async with db.unit_of_work() as uow:
        proposal = await issuance.propose(
            uow, proposer, aggregation_id=aggregation_id, now=datetime(2025, 6, 1, tzinfo=UTC)
        )
    with pytest.raises(Conflict) as refused:
        async with db.unit_of_work() as uow:
            await issuance.decide(uow, approver, proposal.id, approve=True, now=lapses_at(2024))
    assert refused.value.code == "aggregation_lapsed"


async def test_an_old_remainder_is_not_carried(client, db) -> None:
    ops = bearer((await staff_login(client, db, Role.OPERATIONS))["access_token"])
    year = this_year() - 1  # a January that is over, whenever this runs
    await aggregation_row(db, 0, vintage=year - 2, carried_out_g=400_000)
    body = {"methodology_code": "NJ-GT", "period_start": f"{year}-01-01"}
    r = await client.post(
        "/v1/admin/aggregations", json={**body, "period_end": f"{year}-01-31"}, headers=ops
    )
    assert r.status_code == 201, r.text
    fresh = r.json()  # the remainder of year - 2 lapsed at the end of year - 1
    assert (fresh["carried_in_g"], fresh["carried_out_g"], fresh["tonnes"]) == (0, 0, 0)
    shown = await client.get(f"/v1/admin/aggregations/{fresh['aggregation_id']}", headers=ops)
    assert shown.json()["lapsed_carry_g"] == 400_000
