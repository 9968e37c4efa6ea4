"""POST /v1/exchange/{exchange_id}/settlements: the public resource trading centre settles a
deal struck on its floor. Signed exactly as operators sign (api/operator/signature.py: key,
timestamp, nonce, HMAC), by an operator of kind `exchange` only (403 `not_an_exchange`)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, post
from litestar.di import Provide
from litestar.openapi.datastructures import ResponseSpec

from api.operator.signature import provide_operator
from api.services import Services
from domain.market import exchange as deals
from domain.persistence.tables import ExchangeDeal, Operator
from domain.persistence.uow import UnitOfWork

Account = Annotated[str, msgspec.Meta(min_length=1, max_length=40)]


class SettlementIn(msgspec.Struct, forbid_unknown_fields=True):
    deal_id: Annotated[str, msgspec.Meta(min_length=1, max_length=64, pattern=r"^[!-~]+$")]
    seller_account: Account  # registry account ids
    buyer_account: Account
    quantity: int  # whole tonnes
    price_fen_per_t: int
    dealt_at: datetime  # with a UTC offset


class SettlementOut(msgspec.Struct):
    settlement_id: str
    deal_id: str
    quantity: int
    serial_ranges: list[str]  # the serials the buyer received
    transfer_id: str  # the registry transfer (GET /v1/public/units/{serial} shows its history)
    seller_account: str
    buyer_account: str
    price_fen_per_t: int
    amount_fen: int  # quantity x price, paid at the centre (no money moves here)
    dealt_at: datetime
    settled_at: datetime


def settlement_out(deal: ExchangeDeal) -> SettlementOut:
    assert deal.movement_id is not None
    return SettlementOut(
        settlement_id=deal.id,
        deal_id=deal.deal_id,
        quantity=deal.quantity,
        serial_ranges=list(deal.serial_ranges),
        transfer_id=deal.movement_id,
        seller_account=deal.seller_account,
        buyer_account=deal.buyer_account,
        price_fen_per_t=deal.price_fen_per_t,
        amount_fen=deal.amount_fen,
        dealt_at=deal.dealt_at,
        settled_at=deal.created_at,
    )


async def provide_exchange(
    request: Request, exchange_id: str, uow: UnitOfWork, services: Services
) -> Operator:
    """The signing operator named in the path (401 as for operators), if it is an exchange."""
    return deals.check_exchange(await provide_operator(request, exchange_id, uow, services))


class ExchangeSettlementController(Controller):
    path = "/v1/exchange/{exchange_id:str}"
    tags = ["exchange"]
    dependencies = {"exchange": Provide(provide_exchange)}
    security = [{"PuhuiHmac": []}]

    @post(
        "/settlements",
        status_code=201,
        responses={200: ResponseSpec(SettlementOut, description="the deal, settled before")},
        summary="Settle a deal struck at the trading centre: its units move seller -> buyer once",
    )
    async def settle(
        self,
        request: Request,
        data: SettlementIn,
        exchange: Operator,
        uow: UnitOfWork,
        now: datetime,
    ) -> Response[Any]:
        deal, new = await deals.settle(
            uow,
            exchange,
            deals.actor_of(exchange, request.state.get("request_id")),
            deal_id=data.deal_id,
            seller_account=data.seller_account,
            buyer_account=data.buyer_account,
            quantity=data.quantity,
            price_fen_per_t=data.price_fen_per_t,
            dealt_at=data.dealt_at,
            now=now,
        )
        return Response(settlement_out(deal), status_code=201 if new else 200)


CONTROLLERS: list[type] = [ExchangeSettlementController]
