"""/v1/merchant: scan (redeem) vouchers, redemption history, settlements, keys, revocations."""

from __future__ import annotations

from datetime import datetime

from litestar import Controller, Response, get, post
from litestar.di import Provide
from litestar.params import Parameter

from api import cursors
from api.deps import provide_statements_uow
from api.errors import domain_error_to_problem
from api.merchant.schemas import (
    OfferRef,
    PublicKeysOut,
    RedemptionIn,
    RedemptionOut,
    RevokedOut,
    SettlementLine,
    SettlementOut,
    StoreRef,
)
from api.schemas import CURSOR, LIMIT, Page, page_of
from api.security.auth import staff_guard
from api.services import Services
from api.shared.keys import PublicKeyOut
from domain.clock import instant
from domain.errors import Forbidden
from domain.identity.principal import Principal, Role
from domain.merchants import settlements
from domain.persistence.uow import UnitOfWork
from domain.vouchers.redemption import (
    AlreadyRedeemed,
    Cashier,
    NotYourVoucher,
    Redeemed,
    Scan,
    VoucherCancelled,
    VoucherExpired,
    redeem,
)

MERCHANT = staff_guard(Role.MERCHANT)
REFUSALS = (AlreadyRedeemed, NotYourVoucher, VoucherExpired, VoucherCancelled)
SINCE = Parameter(default=None, description="only redemptions from this instant on")
TOKEN_FORMAT = (
    'PH1.<base64url(JSON {"e": expiry unix s, "k": key_id, "m": merchant_id, "v": voucher_id})>'
    ".<base64url(Ed25519 signature over the text before the second dot)>"
)


def cashier_of(principal: Principal) -> Cashier:
    if principal.merchant_id is None:
        raise Forbidden("this account belongs to no merchant", code="no_merchant")
    return Cashier(principal.id, principal.merchant_id, principal.store_id)


def redemption_out(r: Redeemed) -> RedemptionOut:
    return RedemptionOut(
        voucher_id=r.voucher_id,
        offer=OfferRef(offer_id=r.offer_id, title=r.offer_title),
        redeemed_at=r.redeemed_at,
        store=StoreRef(store_id=r.store_id, name=r.store_name or "") if r.store_id else None,
        points=r.points,
    )


class MerchantController(Controller):
    path = "/v1/merchant"
    tags = ["merchant"]
    guards = [MERCHANT]
    security = [{"BearerToken": []}]

    @post(
        "/redemptions",
        status_code=200,
        summary="Redeem a voucher by token or code, once",
        dependencies={"uow": Provide(provide_statements_uow)},
    )
    async def redeem(
        self,
        data: RedemptionIn,
        uow: UnitOfWork,
        services: Services,
        principal: Principal,
        now: datetime,
    ) -> Response[RedemptionOut]:
        scan = Scan(
            nonce=data.nonce,
            token=data.token,
            code=data.code,
            scanned_at=data.scanned_at,
            store_id=data.store_id,
        )
        cashier = cashier_of(principal)
        try:
            done = await redeem(uow, services.keys, services.names, cashier, scan, now)
        except REFUSALS as refusal:
            # Nine scans in ten at a busy counter are repeats: answer them without the cost of
            # the framework's exception path. Nothing to roll back (statements autocommit; a
            # conflict record is meant to stay).
            return domain_error_to_problem(None, refusal)
        return Response(redemption_out(done))

    @get("/redemptions", summary="Our redemptions, newest first")
    async def history(
        self,
        uow: UnitOfWork,
        principal: Principal,
        limit: int = LIMIT,
        cursor: str | None = CURSOR,
        since: datetime | None = SINCE,
    ) -> Page[RedemptionOut]:
        merchant_id = cashier_of(principal).merchant_id
        before = cursors.decode_time_id(cursor) if cursor else None
        since = instant(since, "since") if since is not None else None
        rows = await uow.vouchers.redemptions(
            merchant_id, before=before, limit=limit + 1, since=since
        )
        items = [
            RedemptionOut(
                voucher_id=v.id,
                offer=OfferRef(offer_id=v.offer_id, title=title),
                redeemed_at=v.redeemed_at,
                store=StoreRef(store_id=v.store_id, name=store or "") if v.store_id else None,
                points=v.points,
            )
            for v, title, store in rows
        ]
        return page_of(items, limit, lambda r: cursors.encode(r.redeemed_at, r.voucher_id))

    @get("/settlements", summary="Count and points per offer and day of a month (JSON or CSV)")
    async def settlement(
        self,
        uow: UnitOfWork,
        principal: Principal,
        month: str = Parameter(pattern=r"^\d{4}-\d{2}$", description="YYYY-MM (Asia/Shanghai)"),
        format: str = Parameter(default="json", pattern="^(json|csv)$"),
    ) -> Response[SettlementOut] | Response[str]:
        s = await settlements.statement(uow, cashier_of(principal).merchant_id, month)
        if format == "csv":
            return Response(
                settlements.as_csv(s),
                media_type="text/csv; charset=utf-8",
                headers={"Content-Disposition": f'attachment; filename="settlement-{month}.csv"'},
            )
        return Response(
            SettlementOut(
                merchant_id=s.merchant_id,
                month=s.month,
                lines=[
                    SettlementLine(**{f: getattr(x, f) for f in x.__struct_fields__})
                    for x in s.lines
                ],
                total_count=s.total_count,
                total_points=s.total_points,
            )
        )

    @get("/public-key", summary="Keys that verify voucher tokens offline")
    async def public_keys(
        self, uow: UnitOfWork, services: Services, now: datetime
    ) -> PublicKeysOut:
        keys = await services.keys.public_keys(uow, now)
        return PublicKeysOut(
            keys=[
                PublicKeyOut(
                    key_id=k.key_id,
                    algorithm="Ed25519",
                    public_key=k.public_key,
                    active=k.active,
                    created_at=k.created_at,
                )
                for k in keys
            ],
            token_format=TOKEN_FORMAT,
        )

    @get("/revocations", summary="Tokens of our cancelled, not yet expired vouchers")
    async def revocations(
        self,
        uow: UnitOfWork,
        principal: Principal,
        now: datetime,
        limit: int = Parameter(default=100, ge=1, le=1000),
        cursor: str | None = CURSOR,
    ) -> Page[RevokedOut]:
        rows = await uow.vouchers.revoked(
            cashier_of(principal).merchant_id, now, after=cursor, limit=limit + 1
        )
        items = [
            RevokedOut(
                voucher_id=v.id, token=v.token, cancelled_at=v.cancelled_at, expires_at=v.expires_at
            )
            for v in rows
        ]
        return page_of(items, limit, lambda r: r.voucher_id)
