"""Test world of the market: a reference price, a seller with units and a listing, a buyer, and
an app whose payments go to a fake WeChat Pay (fixture `wechatpay`, tests/payments.py)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import msgspec
from litestar import Litestar
from litestar.testing import AsyncTestClient

from api.app import create_app
from api.settings import Settings
from domain.clock import shanghai_date, utcnow
from domain.governance.audit import CLI
from domain.market import prices
from domain.persistence.uow import Database
from integrations.payments.wechatpay.fake import FakeWeChatPay
from tests.payments import gateway_for
from tests.registry_units import Issued, issued_units
from tests.registry_world import Org, make_org, org_login

REFERENCE = 10_000  # fen a tonne: the band is 9,000..11,000


class Trader(msgspec.Struct, frozen=True):
    org: Org
    headers: dict[str, str]


def market_app(
    settings: Settings, fake: FakeWeChatPay, base_url: str = "http://testserver"
) -> Litestar:
    return create_app(settings, payments=gateway_for(fake, base_url))


async def reference_price(db: Database, fen: int = REFERENCE, as_of: date | None = None) -> None:
    async with db.unit_of_work() as uow:
        await prices.set_price(
            uow,
            CLI,
            price_fen_per_t=fen,
            as_of=as_of or shanghai_date(utcnow()),
            source="national ETS close (test)",
            now=utcnow(),
        )


async def trader(client: AsyncTestClient, db: Database) -> Trader:
    org = await make_org(db)
    return Trader(org=org, headers=(await org_login(client, db, org.id))["headers"])


async def seller_with_units(
    client: AsyncTestClient, db: Database, tonnes: int, *, unit_class: str = "I"
) -> tuple[Trader, Issued]:
    seller = await trader(client, db)
    return seller, await issued_units(db, seller.org, tonnes, unit_class=unit_class)


async def listed(
    client: AsyncTestClient, seller: Trader, quantity: int, price: int = REFERENCE
) -> dict[str, Any]:
    body = {"account": seller.org.account_id, "quantity": quantity, "price_fen_per_t": price}
    r = await client.post("/v1/org/listings", json=body, headers=seller.headers)
    assert r.status_code == 201, r.text
    return r.json()


def keyed(headers: dict[str, str], key: str | None = None) -> dict[str, str]:
    return {**headers, "Idempotency-Key": key or uuid.uuid4().hex}


async def ordered(
    client: AsyncTestClient, buyer: Trader, listing_id: str, quantity: int, key: str | None = None
) -> dict[str, Any]:
    body = {"listing_id": listing_id, "quantity": quantity, "channel": "native"}
    r = await client.post("/v1/org/orders", json=body, headers=keyed(buyer.headers, key))
    assert r.status_code == 201, r.text
    return r.json()


async def holdings(client: AsyncTestClient, trader: Trader) -> list[dict[str, Any]]:
    r = await client.get(
        f"/v1/registry/accounts/{trader.org.account_id}/holdings", headers=trader.headers
    )
    assert r.status_code == 200, r.text
    body = r.json()
    return body["items"] if isinstance(body, dict) else body
