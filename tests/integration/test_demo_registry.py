"""`puhui demo`'s registry: a newcomer sees the whole registry at once (a registered forest
project, its verified report issued, a transfer and a retirement with its certificate, a
verifier and five experts), and a second run gives fresh passwords without doubling anything."""

from __future__ import annotations

import json

from demo.loader import load_demo, save_credentials
from domain.crypto import DataProtector
from domain.ledger.verify import verify_ledger


async def _load(db, settings, out) -> dict:
    async with db.unit_of_work() as uow:
        credentials = await load_demo(uow, DataProtector(settings.data_key), str(out))
    save_credentials(credentials, str(out), "http://test")
    return json.loads(out.read_text())


async def _sign_in(client, username: str, password: str) -> dict[str, str]:
    r = await client.post("/v1/auth/staff", json={"username": username, "password": password})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


async def test_the_demo_registry_is_whole(client, db, settings, tmp_path) -> None:
    data = await _load(db, settings, tmp_path / "demo.json")
    registry = data["registry"]
    assert {m["username"]: m["role"] for m in registry["members"]} == {
        "forest": "org",
        "verifier": "verifier",
        "events": "org",
    }
    assert len(registry["experts"]) == 5
    projects = (await client.get("/v1/public/projects")).json()["items"]
    assert [(p["code"], p["methodology"]["code"]) for p in projects] == [("NJFC0001", "NJ-FC")]
    issuances = (await client.get("/v1/public/issuances")).json()["items"]
    assert [(i["project_code"], i["vintage"], i["quantity"]) for i in issuances] == [
        ("NJFC0001", 2024, 950)
    ]
    retirement_id = registry["retirement"]["retirement_id"]
    retired = (await client.get(f"/v1/public/retirements/{retirement_id}")).json()
    assert (retired["quantity"], retired["purpose"]) == (120, "event")
    pdf = await client.get(registry["retirement"]["certificate_pdf"])
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    forest = next(m for m in registry["members"] if m["username"] == "forest")
    me = (
        await client.get("/v1/org/me", headers=await _sign_in(client, "forest", forest["password"]))
    ).json()
    assert [a["balance_t"] for a in me["accounts"]] == [750]  # 950 issued, 200 transferred
    expert = registry["experts"][0]
    seats = await client.get(
        "/v1/expert/reviews", headers=await _sign_in(client, expert["username"], expert["password"])
    )
    assert seats.status_code == 200
    async with db.unit_of_work() as uow:
        assert (await verify_ledger(uow)).ok


async def test_a_second_run_refreshes_passwords_and_doubles_nothing(
    client, db, settings, tmp_path
) -> None:
    out = tmp_path / "demo.json"
    first = await _load(db, settings, out)
    out.unlink()
    second = await _load(db, settings, out)
    old = {m["username"]: m["password"] for m in first["registry"]["members"]}
    new = {m["username"]: m["password"] for m in second["registry"]["members"]}
    assert old.keys() == new.keys() and all(old[u] != new[u] for u in old)
    await _sign_in(client, "events", new["events"])
    assert second["registry"]["retirement"] == first["registry"]["retirement"]
    assert len((await client.get("/v1/public/issuances")).json()["items"]) == 1
