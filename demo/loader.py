"""Demo data for `make run`: an admin, three operators (the metro one with the Nanjing demo
network), an alliance merchant with a store, a cashier and three live offers, a tree-planting
donation project, and the registry's world (demo/registry.py: organisations, experts, a
forest-carbon project issued, transferred and partly retired, citizens' metro journeys of the
previous month aggregated and issued, and two market listings).

Idempotent: a second run keeps existing accounts and, if var/demo.json was lost, issues fresh
passwords and keys (the old ones cannot be read back: passwords are hashed).
"""

from __future__ import annotations

import json
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

from demo.registry import load_registry
from domain.clock import utcnow
from domain.crypto import DataProtector
from domain.governance.audit import CLI, Actor
from domain.identity import staff
from domain.identity.passwords import hash_password
from domain.identity.principal import Role
from domain.merchants import offers
from domain.merchants import registration as merchants
from domain.merchants.registration import create_merchant
from domain.network.demo import demo_file
from domain.network.service import import_network
from domain.operators import service as operators
from domain.persistence.tables import Store
from domain.persistence.uow import UnitOfWork
from domain.points import donations

OPERATORS = [
    ("南京地铁 Nanjing Metro (demo)", operators.OperatorKind.METRO),
    ("共享单车 Bike-share (demo)", operators.OperatorKind.BIKESHARE),
    ("南京公交 Nanjing Bus (demo)", operators.OperatorKind.BUS),
]
MERCHANT = "绿色咖啡 Green Café (demo)"


async def load_demo(uow: UnitOfWork, protector: DataProtector, out: str) -> dict[str, Any] | None:
    """Create the demo world, or issue fresh credentials if the file `out` was lost; returns
    them for save_credentials (once the unit of work has committed). None when the demo is
    loaded and `out` still holds its credentials."""
    if await uow.staff.by_username("admin") is not None and Path(out).exists():
        return None
    return await _create_or_refresh(uow, protector)


def save_credentials(credentials: dict[str, Any] | None, out: str, base_url: str) -> None:
    """Write fresh credentials to `out` (owner-only) and print them; with None (already
    loaded), print the ones `out` holds."""
    path = Path(out)
    if credentials is None:
        print(f"demo data already loaded; credentials in {path}")
        _print(json.loads(path.read_text()))
        return
    data = {"base_url": base_url, "docs": f"{base_url}/schema", **credentials}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2))
    path.chmod(0o600)
    print(f"demo data loaded; credentials written to {path}")
    _print(data)


async def _create_or_refresh(uow: UnitOfWork, protector: DataProtector) -> dict[str, Any]:
    now = utcnow()
    merchant = await uow.merchants.by_name(MERCHANT) or await create_merchant(
        uow, CLI, MERCHANT, now
    )
    await uow.flush()
    store = await _economy(uow, merchant.id, now)

    accounts = []
    for username, role, merchant_id in (
        ("admin", Role.ADMIN, None),
        ("operations", Role.OPERATIONS, None),  # a second approver (adjustments are four-eyes)
        ("cashier", Role.MERCHANT, merchant.id),
    ):
        password = secrets.token_urlsafe(12)
        account = await uow.staff.by_username(username)
        if account is None:
            await staff.create(
                uow,
                CLI,
                username=username,
                password=password,
                role=role,
                merchant_id=merchant_id,
                store_id=store.id if merchant_id else None,
                now=now,
            )
        else:
            account.password_hash = hash_password(password)
        accounts.append(
            {
                "username": username,
                "password": password,
                "role": role.value,
                "merchant_id": merchant_id,
            }
        )

    ops = []
    metro_id = ""
    for name, kind in OPERATORS:
        op = await uow.operators.by_name(name)
        if op is None:
            op, key = await operators.create(uow, protector, CLI, name=name, kind=kind, now=now)
        else:
            key = await operators.rotate_key(
                uow, protector, CLI, op.id, revoke_others=True, now=now
            )
        if kind is operators.OperatorKind.METRO:
            metro_id = op.id
        if kind is operators.OperatorKind.METRO and await uow.networks.get(op.id) is None:
            await import_network(
                uow,
                CLI,
                op.id,
                stops_txt=demo_file("stops.txt"),
                route_stops_txt=demo_file("route_stops.txt"),
                now=now,
            )
        ops.append(
            {
                "operator_id": op.id,
                "name": name,
                "kind": kind.value,
                "key_id": key.key_id,
                "secret": key.secret,
            }
        )
    registry = await load_registry(
        uow,
        protector,
        await _staff_actor(uow, "operations"),
        await _staff_actor(uow, "admin"),
        now,
        metro_id=metro_id,
    )
    return {
        "staff": accounts,
        "operators": ops,
        "registry": registry,
        "merchants": [{"merchant_id": merchant.id, "name": merchant.name}],
        "dev_login": {"endpoint": "POST /v1/auth/dev", "body": {"openid": "demo-citizen-1"}},
    }


async def _staff_actor(uow: UnitOfWork, username: str) -> Actor:
    """Two different staff members act where four eyes are needed (issuance)."""
    await uow.flush()
    account = await uow.staff.by_username(username)
    assert account is not None  # made just above
    return Actor(id=account.id, role=account.role)


OFFERS = [
    ("中杯美式咖啡 Americano", "凭券兑换中杯美式一杯 One medium Americano", 100, 500),
    ("环保帆布袋 Canvas bag", "可重复使用的帆布购物袋 A reusable shopping bag", 800, 200),
    ("10 元代金券 ¥10 off", "消费满 30 元可用 On purchases of ¥30 or more", 500, 1000),
]


async def _economy(uow: UnitOfWork, merchant_id: str, now) -> Store:
    """The merchant's store, live offers and a donation project (once)."""
    stores = await uow.merchants.stores(merchant_id)
    if stores:
        return stores[0]
    store = await merchants.add_store(
        uow, CLI, merchant_id, "新街口店 Xinjiekou", "中山路 1 号", now, district="qinhuai"
    )
    for title, description, price, stock in OFFERS:
        draft = offers.OfferDraft(
            title=title,
            description=description,
            points_price=price,
            stock=stock,
            per_citizen_limit=3,
            valid_from=now - timedelta(days=1),
            valid_until=now + timedelta(days=365),
            voucher_days=30,
        )
        offer = await offers.create(uow, CLI, merchant_id, draft, now)
        await offers.decide(uow, CLI, offer.id, "approve", now)
    await donations.create_project(
        uow,
        CLI,
        name="紫金山植树 Trees on Purple Mountain",
        description="每 500 积分种一棵树 One tree for every 500 points",
        unit_name="棵 tree",
        points_per_unit=500,
        now=now,
    )
    await uow.flush()
    return store


def _print(data: dict[str, Any]) -> None:
    print(f"  docs: {data.get('docs')}")
    for s in data["staff"]:
        print(f"  staff {s['username']} / {s['password']} ({s['role']})")
    for o in data["operators"]:
        print(
            f"  operator {o['kind']}: id={o['operator_id']} key={o['key_id']} secret={o['secret']}"
        )
    print('  citizen: POST /v1/auth/dev {"openid": "demo-citizen-1"} (dev login)')
    registry = data.get("registry") or {}
    for m in registry.get("members", []):
        print(f"  organisation member {m['username']} / {m['password']} ({m['role']}, on /org)")
    for e in registry.get("experts", []):
        print(f"  expert {e['username']} / {e['password']} ({e['name']}, on /org)")
    if "retirement" in registry:
        page = registry["retirement"]["page"]
        print(f"  a retirement's public page: {data.get('base_url', '')}{page}")
    if "neutrality_listing" in registry:
        listing = registry["neutrality_listing"]["listing_id"]
        print(f"  citizens' reductions for sale: listing {listing} (go carbon neutral on the H5)")
