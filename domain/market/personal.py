"""Personal carbon neutrality: a citizen buys whole tonnes of the citizens' own aggregated
reductions (the public-behaviour account's listings) and they are retired for them at once.

The citizen pays through WeChat Pay JSAPI in the H5 (the payer named by their openid, kept
encrypted for this only). The order goes to a personal registry account (`reg:c-{citizen_id}`,
kind `personal`) which holds the units only within the delivering transaction: there
domain/market/delivery.py retires them (purpose `carbon_neutrality`, the citizen's chosen
beneficiary), so the order's answer names a retirement with its certificate. The cheapest open
listing of the public-behaviour account with enough tonnes is the one bought from.
"""

from __future__ import annotations

from datetime import datetime

from domain.crypto import DataProtector
from domain.errors import Conflict, InvalidInput, NotFound
from domain.governance.audit import SYSTEM
from domain.identity.citizens import active
from domain.market.orders import Buyer
from domain.persistence.tables import MarketOrder, RegistryAccount
from domain.persistence.uow import UnitOfWork
from domain.registry import retirements
from domain.registry.accounts import PUBLIC_BEHAVIOUR, REGISTRY_KIND

DEFAULT_BENEFICIARY = "个人碳中和 Personal carbon neutrality"


def personal_account_id(citizen_id: str) -> str:
    return f"reg:c-{citizen_id}"


def citizen_owner(citizen_id: str) -> str:
    return f"cit:{citizen_id}"


async def citizen_buyer(
    uow: UnitOfWork,
    protector: DataProtector,
    citizen_id: str,
    *,
    beneficiary: str | None,
    now: datetime,
) -> Buyer:
    citizen = await active(uow, citizen_id)
    if citizen.openid_sealed is None:
        raise Conflict(
            "sign in again through WeChat so that WeChat Pay can name you as the payer",
            code="payer_unknown",
        )
    name = (beneficiary or "").strip() or DEFAULT_BENEFICIARY
    if len(name) > 200:
        raise InvalidInput(
            "beneficiary: at most 200 characters", code="beneficiary_too_long", field="beneficiary"
        )
    account_id = personal_account_id(citizen.id)
    if await uow.registry.account(account_id) is None:
        await uow.ledger.ensure_accounts([(account_id, REGISTRY_KIND, None)], now)
        uow.registry.add_account(
            RegistryAccount(
                id=account_id, org_id=None, kind="personal", name="personal", created_at=now
            )
        )
        await uow.flush()
    return Buyer(
        account_id=account_id,
        citizen_id=citizen.id,
        key_owner=citizen_owner(citizen.id),
        created_by=f"citizen:{citizen.id}",
        payer_openid=protector.decrypt(citizen.openid_sealed),
        beneficiary=name,
    )


async def listing_for(uow: UnitOfWork, quantity: int) -> str:
    """The cheapest open listing of the citizens' aggregated reductions holding `quantity` t."""
    listing_id = await uow.market.cheapest_open(PUBLIC_BEHAVIOUR, quantity)
    if listing_id is None:
        raise NotFound(
            f"no {quantity} t of the citizens' reductions are for sale now",
            code="no_units_for_sale",
        )
    return listing_id


async def retire_for_citizen(uow: UnitOfWork, order: MarketOrder, now: datetime) -> str:
    """The delivered units of a citizen's order, retired for them (called by delivery)."""
    holder = await uow.registry.account(order.buyer_account)
    assert holder is not None and order.buyer_citizen_id is not None
    retirement = await retirements.retire_held(
        uow,
        SYSTEM,
        holder,
        quantity=order.quantity,
        beneficiary=order.beneficiary or DEFAULT_BENEFICIARY,
        purpose="carbon_neutrality",
        details=f"Personal carbon neutrality: {order.quantity} t bought (order {order.id})",
        created_by=f"citizen:{order.buyer_citizen_id}",
        now=now,
    )
    await uow.market.set_payment(order.id, retirement_id=retirement.id)
    return retirement.id


async def citizen_order(uow: UnitOfWork, citizen_id: str, order_id: str) -> MarketOrder:
    order = await uow.market.fresh_order(order_id)
    if order is None or order.buyer_citizen_id != citizen_id:
        raise NotFound("no such order", code="order_not_found")
    return order
