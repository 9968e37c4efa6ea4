"""Dependencies every controller shares: the unit of work, the caller, the clock."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import datetime

from litestar import Request
from litestar.datastructures import State
from litestar.di import Provide

from api.services import Services
from domain.clock import utcnow
from domain.governance.audit import Actor
from domain.identity.principal import Principal
from domain.persistence.uow import UnitOfWork


async def provide_uow(state: State) -> AsyncGenerator[UnitOfWork, None]:
    """One unit of work per request: commits after the handler returns, rolls back if it raises.

    Events the request caused are published (by the Database) once the commit has succeeded.
    """
    services: Services = state.services
    async with services.db.unit_of_work() as uow:
        yield uow


async def provide_statements_uow(state: State) -> AsyncGenerator[UnitOfWork, None]:
    """For single-statement use cases (redeeming a voucher): no transaction round trips."""
    services: Services = state.services
    async with services.db.statements() as uow:
        yield uow


def provide_services(state: State) -> Services:
    return state.services


def provide_principal(request: Request) -> Principal:
    return request.state.principal


def provide_actor(request: Request) -> Actor:
    principal: Principal = request.state.principal
    role = principal.role.value if principal.role else principal.kind
    return Actor(id=principal.id, role=role, request_id=request.state.get("request_id"))


def provide_now() -> datetime:
    return utcnow()


DEPENDENCIES = {
    "uow": Provide(provide_uow),
    "services": Provide(provide_services, sync_to_thread=False),
    "principal": Provide(provide_principal, sync_to_thread=False),
    "actor": Provide(provide_actor, sync_to_thread=False),
    "now": Provide(provide_now, sync_to_thread=False),
}
