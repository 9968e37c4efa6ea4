"""Settling a deal struck on the public resource trading centre's own floor.

The centre (an operator of kind `exchange`, signing its requests as operators do) tells us a
deal: seller and buyer registry accounts, whole tonnes, price per tonne, when it was struck. The
units move seller -> buyer as one registry transfer of Class I units (domain/registry/transfers.py
`move_units`: accounts locked, blocks planned, chained postings); the money was paid at the centre,
so no money posting is written here. The deal is recorded once per (exchange, deal id):

1. an earlier row of the deal answers at once: the first answer (same content) or 409
   `deal_conflict` (same deal id, other content);
2. otherwise the row is inserted first (unique (exchange, deal id); on PostgreSQL a concurrent
   insert of the same deal waits for the other transaction, then finds its row and answers it);
3. then the units move, and the row names the transfer. A refusal (409 `insufficient_units`,
   `class_ii_not_tradable`) rolls the row back with the rest: the deal may be sent again.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from domain.clock import instant
from domain.errors import Conflict, Forbidden, InvalidInput
from domain.governance.audit import Actor, record
from domain.ids import new_id
from domain.market.listings import SELLABLE_KINDS
from domain.market.prices import MAX_FEN_PER_T
from domain.market.pricing import amount
from domain.persistence.tables import ExchangeDeal, Operator
from domain.persistence.uow import UnitOfWork
from domain.registry import access, transfers
from domain.registry.transfers import checked_quantity

EXCHANGE_KIND = "exchange"
BUYING_KINDS = frozenset({"holding"})  # an organisation's holding account
CLOCK_SKEW = timedelta(minutes=5)  # a deal "struck" this far ahead of our clock is still taken
MAX_TONNES = 1_000_000_000  # one deal: far above any real one, and its amount fits 64 bits


def actor_of(exchange: Operator, request_id: str | None = None) -> Actor:
    """How the audit log names the centre."""
    return Actor(id=f"exchange:{exchange.id}", role=EXCHANGE_KIND, request_id=request_id)


def check_exchange(operator: Operator) -> Operator:
    """Only the trading centre settles deals (403 `not_an_exchange` for any other operator)."""
    if operator.kind != EXCHANGE_KIND:
        raise Forbidden("only the trading centre settles deals here", code="not_an_exchange")
    return operator


def _same(deal: ExchangeDeal, asked: dict[str, object]) -> bool:
    return all(getattr(deal, name) == value for name, value in asked.items())


def _answer(deal: ExchangeDeal, asked: dict[str, object]) -> ExchangeDeal:
    if not _same(deal, asked):
        raise Conflict(
            f"deal {deal.deal_id} was settled before with other content",
            code="deal_conflict",
            settlement_id=deal.id,
        )
    return deal


async def settle(
    uow: UnitOfWork,
    exchange: Operator,
    actor: Actor,
    *,
    deal_id: str,
    seller_account: str,
    buyer_account: str,
    quantity: int,
    price_fen_per_t: int,
    dealt_at: datetime,
    now: datetime,
) -> tuple[ExchangeDeal, bool]:
    """The deal's settlement, and whether it was settled now (False: answered again)."""
    check_exchange(exchange)
    checked_quantity(quantity)
    if quantity > MAX_TONNES:
        raise InvalidInput(
            f"quantity: at most {MAX_TONNES} t in one deal",
            code="invalid_quantity",
            field="quantity",
        )
    if not 0 < price_fen_per_t <= MAX_FEN_PER_T:
        raise InvalidInput(
            f"price_fen_per_t: 1 to {MAX_FEN_PER_T} fen a tonne",
            code="invalid_price",
            field="price_fen_per_t",
        )
    dealt_at = instant(dealt_at, "dealt_at")
    if dealt_at > now + CLOCK_SKEW:
        raise InvalidInput(
            "dealt_at: a deal already struck, not one in the future",
            code="dealt_at_in_future",
            field="dealt_at",
        )
    asked: dict[str, object] = {
        "seller_account": seller_account,
        "buyer_account": buyer_account,
        "quantity": quantity,
        "price_fen_per_t": price_fen_per_t,
        "dealt_at": dealt_at,
    }
    earlier = await uow.exchange.deal(exchange.id, deal_id)
    if earlier is not None:
        return _answer(earlier, asked), False
    seller = await access.account(uow, seller_account, field="seller_account")
    buyer = await access.account(uow, buyer_account, field="buyer_account")
    if seller.id == buyer.id:
        raise InvalidInput(
            "buyer_account: the buyer's account is the seller's",
            code="same_account",
            field="buyer_account",
        )
    if seller.kind not in SELLABLE_KINDS:
        raise Conflict(
            f"seller_account: a {seller.kind} account's units are not traded",
            code="account_not_sellable",
            field="seller_account",
        )
    if buyer.kind not in BUYING_KINDS:
        raise Conflict(
            f"buyer_account: a {buyer.kind} account does not buy units",
            code="account_not_buying",
            field="buyer_account",
        )
    settlement_id = new_id()
    row = {
        "id": settlement_id,
        "exchange_id": exchange.id,
        "deal_id": deal_id,
        **asked,
        "amount_fen": amount(quantity, price_fen_per_t),
        "movement_id": None,
        "serial_ranges": [],
        "created_at": now,
    }
    if not await uow.exchange.claim(row):  # the same deal, settled meanwhile
        earlier = await uow.exchange.deal(exchange.id, deal_id)
        assert earlier is not None
        return _answer(earlier, asked), False
    movement = await transfers.move_units(
        uow,
        from_account=seller.id,
        to_account=buyer.id,
        quantity=quantity,
        actor=actor.id[:40],
        now=now,
    )
    await uow.exchange.complete(settlement_id, movement.id, movement.serial_ranges)
    record(
        uow,
        actor,
        "exchange.settle",
        "exchange_deal",
        settlement_id,
        None,
        {
            "deal_id": deal_id,
            "seller_account": seller.id,
            "buyer_account": buyer.id,
            "quantity": quantity,
            "price_fen_per_t": price_fen_per_t,
            "amount_fen": row["amount_fen"],
            "dealt_at": dealt_at.isoformat(),
            "transfer_id": movement.id,
            "serial_ranges": movement.serial_ranges,
        },
        now,
    )
    settled = await uow.exchange.deal(exchange.id, deal_id)
    assert settled is not None
    return settled, True
