"""/v1/me/trips and /v1/me/ledger: the citizen's own trips and ledger entries, newest first."""

from __future__ import annotations

from litestar import Controller, get

from api import cursors
from api.citizen.schemas import LedgerEntryOut, MethodologyRef, TripOut
from api.schemas import CURSOR, LIMIT, Page
from api.security.auth import citizen_guard
from domain.identity.principal import Principal
from domain.ledger.accounts import citizen_account_id
from domain.persistence.tables import Posting, Trip
from domain.persistence.uow import UnitOfWork


def _trip(t: Trip) -> TripOut:
    methodology = None
    if t.methodology_code is not None and t.methodology_version is not None:
        methodology = MethodologyRef(code=t.methodology_code, version=t.methodology_version)
    return TripOut(
        trip_id=t.id,
        operator_id=t.operator_id,
        mode=t.mode,
        started_at=t.started_at,
        ended_at=t.ended_at,
        distance_m=t.distance_m,
        reduction_g=t.reduction_g,
        points=t.points,
        status=t.status,
        reason=t.reason,
        methodology=methodology,
    )


def _entry(p: Posting, account_id: str) -> LedgerEntryOut:
    sign = 1 if p.credit_account == account_id else -1
    return LedgerEntryOut(
        entry_id=p.id,
        kind=p.kind,
        points=sign * p.amount,
        balance_after=p.balance_after,
        created_at=p.created_at,
        ref=p.trip_id or p.ref,
        seq=p.seq,
        hash=p.hash,
    )


class HistoryController(Controller):
    path = "/v1/me"
    tags = ["citizen"]
    guards = [citizen_guard]
    security = [{"BearerToken": []}]

    @get("/trips", summary="My trips with status, reason and methodology, newest first")
    async def trips(
        self, uow: UnitOfWork, principal: Principal, limit: int = LIMIT, cursor: str | None = CURSOR
    ) -> Page[TripOut]:
        before = cursors.decode_time_id(cursor) if cursor else None
        rows = await uow.trips.of_citizen(principal.id, before=before, limit=limit + 1)
        more = len(rows) > limit
        rows = rows[:limit]
        nxt = cursors.encode(rows[-1].ended_at, rows[-1].id) if more and rows else None
        return Page(items=[_trip(t) for t in rows], next_cursor=nxt)

    @get("/ledger", summary="My ledger entries (each with its chain hash), newest first")
    async def ledger(
        self, uow: UnitOfWork, principal: Principal, limit: int = LIMIT, cursor: str | None = CURSOR
    ) -> Page[LedgerEntryOut]:
        account_id = citizen_account_id(principal.id)
        before = cursors.decode_int(cursor) if cursor else None
        rows = await uow.ledger.postings_page(account_id, before_seq=before, limit=limit + 1)
        more = len(rows) > limit
        rows = rows[:limit]
        nxt = cursors.encode(rows[-1].seq) if more and rows else None
        return Page(items=[_entry(p, account_id) for p in rows], next_cursor=nxt)
