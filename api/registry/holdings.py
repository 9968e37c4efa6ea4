"""/v1/registry: holdings, transfers and retirements."""

from __future__ import annotations

from litestar import Controller, get

from api import cursors
from api.registry import retirements, transfers
from api.registry.retirements import retirement_out
from api.registry.schemas import HoldingOut, RetirementOut, holding_out
from api.schemas import CURSOR, LIMIT, Page, page_of
from api.security.auth import staff_guard
from domain.errors import InvalidInput
from domain.identity.principal import Principal, Role
from domain.persistence.uow import UnitOfWork
from domain.registry import holdings

SEE = staff_guard(Role.ORG, Role.VERIFIER, Role.ADMIN, Role.OPERATIONS, Role.AUDITOR)
_KEY_TYPES = (int, int, int, str, str)  # a block's place in the spending order


def _after(cursor: str | None) -> list | None:
    if cursor is None:
        return None
    parts = cursors.decode(cursor)
    if len(parts) != len(_KEY_TYPES) or not all(
        type(p) is t for p, t in zip(parts, _KEY_TYPES, strict=True)
    ):
        raise InvalidInput("cursor is not one we issued", code="invalid_cursor")
    return parts


class HoldingsController(Controller):
    path = "/v1/registry/accounts"
    tags = ["registry"]
    security = [{"BearerToken": []}]

    @get("/{account_id:str}/holdings", guards=[SEE], summary="Open blocks, oldest vintage first")
    async def holdings(
        self,
        account_id: str,
        uow: UnitOfWork,
        principal: Principal,
        limit: int = LIMIT,
        cursor: str | None = CURSOR,
    ) -> Page[HoldingOut]:
        blocks = await holdings.holdings(
            uow, principal, account_id, after=_after(cursor), limit=limit + 1
        )
        page = page_of(blocks, limit, lambda b: cursors.encode(*holdings.position(b)))
        return Page(items=[holding_out(b) for b in page.items], next_cursor=page.next_cursor)

    @get(
        "/{account_id:str}/retirements",
        guards=[SEE],
        summary="The account's retirements in every status (pending, retired, released)",
    )
    async def retirements(
        self,
        account_id: str,
        uow: UnitOfWork,
        principal: Principal,
        limit: int = LIMIT,
        cursor: str | None = CURSOR,
    ) -> Page[RetirementOut]:
        before = cursors.decode_id(cursor)
        found = await holdings.retirements_of(
            uow, principal, account_id, before=before, limit=limit + 1
        )
        page = page_of(found, limit, lambda r: cursors.encode(r.id))
        return Page(items=[retirement_out(r) for r in page.items], next_cursor=page.next_cursor)


CONTROLLERS: list[type] = [
    HoldingsController,
    *transfers.CONTROLLERS,
    *retirements.CONTROLLERS,
]
