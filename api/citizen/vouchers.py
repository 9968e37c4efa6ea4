"""/v1/me/vouchers: buy with points (idempotent), list, show as QR, cancel for a refund."""

from __future__ import annotations

from datetime import datetime

from litestar import Controller, Response, get, post

from api.citizen.schemas import VoucherIn, VoucherOut
from api.idempotent import IDEMPOTENCY_KEY, answered, replayed
from api.schemas import CURSOR, LIMIT, Page, page_of
from api.security.auth import citizen_guard
from api.services import Services
from domain.identity.principal import Principal
from domain.ledger.idempotency import citizen_owner
from domain.persistence.tables import Voucher
from domain.persistence.uow import UnitOfWork
from domain.vouchers import codes, purchase, qr

PRIVATE = {"Cache-Control": "private, no-store"}


def voucher_out(v: Voucher) -> VoucherOut:
    return VoucherOut(
        voucher_id=v.id,
        offer_id=v.offer_id,
        merchant_id=v.merchant_id,
        code=None if v.code is None else codes.display_code(v.code),
        token=v.token,
        qr_url=f"/v1/me/vouchers/{v.id}/qr.png",
        status=v.status,
        points=v.points,
        expires_at=v.expires_at,
        created_at=v.created_at,
        redeemed_at=v.redeemed_at,
        cancelled_at=v.cancelled_at,
    )


class VoucherController(Controller):
    path = "/v1/me/vouchers"
    tags = ["citizen"]
    guards = [citizen_guard]
    security = [{"BearerToken": []}]

    @post("/", status_code=201, summary="Buy a voucher with points")
    async def buy(
        self,
        data: VoucherIn,
        uow: UnitOfWork,
        services: Services,
        principal: Principal,
        now: datetime,
        idempotency_key: str = IDEMPOTENCY_KEY,
    ) -> Response[VoucherOut]:
        owner = citizen_owner(principal.id)
        first = await replayed(uow, owner, idempotency_key, "voucher.buy", data, now)
        if first is not None:
            return first
        voucher = await purchase.buy(uow, services.keys, principal.id, data.offer_id, now)
        return await answered(uow, owner, idempotency_key, 201, voucher_out(voucher))

    @get("/", summary="My vouchers, newest first")
    async def list_vouchers(
        self,
        uow: UnitOfWork,
        principal: Principal,
        limit: int = LIMIT,
        cursor: str | None = CURSOR,
    ) -> Page[VoucherOut]:
        rows = await uow.vouchers.of_citizen(principal.id, before=cursor, limit=limit + 1)
        return page_of([voucher_out(v) for v in rows], limit, lambda v: v.voucher_id)

    @get("/{voucher_id:str}", summary="One of my vouchers")
    async def one(self, voucher_id: str, uow: UnitOfWork, principal: Principal) -> VoucherOut:
        return voucher_out(await purchase.own(uow, principal.id, voucher_id))

    @get("/{voucher_id:str}/qr.png", media_type="image/png", summary="The token as a PNG QR code")
    async def qr_png(
        self, voucher_id: str, uow: UnitOfWork, principal: Principal
    ) -> Response[bytes]:
        voucher = await purchase.own(uow, principal.id, voucher_id)
        return Response(qr.qr_png(voucher.token), media_type="image/png", headers=PRIVATE)

    @get(
        "/{voucher_id:str}/qr.svg",
        media_type="image/svg+xml",
        summary="The token as an SVG QR code",
    )
    async def qr_svg(
        self, voucher_id: str, uow: UnitOfWork, principal: Principal
    ) -> Response[bytes]:
        voucher = await purchase.own(uow, principal.id, voucher_id)
        return Response(qr.qr_svg(voucher.token), media_type="image/svg+xml", headers=PRIVATE)

    @post("/{voucher_id:str}/cancel", status_code=200, summary="Cancel an unredeemed voucher")
    async def cancel(
        self, voucher_id: str, uow: UnitOfWork, principal: Principal, now: datetime
    ) -> VoucherOut:
        return voucher_out(await purchase.cancel(uow, principal.id, voucher_id, now))
