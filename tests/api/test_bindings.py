"""Linking accounts: one-time codes, masked hints, conflicts, unlinking."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.crypto import DataProtector
from tests.api.test_feed_metro import journey, push
from tests.helpers import (
    assert_problem,
    bearer,
    citizen_login,
    consent,
    import_demo_network,
    link_account,
    make_operator,
    signed_post,
)


@pytest.fixture
async def metro(db, settings):
    op = await make_operator(db, DataProtector(settings.data_key), "metro")
    await import_demo_network(db, op[0])
    return op


async def _code(client, citizen, op_id):
    r = await client.post(
        "/v1/me/binding-codes", json={"operator_id": op_id}, headers=bearer(citizen["access_token"])
    )
    return r


async def _bind(client, metro, code, account):
    op, key, secret = metro
    return await signed_post(
        client,
        f"/v1/operators/{op}/bindings",
        key,
        secret,
        {"code": code, "external_account": account},
    )


async def test_a_code_links_once_and_the_account_is_masked(client, db, metro) -> None:
    citizen = await citizen_login(client)
    r = await _code(client, citizen, metro[0])
    assert r.status_code == 201
    code = r.json()["code"]
    assert len(code) == 8 and code.isdigit()
    linked = await _bind(client, metro, code, "6222-0000-4821")
    assert linked.status_code == 200
    assert "citizen_ref" in linked.json() and citizen["citizen_id"] not in linked.text
    assert_problem(await _bind(client, metro, code, "other-card"), 409, "binding_code_used")

    bindings = (await client.get("/v1/me/bindings", headers=bearer(citizen["access_token"]))).json()
    [b] = bindings
    assert (b["account_hint"], b["mode"], b["operator_id"]) == ("****4821", "metro", metro[0])
    async with db.unit_of_work() as uow:
        stored = await uow.bindings.get(b["binding_id"])
    assert "6222" not in stored.account_hash


async def test_unknown_and_expired_codes(client, db, metro) -> None:
    citizen = await citizen_login(client)
    assert_problem(await _bind(client, metro, "12345678", "acc"), 404, "binding_code_unknown")
    code = (await _code(client, citizen, metro[0])).json()["code"]
    async with db.unit_of_work() as uow:
        issued = await uow.bindings.code(metro[0], code)
        issued.expires_at = datetime.now(UTC) - timedelta(seconds=1)
    assert_problem(await _bind(client, metro, code, "acc"), 410, "binding_code_expired")


async def test_codes_are_per_operator(client, db, settings, metro) -> None:
    other = await make_operator(db, DataProtector(settings.data_key), "metro")
    citizen = await citizen_login(client)
    code = (await _code(client, citizen, metro[0])).json()["code"]
    assert_problem(await _bind(client, other, code, "acc"), 404, "binding_code_unknown")
    assert_problem(await _code(client, citizen, "01NOPE"), 404, "operator_not_found")


async def test_the_trading_centre_has_no_riders_to_link(client, db, settings) -> None:
    exchange = await make_operator(db, DataProtector(settings.data_key), "exchange")
    citizen = await citizen_login(client)
    assert_problem(await _code(client, citizen, exchange[0]), 404, "operator_not_found")


async def test_an_account_belongs_to_one_citizen(client, db, metro) -> None:
    alice, bob = await citizen_login(client), await citizen_login(client)
    await link_account(client, alice, metro, "shared-card")
    code = (await _code(client, bob, metro[0])).json()["code"]
    assert_problem(await _bind(client, metro, code, "shared-card"), 409, "account_already_linked")


async def test_unlinking_stops_crediting(client, db, metro) -> None:
    citizen = await citizen_login(client)
    await consent(client, citizen, db)
    await link_account(client, citizen, metro, "card-u")
    h = bearer(citizen["access_token"])
    [b] = (await client.get("/v1/me/bindings", headers=h)).json()
    assert (await client.delete(f"/v1/me/bindings/{b['binding_id']}", headers=h)).status_code == 204
    end = datetime.now(UTC) - timedelta(minutes=10)
    r = await push(client, metro, [journey("after-unlink", "card-u", "NJM101", "NJM110", end)])
    assert r.json()["results"][0]["status"] == "pending"
    assert (await client.get("/v1/me", headers=h)).json()["bindings_count"] == 0
    # someone else's binding cannot be removed
    other = await citizen_login(client)
    await link_account(client, other, metro, "card-o")
    [ob] = (await client.get("/v1/me/bindings", headers=bearer(other["access_token"]))).json()
    assert_problem(await client.delete(f"/v1/me/bindings/{ob['binding_id']}", headers=h), 404)


async def test_erasure_unlinks_and_cancels_points(client, db, metro) -> None:
    citizen = await citizen_login(client)
    await consent(client, citizen, db)
    await link_account(client, citizen, metro, "card-e")
    end = datetime.now(UTC) - timedelta(minutes=10)
    await push(client, metro, [journey("e1", "card-e", "NJM101", "NJM110", end)])
    assert (
        await client.delete("/v1/me", headers=bearer(citizen["access_token"]))
    ).status_code == 204
    async with db.unit_of_work() as uow:
        account = await uow.ledger.account(f"cit:{citizen['citizen_id']}")
        assert account.balance == 0
        assert await uow.bindings.count_of_citizen(citizen["citizen_id"]) == 0
        from domain.ledger.verify import verify_ledger

        assert (await verify_ledger(uow)).ok
    r = await push(client, metro, [journey("e2", "card-e", "NJM201", "NJM210", end)])
    assert r.json()["results"][0]["status"] == "pending"  # the card is no longer linked
