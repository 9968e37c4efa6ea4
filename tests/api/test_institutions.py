"""Public institutions' members and figures: citizens joining with a code (their credited trips
count from the moment they join, one institution at a time), export and erasure, and the
institution's totals and rank (aggregates only, withheld below a minimum of members:
PUHUI_INSTITUTION_MIN_MEMBERS, 3 in this module). The codes: test_institution_codes.py."""

from __future__ import annotations

from datetime import timedelta

import msgspec
import pytest
from sqlalchemy import select, update

from api.settings import SettingsError, load
from domain.clock import shanghai_date, utcnow
from domain.crypto import DataProtector
from domain.persistence.tables import InstitutionMembership
from tests.helpers import (
    assert_problem,
    bearer,
    citizen_login,
    import_demo_network,
    make_operator,
)
from tests.institutions_world import (
    MIN,
    backdate_join,
    fillers,
    grams,
    institution,
    issue,
    join,
    month_start,
    ride,
    rider,
)


@pytest.fixture
def settings(settings):
    return msgspec.structs.replace(settings, institution_min_members=MIN)


@pytest.fixture
async def metro(db, settings) -> tuple[str, str, str]:
    op = await make_operator(db, DataProtector(settings.data_key), "metro")
    await import_demo_network(db, op[0])
    return op


async def test_only_trips_ended_while_a_member_count(client, db, metro) -> None:
    inst, admin = await institution(client, db)
    code = (await issue(client, admin))["code"]
    citizen, headers, card = await rider(client, db, metro)
    now = utcnow()
    joined = now - timedelta(days=2)
    r = await join(client, headers, code)
    assert r.status_code == 200, r.text
    mine = r.json()["institution"]
    assert (mine["organisation_id"], mine["credited_trips"]) == (inst, 0)
    await backdate_join(db, citizen["citizen_id"], joined)
    await fillers(client, db, code, MIN - 1, month_start(now) - timedelta(days=1))

    await ride(client, metro, card, "NJM101", "NJM110", joined - timedelta(hours=3))  # before
    await ride(client, metro, card, "NJM103", "NJM108", joined + timedelta(hours=3))  # after
    await ride(client, metro, card, "NJM201", "NJM210", now - timedelta(minutes=10))  # after
    counted = grams("NJM103", "NJM108") + grams("NJM201", "NJM210")

    t = (await client.get("/v1/org/institution", headers=admin)).json()
    assert (t["members"], t["members_ever"]) == (MIN, MIN)
    assert t["all_time"] == {"credited_trips": 2, "reduction_g": counted}
    month_first = shanghai_date(now).replace(day=1)
    in_month = [
        g
        for end, g in (
            (joined + timedelta(hours=3), grams("NJM103", "NJM108")),
            (now - timedelta(minutes=10), grams("NJM201", "NJM210")),
        )
        if shanghai_date(end) >= month_first
    ]
    if joined > month_start(now):  # joined this month: MIN - 1 members since the month began
        assert t["this_month"] is None
    else:
        assert t["this_month"] == {"credited_trips": len(in_month), "reduction_g": sum(in_month)}
    me = (await client.get("/v1/me/institution", headers=headers)).json()["institution"]
    assert (me["credited_trips"], me["reduction_g"]) == (2, counted)


async def test_moving_to_another_institution_and_leaving(client, db, metro) -> None:
    first, admin1 = await institution(client, db, "南京市第一机关")
    second, admin2 = await institution(client, db, "南京市第二机关")
    code1, code2 = (await issue(client, admin1))["code"], (await issue(client, admin2))["code"]
    citizen, headers, card = await rider(client, db, metro)
    now = utcnow()
    for code in (code1, code2):  # enough members besides the mover for figures to show
        await fillers(client, db, code, MIN, now - timedelta(days=4))
    assert (await join(client, headers, code1)).status_code == 200
    await backdate_join(db, citizen["citizen_id"], now - timedelta(days=3))
    assert_problem(await join(client, headers, code1), 409, "already_a_member")
    await ride(client, metro, card, "NJM101", "NJM110", now - timedelta(days=2))  # first's
    r = await join(client, headers, code2)
    assert r.status_code == 200 and r.json()["institution"]["organisation_id"] == second
    await backdate_join(db, citizen["citizen_id"], now - timedelta(days=1))
    async with db.unit_of_work() as uow:  # the first period closed when the second opened
        periods = (
            await uow.session.execute(  # type: ignore[attr-defined]
                select(InstitutionMembership).where(
                    InstitutionMembership.citizen_id == citizen["citizen_id"]
                )
            )
        ).scalars()
        closed = [p for p in periods if p.left_at is not None]
        assert [p.organisation_id for p in closed] == [first]
        closed[0].left_at = now - timedelta(days=1)  # left when the (backdated) second began
    await ride(client, metro, card, "NJM116", "NJM120", now - timedelta(hours=5))  # second's

    one = (await client.get("/v1/org/institution", headers=admin1)).json()
    two = (await client.get("/v1/org/institution", headers=admin2)).json()
    assert (one["members"], one["members_ever"]) == (MIN, MIN + 1)
    assert one["all_time"] == {"credited_trips": 1, "reduction_g": grams("NJM101", "NJM110")}
    assert (two["members"], two["all_time"]["credited_trips"]) == (MIN + 1, 1)
    assert two["all_time"]["reduction_g"] == grams("NJM116", "NJM120")

    r = await client.delete("/v1/me/institution", headers=headers)
    assert r.status_code == 204
    assert (await client.get("/v1/me/institution", headers=headers)).json() == {"institution": None}
    assert_problem(
        await client.delete("/v1/me/institution", headers=headers), 404, "no_institution"
    )
    async with db.unit_of_work() as uow:  # as if the citizen had left an hour ago
        await uow.session.execute(  # type: ignore[attr-defined]
            update(InstitutionMembership)
            .where(
                InstitutionMembership.organisation_id == second,
                InstitutionMembership.citizen_id == citizen["citizen_id"],
            )
            .values(left_at=now - timedelta(hours=1))
        )
    await ride(client, metro, card, "NJM201", "NJM205", now - timedelta(minutes=5))  # nobody's
    two = (await client.get("/v1/org/institution", headers=admin2)).json()
    assert (two["members"], two["all_time"]["credited_trips"]) == (MIN, 1)


async def test_totals_are_aggregates_only_and_rank_institutions(client, db, metro) -> None:
    big, admin_big = await institution(client, db, "大机关")
    small, admin_small = await institution(client, db, "小机关")
    _, admin_tiny = await institution(client, db, "微机关")  # below MIN: neither shown nor ranked
    await institution(client, db, "无人机关")  # no members: not ranked either
    code_big = (await issue(client, admin_big))["code"]
    code_small = (await issue(client, admin_small))["code"]
    code_tiny = (await issue(client, admin_tiny))["code"]
    now = utcnow()
    ids = []
    # big: three riders with one short trip each; small: one rider with one long trip (and two
    # members who do not ride); tiny: the same long trip, but MIN - 1 members
    for code, (a, b) in (
        (code_big, ("NJM105", "NJM108")),
        (code_big, ("NJM106", "NJM109")),
        (code_big, ("NJM107", "NJM110")),
        (code_small, ("NJM101", "NJM127")),
        (code_tiny, ("NJM101", "NJM127")),
    ):
        citizen, headers, card = await rider(client, db, metro)
        ids.append(citizen["citizen_id"])
        assert (await join(client, headers, code)).status_code == 200
        await backdate_join(db, citizen["citizen_id"], now - timedelta(days=1))
        await ride(client, metro, card, a, b, now - timedelta(hours=2), minutes=70)
    await fillers(client, db, code_small, MIN - 1, now - timedelta(days=1))
    await fillers(client, db, code_tiny, MIN - 2, now - timedelta(days=1))
    big_g = sum(
        grams(a, b) for a, b in (("NJM105", "NJM108"), ("NJM106", "NJM109"), ("NJM107", "NJM110"))
    )
    small_g = grams("NJM101", "NJM127")
    assert small_g > big_g and small_g // MIN > big_g // 3  # the long ride outweighs the rest

    r = await client.get("/v1/org/institution", headers=admin_big)
    t = r.json()
    assert set(t) == {
        "organisation_id",
        "name",
        "district",
        "members",
        "members_ever",
        "this_month",
        "all_time",
        "standing",
        "withheld_below_members",
    }
    # ranked among big and small only: were tiny ranked, its long trip would put big third
    assert t["standing"] == {
        "rank_by_total": 2,
        "rank_by_per_member": 2,
        "institutions": 2,
        "per_member_g": big_g // 3,
    }
    s = (await client.get("/v1/org/institution", headers=admin_small)).json()["standing"]
    assert (s["rank_by_total"], s["rank_by_per_member"], s["per_member_g"]) == (
        1,
        1,
        small_g // MIN,
    )
    tiny = (await client.get("/v1/org/institution", headers=admin_tiny)).json()
    assert (tiny["members"], tiny["all_time"], tiny["withheld_below_members"]) == (
        MIN - 1,
        None,
        MIN,
    )
    assert tiny["standing"] == {
        "rank_by_total": None,
        "rank_by_per_member": None,
        "institutions": 2,
        "per_member_g": None,
    }
    for citizen_id in ids:  # no citizen is named anywhere an institution reads
        assert citizen_id not in r.text
        assert citizen_id not in (await client.get("/v1/org/invite-codes", headers=admin_big)).text
    assert big != small


async def test_figures_are_withheld_below_the_minimum_of_members(client, db, metro) -> None:
    _, admin = await institution(client, db)
    code = (await issue(client, admin))["code"]
    now = utcnow()
    before_month = month_start(now) - timedelta(days=1)
    citizen, headers, card = await rider(client, db, metro)
    assert (await join(client, headers, code)).status_code == 200
    await backdate_join(db, citizen["citizen_id"], before_month)
    await fillers(client, db, code, MIN - 2, before_month)
    await ride(client, metro, card, "NJM101", "NJM110", now - timedelta(minutes=10))
    mine = {"credited_trips": 1, "reduction_g": grams("NJM101", "NJM110")}

    # MIN - 1 members: the one rider's trip would be the "aggregate"; nothing is shown
    t = (await client.get("/v1/org/institution", headers=admin)).json()
    assert (t["members"], t["members_ever"], t["withheld_below_members"]) == (MIN - 1, MIN - 1, MIN)
    assert (t["this_month"], t["all_time"]) == (None, None)
    assert t["standing"]["rank_by_total"] is None and t["standing"]["per_member_g"] is None
    assert t["standing"]["rank_by_per_member"] is None

    # a member joins now: MIN members, all-time figures and ranks show; this month's waits,
    # since only MIN - 1 have been members since the month began (the joiner would be the
    # difference between the month's figure read before and after they joined)
    newcomer = await citizen_login(client)
    assert (await join(client, bearer(newcomer["access_token"]), code)).status_code == 200
    t = (await client.get("/v1/org/institution", headers=admin)).json()
    assert (t["members"], t["all_time"], t["this_month"]) == (MIN, mine, None)
    assert t["standing"]["per_member_g"] == mine["reduction_g"] // MIN
    assert t["standing"]["rank_by_total"] >= 1 and t["standing"]["rank_by_per_member"] >= 1

    # once MIN have been members since before the month began, this month's figures show too
    await backdate_join(db, newcomer["citizen_id"], before_month)
    t = (await client.get("/v1/org/institution", headers=admin)).json()
    assert (t["this_month"], t["all_time"]) == (mine, mine)

    # a member leaves: below the minimum again, withheld again
    assert (await client.delete("/v1/me/institution", headers=headers)).status_code == 204
    t = (await client.get("/v1/org/institution", headers=admin)).json()
    assert (t["members"], t["members_ever"], t["this_month"], t["all_time"]) == (
        MIN - 1,
        MIN,
        None,
        None,
    )


def test_the_minimum_of_members_defaults_to_5_and_is_at_least_2() -> None:
    assert load({}).institution_min_members == 5
    assert load({"PUHUI_INSTITUTION_MIN_MEMBERS": "2"}).institution_min_members == 2
    with pytest.raises(SettingsError, match="PUHUI_INSTITUTION_MIN_MEMBERS"):
        load({"PUHUI_INSTITUTION_MIN_MEMBERS": "1"})


async def test_export_shows_memberships_and_erasure_ends_them(client, db) -> None:
    inst, admin = await institution(client, db)
    code = (await issue(client, admin))["code"]
    citizen = await citizen_login(client)
    headers = bearer(citizen["access_token"])
    assert (await join(client, headers, code)).status_code == 200
    exported = (await client.get("/v1/me/export", headers=headers)).json()
    [period] = exported["institutions"]
    assert period["organisation_id"] == inst and period["left_at"] is None
    assert (await client.get("/v1/org/institution", headers=admin)).json()["members"] == 1
    assert (await client.delete("/v1/me", headers=headers)).status_code == 204
    totals = (await client.get("/v1/org/institution", headers=admin)).json()
    assert (totals["members"], totals["members_ever"]) == (0, 1)
