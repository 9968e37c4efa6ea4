"""Public institutions in tests: an institution with its admin's headers, invite codes, riders who
linked a metro card, joining (and back-dating a join), members who never ride, and metro rides."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, time

from domain.clock import SHANGHAI, shanghai_date
from domain.network.demo import nanjing_demo
from tests.api.test_feed_metro import journey, push
from tests.helpers import bearer, citizen_login, consent, link_account
from tests.registry_world import make_org, org_login

G = 46800  # mg per person-km on the metro (NJ-GT v1)
MIN = 3  # members an institution needs before its figures show (in these tests; the default is 5)


def grams(a: str, b: str) -> int:
    return nanjing_demo().distance_m(a, b) * G // 1_000_000


async def institution(client, db, name: str | None = None) -> tuple[str, dict]:
    org = await make_org(db, kind="public_institution", name=name)
    return org.id, (await org_login(client, db, org.id))["headers"]


async def issue(client, admin: dict, **body) -> dict:
    r = await client.post("/v1/org/invite-codes", headers=admin, json=body)
    assert r.status_code == 201, r.text
    return r.json()


async def rider(client, db, op) -> tuple[dict, dict, str]:
    """A citizen who consented and linked a metro card: (token pair, headers, card)."""
    citizen = await citizen_login(client)
    await consent(client, citizen, db)
    card = f"card-{uuid.uuid4().hex[:8]}"
    await link_account(client, citizen, op, card)
    return citizen, bearer(citizen["access_token"]), card


async def join(client, headers: dict, code: str):
    return await client.post("/v1/me/institution", headers=headers, json={"code": code})


async def backdate_join(db, citizen_id: str, joined_at: datetime) -> None:
    """As if the open membership began at `joined_at` (trips cannot be sent from the future)."""
    async with db.unit_of_work() as uow:
        membership = await uow.institutions.open_membership(citizen_id)
        membership.joined_at = joined_at


def month_start(now: datetime) -> datetime:
    first = shanghai_date(now).replace(day=1)
    return datetime.combine(first, time(0), tzinfo=SHANGHAI).astimezone(UTC)


async def fillers(client, db, code: str, k: int, joined_at: datetime) -> None:
    """`k` members who never ride, members since `joined_at`."""
    for _ in range(k):
        citizen = await citizen_login(client)
        assert (await join(client, bearer(citizen["access_token"]), code)).status_code == 200
        await backdate_join(db, citizen["citizen_id"], joined_at)


async def ride(client, op, card: str, a: str, b: str, end: datetime, minutes: int = 20) -> None:
    r = await push(client, op, [journey(uuid.uuid4().hex, card, a, b, end, minutes)])
    assert r.json()["results"][0]["status"] == "credited", r.text
