"""/v1/admin/merchants: alliance merchants (review applications, register directly) and stores."""

from __future__ import annotations

from datetime import datetime

from litestar import Controller, get, post
from litestar.params import Parameter

from api.admin.schemas import MerchantCreate, MerchantOut, StoreIn, StoreOut
from api.schemas import CURSOR, LIMIT, Page, page_of
from api.security.auth import staff_guard
from api.services import Services
from domain.crypto import DataProtector
from domain.governance.audit import Actor
from domain.identity.principal import Role
from domain.merchants import registration as merchants
from domain.merchants.contacts import contact_phone
from domain.persistence.tables import Merchant, Store
from domain.persistence.uow import UnitOfWork

WRITE = staff_guard(Role.ADMIN, Role.OPERATIONS)
READ = staff_guard(Role.ADMIN, Role.OPERATIONS, Role.AUDITOR)


def _out(m: Merchant, protector: DataProtector) -> MerchantOut:
    return MerchantOut(
        merchant_id=m.id,
        name=m.name,
        status=m.status,
        contact_name=m.contact_name,
        contact_phone=contact_phone(protector, m),
        address=m.address,
        decided_at=m.decided_at,
        created_at=m.created_at,
    )


def _store(s: Store) -> StoreOut:
    return StoreOut(
        store_id=s.id,
        merchant_id=s.merchant_id,
        name=s.name,
        address=s.address,
        created_at=s.created_at,
        district=s.district,
    )


class AdminMerchantController(Controller):
    path = "/v1/admin/merchants"
    tags = ["admin"]
    security = [{"BearerToken": []}]

    @post("/", guards=[WRITE], summary="Register an alliance merchant (approved at once)")
    async def create(
        self, data: MerchantCreate, uow: UnitOfWork, services: Services, actor: Actor, now: datetime
    ) -> MerchantOut:
        return _out(await merchants.create_merchant(uow, actor, data.name, now), services.protector)

    @get("/", guards=[READ], summary="List merchants (e.g. ?status=pending for applications)")
    async def list_merchants(
        self,
        uow: UnitOfWork,
        services: Services,
        limit: int = LIMIT,
        cursor: str | None = CURSOR,
        status: str | None = Parameter(default=None, max_length=16),
    ) -> Page[MerchantOut]:
        rows = await uow.merchants.list(after=cursor, limit=limit + 1, status=status)
        return page_of([_out(r, services.protector) for r in rows], limit, lambda m: m.merchant_id)

    @post(
        "/{merchant_id:str}/{decision:str}",
        guards=[WRITE],
        status_code=200,
        summary="approve | reject | suspend a merchant",
    )
    async def decide(
        self,
        merchant_id: str,
        decision: str,
        uow: UnitOfWork,
        services: Services,
        actor: Actor,
        now: datetime,
    ) -> MerchantOut:
        decided = await merchants.decide(uow, actor, merchant_id, decision, now)
        return _out(decided, services.protector)

    @post("/{merchant_id:str}/stores", guards=[WRITE], summary="Add a store to a merchant")
    async def add_store(
        self, merchant_id: str, data: StoreIn, uow: UnitOfWork, actor: Actor, now: datetime
    ) -> StoreOut:
        return _store(
            await merchants.add_store(
                uow, actor, merchant_id, data.name, data.address, now, district=data.district
            )
        )

    @get("/{merchant_id:str}/stores", guards=[READ], summary="A merchant's stores")
    async def stores(self, merchant_id: str, uow: UnitOfWork) -> list[StoreOut]:
        await merchants.get(uow, merchant_id)
        return [_store(s) for s in await uow.merchants.stores(merchant_id)]
