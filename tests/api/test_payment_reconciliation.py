"""The daily reconciliation of our payments against the (fake) WeChat Pay trade bill: a matched
day gives no item; a payment whose notice never came is `missing_here` and staff `settle` it
through the exactly-once path; an order paid here but not there is `missing_there`; amounts and
refunds that differ are items too; a run repeated adds nothing; a tampered bill records nothing;
the job is scheduled and the CLI command runs."""

from __future__ import annotations

import argparse
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import msgspec
import pytest
from cryptography.hazmat.primitives import serialization
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select

from api import cli
from api.cli import commands
from api.settings import Settings
from domain.clock import shanghai_date, utcnow
from domain.identity.principal import Role
from domain.ledger.verify import verify_ledger
from domain.market import delivery
from domain.persistence.tables import ReconciliationItem, ReconciliationRun
from domain.persistence.uow import Database
from integrations.payments.wechatpay.fake import FakeWeChatPay
from jobs import reconcile_payments
from jobs.scheduler import build_scheduler
from tests.helpers import assert_problem, bearer, staff_login
from tests.market_world import (
    holdings,
    listed,
    market_app,
    ordered,
    reference_price,
    seller_with_units,
    trader,
)
from tests.payments import deliver, gateway_for

PATH = "/v1/admin/payment-reconciliation"


@pytest.fixture
async def market(settings, wechatpay) -> AsyncIterator[AsyncTestClient]:
    async with AsyncTestClient(app=market_app(settings, wechatpay)) as c:
        yield c


@pytest.fixture
async def ops(market, db) -> dict[str, str]:
    return bearer((await staff_login(market, db, Role.OPERATIONS))["access_token"])


def today() -> str:
    return shanghai_date(utcnow()).isoformat()


async def an_order(market, db, quantity: int = 2) -> tuple[dict[str, Any], Any]:
    """A pending order of `quantity` t (10,000 fen a tonne) and its buyer."""
    await reference_price(db)
    seller, _ = await seller_with_units(market, db, quantity)
    listing = await listed(market, seller, quantity)
    buyer = await trader(market, db)
    return await ordered(market, buyer, listing["listing_id"], quantity), buyer


async def paid_order(market, db, wechatpay, quantity: int = 2) -> tuple[dict[str, Any], Any]:
    order, buyer = await an_order(market, db, quantity)
    sent = wechatpay.pay(order["order_id"], notify=False)
    assert (await deliver(market, wechatpay, sent)).status_code == 204
    return order, buyer


async def run(market, headers, day: str | None = None) -> dict[str, Any]:
    r = await market.post(f"{PATH}/runs", json={"day": day or today()}, headers=headers)
    assert r.status_code == 201, r.text
    return r.json()


async def listing(market, headers, query: str = "") -> dict[str, Any]:
    r = await market.get(f"{PATH}{query}", headers=headers)
    assert r.status_code == 200, r.text
    return r.json()


async def resolve(market, headers, item_id: str, **body: str):
    return await market.post(f"{PATH}/items/{item_id}/resolve", json=body, headers=headers)


async def ledger_ok(db: Database) -> None:
    async with db.unit_of_work() as uow:
        report = await verify_ledger(uow)
    assert report.ok, report.first_bad


async def count(db: Database, table: Any) -> int:
    async with db.unit_of_work() as uow:
        return (await uow.session.execute(select(func.count()).select_from(table))).scalar_one()


async def test_a_matched_day_gives_no_item(market, db, wechatpay, ops) -> None:
    await paid_order(market, db, wechatpay)
    await an_order(market, db, 1)  # pending, unpaid: in neither
    summary = await run(market, ops)
    assert (summary["bill_rows"], summary["our_rows"], summary["matched"]) == (1, 1, 1)
    assert summary["items"] == 0 and summary["day"] == today()
    shown = await listing(market, ops, "?status=open")
    assert shown["items"] == [] and shown["runs"][0]["run_id"] == summary["run_id"]
    # a day without trades: WeChat Pay has no bill (NO_STATEMENT_EXIST), nothing is ours either
    yesterday = (shanghai_date(utcnow()) - timedelta(days=1)).isoformat()
    empty = await run(market, ops, yesterday)
    assert (empty["bill_rows"], empty["our_rows"], empty["items"]) == (0, 0, 0)
    r = await market.post(f"{PATH}/runs", json={"day": "2999-01-01"}, headers=ops)
    assert_problem(r, 422, "day_in_future")


async def test_a_lost_notice_is_missing_here_and_settle_delivers_once(
    market, db, wechatpay, ops
) -> None:
    order, buyer = await an_order(market, db, 2)
    lost = wechatpay.pay(order["order_id"], notify=False)  # paid there; the notice never came
    summary = await run(market, ops)
    assert (summary["bill_rows"], summary["our_rows"], summary["items"]) == (1, 0, 1)
    (item,) = (await listing(market, ops, "?status=open"))["items"]
    assert (item["kind"], item["order_no"], item["order_status"]) == (
        "missing_here",
        order["order_id"],
        "pending",
    )
    assert item["bill_fen"] == 20_000 and item["settleable"] and item["transaction_id"]

    auditor = bearer((await staff_login(market, db, Role.AUDITOR))["access_token"])
    assert (await listing(market, auditor))["items"][0]["item_id"] == item["item_id"]
    assert_problem(await resolve(market, auditor, item["item_id"], action="settle"), 403)
    r = await resolve(market, ops, item["item_id"], action="settle")
    assert r.status_code == 200, r.text
    done = r.json()
    assert (done["status"], done["resolution"], done["outcome"]) == (
        "resolved",
        "settle",
        "delivered",
    )
    assert not done["settleable"]
    again = await resolve(market, ops, item["item_id"], action="settle")
    assert_problem(again, 409, "already_resolved")
    assert (await deliver(market, wechatpay, lost)).status_code == 204  # late: changes nothing
    assert sum(b["quantity"] for b in await holdings(market, buyer)) == 2  # delivered once
    shown = (await market.get(f"/v1/org/orders/{order['order_id']}", headers=buyer.headers)).json()
    assert shown["status"] == "delivered"
    await ledger_ok(db)

    rerun = await run(market, ops)  # now it matches; the resolved item stays as it was
    assert (rerun["matched"], rerun["items"]) == (1, 0)
    (kept,) = (await listing(market, ops))["items"]
    assert kept == done
    async with db.unit_of_work() as uow:
        entries = await uow.audit.list(target_id=item["item_id"], limit=10, before=None)
    assert [e.action for e in entries] == ["market.reconciliation.resolve"]


async def test_paid_here_but_not_in_the_bill_is_missing_there(market, db, wechatpay, ops) -> None:
    order, _ = await an_order(market, db, 1)
    async with db.unit_of_work() as uow:  # we think it paid; WeChat Pay never took anything
        outcome = await delivery.settle(
            uow,
            order["order_id"],
            transaction_id="4200000000000000000000000001",
            amount_fen=10_000,
            paid_at=utcnow(),
            now=utcnow(),
        )
    assert outcome == "delivered"
    summary = await run(market, ops)
    assert (summary["bill_rows"], summary["our_rows"], summary["items"]) == (0, 1, 1)
    (item,) = (await listing(market, ops, f"?day={today()}"))["items"]
    assert (item["kind"], item["our_fen"], item["bill_fen"]) == ("missing_there", 10_000, None)
    assert not item["settleable"]
    assert_problem(
        await resolve(market, ops, item["item_id"], action="settle"), 409, "not_settleable"
    )
    assert_problem(await resolve(market, ops, item["item_id"], action="note"), 422, "note_required")
    r = await resolve(market, ops, item["item_id"], action="note", note="test order, no money")
    assert r.status_code == 200, r.text
    assert (r.json()["resolution"], r.json()["note"]) == ("note", "test order, no money")
    assert (await listing(market, ops, "?status=open"))["items"] == []
    assert len((await listing(market, ops, "?status=resolved"))["items"]) == 1
    assert_problem(await resolve(market, ops, "01NOPE", action="note", note="x"), 404)


async def test_an_amount_that_differs_is_an_item(market, db, wechatpay, ops) -> None:
    order, _ = await paid_order(market, db, wechatpay, 3)
    wechatpay.orders[order["order_id"]].total_fen = 29_999  # the bill says otherwise
    summary = await run(market, ops)
    assert (summary["matched"], summary["items"]) == (0, 1)
    (item,) = (await listing(market, ops))["items"]
    assert (item["kind"], item["bill_fen"], item["our_fen"]) == ("amount_differs", 29_999, 30_000)
    assert item["order_status"] == "delivered"


async def test_a_refund_finished_there_but_not_here_is_an_item(market, db, wechatpay, ops) -> None:
    order, buyer = await an_order(market, db, 1)
    order_id = order["order_id"]
    async with db.unit_of_work() as uow:  # closed here while WeChat Pay still took the payment
        assert await uow.market.move_order(order_id, ["pending"], "closed", closed_at=utcnow())
    assert (await deliver(market, wechatpay, wechatpay.pay(order_id, notify=False))).is_success
    r = await market.post(f"/v1/org/orders/{order_id}/refund", json={}, headers=buyer.headers)
    assert r.json()["status"] == "refunding", r.text
    (refund_no,) = wechatpay.refunds
    wechatpay.complete_refund(refund_no, notify=False)  # the refund notice is lost
    summary = await run(market, ops)
    assert (summary["bill_rows"], summary["our_rows"], summary["matched"]) == (2, 1, 1)
    (item,) = (await listing(market, ops))["items"]
    assert (item["kind"], item["order_status"], item["bill_fen"]) == (
        "refund_missing_here",
        "refunding",
        10_000,
    )


async def test_running_twice_adds_nothing_and_clears_what_was_fixed(
    market, db, wechatpay, ops
) -> None:
    lost_order, _ = await an_order(market, db, 1)
    lost = wechatpay.pay(lost_order["order_id"], notify=False)
    other, _ = await an_order(market, db, 1)
    async with db.unit_of_work() as uow:
        await delivery.settle(
            uow,
            other["order_id"],
            transaction_id="4200000000000000000000000002",
            amount_fen=10_000,
            paid_at=utcnow(),
            now=utcnow(),
        )
    gateway = gateway_for(wechatpay, "http://testserver")
    try:
        first = await reconcile_payments.run(db, gateway, utcnow(), shanghai_date(utcnow()))
        second = await reconcile_payments.run(db, gateway, utcnow(), shanghai_date(utcnow()))
    finally:
        await gateway.aclose()
    assert first is not None and second is not None
    assert (first.items, second.items) == (2, 2)
    assert await count(db, ReconciliationItem) == 2
    assert await count(db, ReconciliationRun) == 2
    items = {i["kind"]: i for i in (await listing(market, ops))["items"]}
    assert set(items) == {"missing_here", "missing_there"}
    r = await resolve(market, ops, items["missing_there"]["item_id"], action="note", note="ok")
    assert r.status_code == 200

    assert (await deliver(market, wechatpay, lost)).status_code == 204  # the notice, at last
    third = await run(market, ops)
    assert (third["items"], third["matched"]) == (1, 1)  # only the one resolved with a note
    after = {i["kind"]: i for i in (await listing(market, ops))["items"]}
    assert (after["missing_here"]["status"], after["missing_here"]["resolution"]) == (
        "resolved",
        "cleared",
    )
    assert after["missing_there"]["note"] == "ok"  # resolved stays resolved
    assert await count(db, ReconciliationItem) == 2
    page = await listing(market, ops, "?limit=1")
    assert len(page["items"]) == 1 and page["next_cursor"]
    rest = await listing(market, ops, f"?limit=1&cursor={page['next_cursor']}")
    assert rest["items"][0]["item_id"] != page["items"][0]["item_id"]


async def test_a_tampered_bill_answers_a_clear_error_and_records_nothing(
    market, db, wechatpay, ops
) -> None:
    order, _ = await an_order(market, db, 1)
    wechatpay.pay(order["order_id"], notify=False)
    wechatpay.tamper_next_bill()
    r = await market.post(f"{PATH}/runs", json={"day": today()}, headers=ops)
    problem = assert_problem(r, 503, "bill_hash_mismatch")
    assert "trade bill" in problem["detail"]
    assert await count(db, ReconciliationRun) == 0
    assert await count(db, ReconciliationItem) == 0
    assert (await run(market, ops))["items"] == 1  # the next download is genuine


async def test_without_payments_staff_get_a_4xx(client, db) -> None:
    admin = bearer((await staff_login(client, db, Role.ADMIN))["access_token"])
    r = await client.post(f"{PATH}/runs", json={"day": today()}, headers=admin)
    assert_problem(r, 409, "payments_not_configured")
    shown = await listing(client, admin)
    assert shown == {"items": [], "next_cursor": None, "runs": []}
    assert_problem(await client.get(f"{PATH}?cursor=%21%21", headers=admin), 422, "invalid_cursor")


async def test_the_job_is_scheduled_after_the_bill_is_published(db, wechatpay) -> None:
    gateway = gateway_for(wechatpay, "http://testserver")
    try:
        job = build_scheduler(db, None, gateway).get_job("reconcile-payments")  # type: ignore[arg-type]
        assert job is not None
        fields = {f.name: str(f) for f in job.trigger.fields}
        assert (fields["hour"], fields["minute"]) == ("10", "30")
        assert str(job.trigger.timezone) == "Asia/Shanghai"
        assert build_scheduler(db, None).get_job("reconcile-payments") is None  # type: ignore[arg-type]
    finally:
        await gateway.aclose()


def _live(settings: Settings, fake: FakeWeChatPay, tmp_path: Path) -> Settings:
    """Settings of a live merchant whose WeChat Pay is the fake (key files on disk)."""
    (tmp_path / "key.pem").write_bytes(
        fake.merchant_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    (tmp_path / "pub.pem").write_bytes(
        fake.platform_key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    return msgspec.structs.replace(
        settings,
        wechatpay="live",
        wechatpay_mchid=fake.mchid,
        wechatpay_appid=fake.appid,
        wechatpay_merchant_serial=fake.merchant_serial,
        wechatpay_merchant_key_file=str(tmp_path / "key.pem"),
        wechatpay_platform_serial=fake.platform_serial,
        wechatpay_platform_key_file=str(tmp_path / "pub.pem"),
        wechatpay_api_v3_key=fake.api_v3_key.decode(),
        wechatpay_base_url=fake.base_url,
    )


async def test_the_cli_command_reconciles_a_day(
    market, db, wechatpay, ops, settings, tmp_path, monkeypatch, capsys
) -> None:
    order, _ = await an_order(market, db, 1)
    wechatpay.pay(order["order_id"], notify=False)
    args: argparse.Namespace = cli.parser().parse_args(["reconcile-payments", "--day", today()])
    monkeypatch.setattr(commands, "load", lambda: settings)  # PUHUI_WECHATPAY=off
    with pytest.raises(commands.CommandError, match="PUHUI_WECHATPAY=off"):
        await commands.run_async(args)
    monkeypatch.setattr(commands, "load", lambda: _live(settings, wechatpay, tmp_path))
    assert await commands.run_async(args) == 0
    assert f"reconciliation {today()}: 1 bill lines, 0 of ours, 0 matched, 1 items" in (
        capsys.readouterr().out
    )
    (item,) = (await listing(market, ops))["items"]
    assert item["kind"] == "missing_here"
    assert (await listing(market, ops))["runs"][0]["ran_by"] == "cli"
    wechatpay.tamper_next_bill()
    with pytest.raises(commands.CommandError, match="bill_hash_mismatch"):
        await commands.run_async(args)
    assert await count(db, ReconciliationRun) == 1


async def test_the_gateway_reads_the_bill_faithfully(wechatpay) -> None:
    gateway = gateway_for(wechatpay, "http://testserver")
    expires = utcnow() + timedelta(minutes=15)
    try:
        for no, fen in (("PH-B1", 12_345), ("PH-B2", 500)):
            await gateway.prepare(
                order_no=no, channel="native", description="x", amount_fen=fen, expires_at=expires
            )
            wechatpay.pay(no, notify=False)
        state = await gateway.refund(
            order_no="PH-B2", refund_no="PH-B2R1", amount_fen=500, total_fen=500, reason="x"
        )
        assert state == "processing"
        wechatpay.complete_refund("PH-B2R1", notify=False)
        day = shanghai_date(utcnow())
        entries = await gateway.trade_bill(day)
        assert await gateway.trade_bill(day - timedelta(days=3)) == []  # NO_STATEMENT_EXIST
    finally:
        await gateway.aclose()
    by = {(e.order_no, e.state): e for e in entries}
    assert set(by) == {("PH-B1", "paid"), ("PH-B2", "paid"), ("PH-B2", "refunded")}
    paid = by["PH-B1", "paid"]
    assert (paid.amount_fen, paid.refund_fen, paid.refund_no) == (12_345, 0, None)
    assert paid.transaction_id == wechatpay.orders["PH-B1"].transaction_id
    assert abs(paid.at - utcnow()) < timedelta(minutes=1) and paid.at.utcoffset() == timedelta(0)
    refund = by["PH-B2", "refunded"]
    assert (refund.refund_fen, refund.refund_no) == (500, "PH-B2R1")
