"""A merchant's contact phone is stored encrypted; staff see it in clear."""

from __future__ import annotations

from sqlalchemy import text

from domain.crypto import DataProtector
from domain.identity.principal import Role
from tests.helpers import bearer, staff_login

PHONE = "13800004321"


async def test_the_phone_is_encrypted_at_rest_and_shown_to_staff(client, db, settings) -> None:
    r = await client.post(
        "/v1/merchant-applications",
        json={"name": "Plum Blossom Noodles", "contact_name": "Mr Wu", "contact_phone": PHONE},
    )
    assert r.status_code == 201, r.text
    merchant = r.json()["merchant_id"]
    assert PHONE not in r.text  # the applicant's receipt does not echo it

    async with db.unit_of_work() as uow:
        rows = (await uow.session.execute(text("SELECT * FROM merchants"))).mappings().all()
    [row] = rows
    assert all(PHONE not in str(v) for v in row.values())
    assert DataProtector(settings.data_key).decrypt(row["contact_phone_encrypted"]) == PHONE

    ops = bearer((await staff_login(client, db, Role.OPERATIONS))["access_token"])
    listed = (await client.get("/v1/admin/merchants", headers=ops)).json()["items"]
    assert [(m["merchant_id"], m["contact_phone"]) for m in listed] == [(merchant, PHONE)]
    decided = await client.post(f"/v1/admin/merchants/{merchant}/approve", headers=ops)
    assert decided.json()["contact_phone"] == PHONE
    # a merchant registered by staff has no phone
    made = await client.post("/v1/admin/merchants", json={"name": "Osmanthus"}, headers=ops)
    assert made.status_code == 201 and made.json()["contact_phone"] is None
