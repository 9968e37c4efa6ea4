"""The public registry after transfers and retirements: where each serial is now, its history
replayed through the blocks (a sender's kept piece is not a movement of its serials), and
retirements public only once final, without who signed them."""

from __future__ import annotations

import pytest

from domain.clock import utcnow
from domain.governance.audit import Actor
from domain.ids import new_id
from domain.registry import retirements
from tests.api.test_registry_verify import World, retire
from tests.api.test_registry_verify import world as world  # the fixture
from tests.helpers import assert_problem

pytestmark = pytest.mark.usefixtures("world")


async def unit(client, serial: str) -> dict:
    r = await client.get(f"/v1/public/units/{serial}")
    assert r.status_code == 200, r.text
    return r.json()


async def test_a_retired_serial_shows_where_it_went(client, world: World) -> None:
    p = world.issued.prefix
    body = await unit(client, f"{p}-90")
    [holding] = body["holdings"]
    assert (holding["account_id"], holding["status"]) == ("sys:registry-retired", "retired")
    assert holding["serial_range"] == f"{p}-90-90"
    kinds = [(e["kind"], e["from_account"], e["to_account"]) for e in body["history"]]
    assert kinds == [
        ("issue", "sys:registry-issuance", world.a.account_id),
        ("transfer", world.a.account_id, world.b.account_id),
        ("retire", world.b.account_id, "sys:registry-retired"),
    ]
    assert all(e["serial_ranges"] == [f"{p}-90-90"] for e in body["history"])
    assert body["history"][1]["from_name"] == world.a.name
    assert body["history"][1]["to_name"] == world.b.name
    assert body["history"][2]["retirement_id"] == world.retired_id


async def test_a_serial_that_stayed_has_only_its_issue(client, world: World) -> None:
    body = await unit(client, f"{world.issued.prefix}-50")
    assert [e["kind"] for e in body["history"]] == ["issue"]
    [holding] = body["holdings"]
    assert (holding["account_id"], holding["holder"]) == (world.a.account_id, world.a.name)


async def test_the_whole_issuance_shows_every_block_and_movement(client, world: World) -> None:
    p = world.issued.prefix
    body = await unit(client, world.issued.label)
    held = [(h["serial_range"], h["account_id"], h["status"]) for h in body["holdings"]]
    assert held == [
        (f"{p}-1-65", world.a.account_id, "active"),
        (f"{p}-66-70", "sys:registry-retired", "reserved"),
        (f"{p}-71-80", world.b.account_id, "active"),
        (f"{p}-81-100", "sys:registry-retired", "retired"),
    ]
    assert sum(h["quantity"] for h in body["holdings"]) == 100
    moved = [(e["kind"], e["serial_ranges"], e["retirement_id"]) for e in body["history"]]
    assert moved == [
        ("issue", [f"{p}-1-100"], None),
        ("transfer", [f"{p}-71-100"], None),
        ("retire", [f"{p}-81-100"], world.retired_id),
        ("retire", [f"{p}-66-70"], None),  # pending: its retirement is not public yet
    ]


async def test_only_final_retirements_are_public(client, world: World) -> None:
    page = (await client.get("/v1/public/retirements")).json()
    [item] = page["items"]
    assert item["retirement_id"] == world.retired_id
    assert (item["quantity"], item["beneficiary"], item["purpose"]) == (
        20,
        "Nanjing Marathon 2026",
        "event",
    )
    assert item["details"] == "runners' travel"
    assert item["serial_ranges"] == [f"{world.issued.prefix}-81-100"]
    assert item["project_codes"] == [world.issued.project_code]
    assert (item["account_id"], item["organisation"]) == (world.b.account_id, world.b.name)
    base = f"/v1/public/retirements/{world.retired_id}"
    assert item["certificate_url"] == f"{base}/certificate.pdf"
    assert item["certificate_json_url"] == f"{base}/certificate.json"
    one = await client.get(base)
    assert one.status_code == 200 and one.json() == item
    pending = await client.get(f"/v1/public/retirements/{world.pending_id}")
    assert_problem(pending, 404, "retirement_not_found")


async def test_a_completed_retirement_becomes_public(client, db, world: World) -> None:
    async with db.unit_of_work() as uow:
        await retirements.complete(
            uow, Actor(id=new_id(), role="admin"), world.pending_id, now=utcnow()
        )
    assert (await client.get(f"/v1/public/retirements/{world.pending_id}")).status_code == 200
    body = await unit(client, f"{world.issued.prefix}-66-70")
    assert [e["kind"] for e in body["history"]] == ["issue", "retire", "complete"]
    assert body["history"][1]["retirement_id"] == world.pending_id
    assert [h["status"] for h in body["holdings"]] == ["retired"]


async def test_no_one_who_signed_is_disclosed(client, world: World) -> None:
    texts = [
        (await client.get(f"/v1/public/units/{world.issued.label}")).text,
        (await client.get("/v1/public/retirements")).text,
    ]
    for text in texts:
        assert "org:" not in text and "staff" not in text and "created_by" not in text


async def test_retirements_page_with_a_cursor(client, db, world: World) -> None:
    later = [await retire(db, world.b, 1) for _ in range(2)]
    first = (await client.get("/v1/public/retirements", params={"limit": 2})).json()
    assert [i["retirement_id"] for i in first["items"]] == list(reversed(later))
    rest = await client.get("/v1/public/retirements", params={"cursor": first["next_cursor"]})
    assert [i["retirement_id"] for i in rest.json()["items"]] == [world.retired_id]
    assert rest.json()["next_cursor"] is None
    forged = await client.get("/v1/public/retirements", params={"cursor": "WzEsMl0"})  # [1,2]
    assert_problem(forged, 422, "invalid_cursor")
