"""Donations: the project catalogue with public totals, and a citizen's gifts of points."""

from __future__ import annotations

from datetime import datetime

from litestar import Controller, Response, get, post

from api.citizen.schemas import DonationIn, DonationOut
from api.idempotent import IDEMPOTENCY_KEY, answered, replayed
from api.schemas import CURSOR, LIMIT, Page, page_of
from api.security.auth import citizen_guard
from api.shared.donations import DonationProjectOut, project_out
from domain.identity.principal import Principal
from domain.ledger.idempotency import citizen_owner
from domain.persistence.tables import Donation
from domain.persistence.uow import UnitOfWork
from domain.points import donations


def donation_out(d: Donation) -> DonationOut:
    return DonationOut(
        donation_id=d.id,
        project_id=d.project_id,
        units=d.units,
        points=d.points,
        created_at=d.created_at,
    )


class DonationProjectController(Controller):
    path = "/v1/donation-projects"
    tags = ["citizen", "public"]

    @get("/", summary="Projects taking donations, with their public totals")
    async def list_projects(self, uow: UnitOfWork) -> list[DonationProjectOut]:
        return [project_out(t) for t in await donations.catalogue(uow, active_only=True)]


class MyDonationController(Controller):
    path = "/v1/me/donations"
    tags = ["citizen"]
    guards = [citizen_guard]
    security = [{"BearerToken": []}]

    @post("/", status_code=201, summary="Donate points to a project")
    async def donate(
        self,
        data: DonationIn,
        uow: UnitOfWork,
        principal: Principal,
        now: datetime,
        idempotency_key: str = IDEMPOTENCY_KEY,
    ) -> Response[DonationOut]:
        owner = citizen_owner(principal.id)
        first = await replayed(uow, owner, idempotency_key, "donation", data, now)
        if first is not None:
            return first
        gift = await donations.donate(uow, principal.id, data.project_id, data.units, now)
        return await answered(uow, owner, idempotency_key, 201, donation_out(gift))

    @get("/", summary="My donations, newest first")
    async def list_donations(
        self,
        uow: UnitOfWork,
        principal: Principal,
        limit: int = LIMIT,
        cursor: str | None = CURSOR,
    ) -> Page[DonationOut]:
        rows = await uow.donations.of_citizen(principal.id, before=cursor, limit=limit + 1)
        return page_of([donation_out(d) for d in rows], limit, lambda d: d.donation_id)
