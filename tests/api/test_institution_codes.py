"""Public institutions' invite codes: only public institutions, only their admin members, audited;
limits, wrong, expired, revoked and used-up codes, guessing, and joins racing for one code or one
membership (PUHUI_INSTITUTION_MIN_MEMBERS is 3 in this module)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import msgspec
import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import select

from api.app import create_app
from domain.clock import utcnow
from domain.crypto import DataProtector
from domain.organisations.institutions import ALPHABET
from domain.persistence.tables import AuditEntry, InstitutionMembership
from tests.helpers import (
    assert_problem,
    bearer,
    citizen_login,
    import_demo_network,
    make_operator,
)
from tests.institutions_world import (
    MIN,
    institution,
    issue,
    join,
)
from tests.registry_world import make_org, org_login


@pytest.fixture
def settings(settings):
    return msgspec.structs.replace(settings, institution_min_members=MIN)


@pytest.fixture
async def metro(db, settings) -> tuple[str, str, str]:
    op = await make_operator(db, DataProtector(settings.data_key), "metro")
    await import_demo_network(db, op[0])
    return op


async def test_codes_are_issued_by_the_admin_members_of_public_institutions_only(
    client, db
) -> None:
    inst, admin = await institution(client, db)
    code = await issue(client, admin, max_uses=50)
    assert len(code["code"]) == 8 and set(code["code"]) <= set(ALPHABET)
    assert (code["status"], code["uses"], code["max_uses"]) == ("active", 0, 50)
    listed = (await client.get("/v1/org/invite-codes", headers=admin)).json()
    assert [c["invite_code_id"] for c in listed] == [code["invite_code_id"]]

    # a plain member sees the codes and the totals, but does not issue or revoke
    plain = (await org_login(client, db, inst, admin=False))["headers"]
    assert (await client.get("/v1/org/invite-codes", headers=plain)).status_code == 200
    assert (await client.get("/v1/org/institution", headers=plain)).status_code == 200
    r = await client.post("/v1/org/invite-codes", headers=plain, json={})
    assert_problem(r, 403, "org_admin_required")
    r = await client.post(f"/v1/org/invite-codes/{code['invite_code_id']}/revoke", headers=plain)
    assert_problem(r, 403, "org_admin_required")

    # an enterprise has no invite codes and no institution totals
    company = await make_org(db, kind="enterprise")
    boss = (await org_login(client, db, company.id))["headers"]
    assert_problem(
        await client.post("/v1/org/invite-codes", headers=boss, json={}),
        403,
        "not_a_public_institution",
    )
    assert_problem(
        await client.get("/v1/org/institution", headers=boss), 403, "not_a_public_institution"
    )
    # another institution's admin cannot revoke this one's code
    _, other = await institution(client, db)
    r = await client.post(f"/v1/org/invite-codes/{code['invite_code_id']}/revoke", headers=other)
    assert_problem(r, 404, "invite_code_not_found")
    assert (await client.get("/v1/org/invite-codes", headers=other)).json() == []
    # citizens and platform staff are not org members
    citizen = await citizen_login(client)
    r = await client.post("/v1/org/invite-codes", headers=bearer(citizen["access_token"]), json={})
    assert r.status_code in (401, 403)

    r = await client.post(f"/v1/org/invite-codes/{code['invite_code_id']}/revoke", headers=admin)
    assert r.status_code == 200 and r.json()["status"] == "revoked"
    async with db.unit_of_work() as uow:
        actions = (
            await uow.session.execute(  # type: ignore[attr-defined]
                select(AuditEntry.action, AuditEntry.target_id).order_by(AuditEntry.created_at)
            )
        ).all()
    assert [a for a in actions if a[1] == code["invite_code_id"]] == [
        ("institution.invite_code.issue", code["invite_code_id"]),
        ("institution.invite_code.revoke", code["invite_code_id"]),
    ]


async def test_issuing_checks_its_limits(client, db) -> None:
    _, admin = await institution(client, db)
    r = await client.post("/v1/org/invite-codes", headers=admin, json={"max_uses": 0})
    assert_problem(r, 400)
    past = (utcnow() - timedelta(minutes=1)).isoformat()
    r = await client.post("/v1/org/invite-codes", headers=admin, json={"expires_at": past})
    assert_problem(r, 422, "invalid_expiry")
    far = (utcnow() + timedelta(days=400)).isoformat()
    r = await client.post("/v1/org/invite-codes", headers=admin, json={"expires_at": far})
    assert_problem(r, 422, "invalid_expiry")
    r = await client.post("/v1/org/invite-codes", headers=admin, json={"code": "MINE1234"})
    assert_problem(r, 400)  # the code is never chosen by the caller


async def test_wrong_expired_revoked_and_used_up_codes_are_refused(client, db) -> None:
    _, admin = await institution(client, db)
    c1, c2, c3 = [await citizen_login(client) for _ in range(3)]
    h1, h2, h3 = (bearer(c["access_token"]) for c in (c1, c2, c3))
    assert_problem(await join(client, h1, "ZZZZZZZZ"), 404, "invite_code_invalid")
    assert_problem(await join(client, h1, "   "), 404, "invite_code_invalid")
    r = await client.post("/v1/me/institution", headers=h1, json={"code": "A" * 33})
    assert_problem(r, 400)

    once = await issue(client, admin, max_uses=1)
    typed = once["code"].lower()[:4] + "-" + once["code"].lower()[4:]  # as a person types it
    r = await join(client, h1, typed)
    assert r.status_code == 200, r.text
    assert_problem(await join(client, h2, once["code"]), 409, "invite_code_used_up")
    assert_problem(await join(client, h1, once["code"]), 409, "invite_code_used_up")

    revoked = await issue(client, admin)
    await client.post(f"/v1/org/invite-codes/{revoked['invite_code_id']}/revoke", headers=admin)
    assert_problem(await join(client, h2, revoked["code"]), 409, "invite_code_revoked")

    soon = await issue(client, admin, expires_at=(utcnow() + timedelta(hours=1)).isoformat())
    async with db.unit_of_work() as uow:
        row = await uow.institutions.code(soon["invite_code_id"])
        row.expires_at = utcnow() - timedelta(seconds=1)
    assert_problem(await join(client, h3, soon["code"]), 409, "invite_code_expired")
    listed = {
        c["code"]: c["status"]
        for c in (await client.get("/v1/org/invite-codes", headers=admin)).json()
    }
    assert listed == {once["code"]: "used_up", revoked["code"]: "revoked", soon["code"]: "expired"}
    for h in (h2, h3):  # none of them joined
        assert (await client.get("/v1/me/institution", headers=h)).json() == {"institution": None}


async def test_guessing_codes_is_rate_limited(settings) -> None:
    app = create_app(msgspec.structs.replace(settings, citizen_login_key_rate_limit_per_minute=3))
    async with AsyncTestClient(app=app) as client:
        citizen = await citizen_login(client)
        headers = bearer(citizen["access_token"])
        for _ in range(3):
            assert_problem(await join(client, headers, "ZZZZZZZZ"), 404, "invite_code_invalid")
        r = await join(client, headers, "ZZZZZZZY")
        body = assert_problem(r, 429, "too_many_invite_codes")
        assert 1 <= int(r.headers["retry-after"]) <= 60 and body["retry_after"]
        other = await citizen_login(client)  # another citizen is not held back
        r = await join(client, bearer(other["access_token"]), "ZZZZZZZZ")
        assert_problem(r, 404, "invite_code_invalid")


async def test_joining_races_keep_one_open_membership(client, db) -> None:
    import asyncio

    _, admin_a = await institution(client, db)
    _, admin_b = await institution(client, db)
    codes = [(await issue(client, h))["code"] for h in (admin_a, admin_b)]
    citizen = await citizen_login(client)
    headers = bearer(citizen["access_token"])
    answers = await asyncio.gather(*(join(client, headers, c) for c in codes * 2))
    assert all(r.status_code in (200, 409) for r in answers), [r.text for r in answers]
    async with db.unit_of_work() as uow:
        open_ = (
            (
                await uow.session.execute(  # type: ignore[attr-defined]
                    select(InstitutionMembership).where(
                        InstitutionMembership.citizen_id == citizen["citizen_id"],
                        InstitutionMembership.left_at.is_(None),
                    )
                )
            )
            .scalars()
            .all()
        )
    assert len(open_) == 1
    now = datetime.now(UTC)
    assert open_[0].joined_at <= now


async def test_a_capped_code_admits_no_more_than_its_cap_under_concurrent_joins(client, db) -> None:
    import asyncio

    _, admin = await institution(client, db)
    code = await issue(client, admin, max_uses=2)
    citizens = [await citizen_login(client) for _ in range(6)]
    answers = await asyncio.gather(
        *(join(client, bearer(c["access_token"]), code["code"]) for c in citizens)
    )
    statuses = sorted(r.status_code for r in answers)
    assert statuses == [200, 200, 409, 409, 409, 409], [r.text for r in answers]
    listed = (await client.get("/v1/org/invite-codes", headers=admin)).json()
    assert (listed[0]["uses"], listed[0]["status"]) == (2, "used_up")
    assert (await client.get("/v1/org/institution", headers=admin)).json()["members"] == 2
