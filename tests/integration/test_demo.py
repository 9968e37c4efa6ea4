"""`puhui demo`: loads a usable world once and refreshes credentials on a second run."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from demo.citizens_aggregate import DAYS, RIDERS
from demo.loader import load_demo, save_credentials
from domain.crypto import DataProtector
from domain.persistence.tables import Aggregation, Citizen, Listing, Trip


async def _load(db, protector, out) -> None:
    async with db.unit_of_work() as uow:
        credentials = await load_demo(uow, protector, str(out))
    save_credentials(credentials, str(out), "http://test")


async def test_the_demo_loads_offers_a_store_and_a_donation_project(client, db, settings, tmp_path):
    out = tmp_path / "demo.json"
    protector = DataProtector(settings.data_key)
    await _load(db, protector, out)
    first = json.loads(out.read_text())
    await _load(db, protector, out)  # loaded, file kept: the same credentials
    assert json.loads(out.read_text()) == first
    out.unlink()  # lost file: a second run issues fresh credentials, creates nothing twice
    await _load(db, protector, out)
    data = json.loads(out.read_text())
    assert data["base_url"] == "http://test"
    assert {s["username"] for s in data["staff"]} == {"admin", "operations", "cashier"}
    offers = (await client.get("/v1/offers")).json()["items"]
    assert len(offers) == 3 and all(o["stock_left"] > 0 for o in offers)
    projects = (await client.get("/v1/donation-projects")).json()
    assert [p["points_per_unit"] for p in projects] == [500]
    cashier = next(s for s in data["staff"] if s["username"] == "cashier")
    r = await client.post(
        "/v1/auth/staff", json={"username": "cashier", "password": cashier["password"]}
    )
    assert r.status_code == 200
    async with db.unit_of_work() as uow:
        account = await uow.staff.by_username("cashier")
        assert account.store_id is not None
        counted = [
            (await uow.session.execute(select(func.count()).select_from(table))).scalar_one()
            for table in (Citizen, Trip, Aggregation, Listing)
        ]
    # three runs: the demo riders, their month's journeys, its aggregation and the two listings
    # (the forest farm's and the citizens') exist once
    assert counted == [RIDERS, RIDERS * DAYS * 2, 1, 2]
    listings = (await client.get("/v1/market/listings")).json()
    assert sorted(x["price_fen_per_t"] for x in listings) == [9_200, 9_500]
