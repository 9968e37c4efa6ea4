"""/v1/admin/methodologies: versions with parameters, class I/II, draft -> in_review ->
published -> retired."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

import msgspec
from litestar import Controller, get, patch, post

from api.security.auth import staff_guard
from api.shared.methodologies import MethodologyOut, out
from domain.errors import NotFound
from domain.governance.audit import Actor
from domain.identity.principal import Role
from domain.methodology import service
from domain.persistence.uow import UnitOfWork

WRITE = staff_guard(Role.ADMIN, Role.OPERATIONS)
READ = staff_guard(Role.ADMIN, Role.OPERATIONS, Role.AUDITOR)
Code = Annotated[str, msgspec.Meta(pattern=r"^[A-Z0-9][A-Z0-9-]{1,31}$")]


class MethodologyCreate(msgspec.Struct, forbid_unknown_fields=True):
    code: Code
    title: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    methodology_class: str
    params: dict[str, Any]
    description: str = ""
    scope: Literal["travel", "project"] = "travel"  # project: organisations' projects use it


class MethodologyUpdate(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    title: str | msgspec.UnsetType = msgspec.UNSET
    description: str | msgspec.UnsetType = msgspec.UNSET
    methodology_class: str | msgspec.UnsetType = msgspec.UNSET
    params: dict[str, Any] | msgspec.UnsetType = msgspec.UNSET


class PublishIn(msgspec.Struct, forbid_unknown_fields=True):
    effective_from: datetime | None = None


class AdminMethodologyController(Controller):
    path = "/v1/admin/methodologies"
    tags = ["admin"]
    security = [{"BearerToken": []}]

    @post("/", guards=[WRITE], summary="Create a draft version (version numbers are assigned)")
    async def create(
        self, data: MethodologyCreate, uow: UnitOfWork, actor: Actor, now: datetime
    ) -> MethodologyOut:
        v = await service.create_draft(
            uow,
            actor,
            code=data.code,
            title=data.title,
            methodology_class=data.methodology_class,
            params=data.params,
            description=data.description,
            now=now,
            scope=data.scope,
        )
        return out(v)

    @get("/", guards=[READ], summary="Every version of every methodology")
    async def list_versions(self, uow: UnitOfWork) -> list[MethodologyOut]:
        return [out(v) for v in await uow.methodologies.all()]

    @get("/{methodology_id:str}", guards=[READ], summary="One version")
    async def detail(self, methodology_id: str, uow: UnitOfWork) -> MethodologyOut:
        v = await uow.methodologies.get(methodology_id)
        if v is None:
            raise NotFound("no such methodology version", code="methodology_not_found")
        return out(v)

    @patch("/{methodology_id:str}", guards=[WRITE], summary="Edit a draft")
    async def update(
        self,
        methodology_id: str,
        data: MethodologyUpdate,
        uow: UnitOfWork,
        actor: Actor,
        now: datetime,
    ) -> MethodologyOut:
        changes = msgspec.structs.asdict(data)
        changes = {k: v for k, v in changes.items() if v is not msgspec.UNSET}
        return out(await service.update_draft(uow, actor, methodology_id, changes, now))

    @post("/{methodology_id:str}/submit", guards=[WRITE], summary="draft -> in_review")
    async def submit(
        self, methodology_id: str, uow: UnitOfWork, actor: Actor, now: datetime
    ) -> MethodologyOut:
        return out(await service.submit(uow, actor, methodology_id, now))

    @post(
        "/{methodology_id:str}/publish",
        guards=[staff_guard(Role.ADMIN)],
        summary="in_review -> published, in force from effective_from (now or later)",
    )
    async def publish(
        self,
        methodology_id: str,
        uow: UnitOfWork,
        actor: Actor,
        now: datetime,
        data: PublishIn | None = None,
    ) -> MethodologyOut:
        start = data.effective_from if data else None
        return out(await service.publish(uow, actor, methodology_id, start, now))

    @post(
        "/{methodology_id:str}/retire",
        guards=[staff_guard(Role.ADMIN)],
        summary="published -> retired (no longer in force from now)",
    )
    async def retire(
        self, methodology_id: str, uow: UnitOfWork, actor: Actor, now: datetime
    ) -> MethodologyOut:
        return out(await service.retire(uow, actor, methodology_id, now))
