"""Public institutions (公共机构): invite codes their admin members issue, staff (citizens) who
join with one, and the institution's totals and rank.

A citizen belongs to at most one institution at a time; joining another or leaving closes the
open membership period, so reductions count towards an institution only for the trips that end
while its member (`joined_at <= ended_at < left_at`). The institution sees aggregates only: how
many members, their credited trips and grams, and its rank; never a member's name or trips.
With fewer than `min_members` current members (PUHUI_INSTITUTION_MIN_MEMBERS) even those are
withheld: with one or two members the "aggregate" would be one person's trips (see `totals`).
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, time, timedelta

import msgspec

from domain.clock import SHANGHAI, instant, shanghai_date
from domain.errors import Conflict, Forbidden, InvalidInput, NotFound
from domain.governance.audit import Actor, record
from domain.identity import citizens
from domain.ids import new_id
from domain.persistence.tables import (
    InstitutionInviteCode,
    InstitutionMembership,
    Organisation,
)
from domain.persistence.uow import UnitOfWork

# Unambiguous when read aloud or typed from a poster: no 0/O, 1/I/L.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
MAX_USES = 100_000
MAX_VALID_DAYS = 366
KIND = "public_institution"


class Standing(msgspec.Struct, frozen=True):
    """The institution's rank (1 = first; ties share a rank) among `of` active public
    institutions with at least the minimum of current members, by grams while members in total
    and per current member. The ranks and `per_member_g` are None while the institution itself
    is below the minimum."""

    by_total: int | None
    by_per_member: int | None
    of: int
    per_member_g: int | None


class Figures(msgspec.Struct, frozen=True):
    credited_trips: int
    reduction_g: int


class Totals(msgspec.Struct, frozen=True):
    organisation: Organisation
    members: int
    members_ever: int
    this_month: Figures | None  # None: withheld (see `totals`)
    all_time: Figures | None
    standing: Standing
    withheld_below_members: int  # the minimum of current members for figures to show


class Joined(msgspec.Struct, frozen=True):
    membership: InstitutionMembership
    organisation: Organisation
    mine: Figures  # the citizen's own trips counted towards it in this period


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalise(code: str) -> str:
    """What the citizen typed, as stored: upper case, spaces and dashes dropped."""
    return "".join(c for c in code.upper() if c not in " -\t")


def status(code: InstitutionInviteCode, now: datetime) -> str:
    if code.revoked_at is not None:
        return "revoked"
    if code.expires_at is not None and code.expires_at <= now:
        return "expired"
    if code.max_uses is not None and code.uses >= code.max_uses:
        return "used_up"
    return "active"


async def _institution(uow: UnitOfWork, org_id: str | None) -> Organisation:
    """The caller's organisation, which must be a public institution."""
    organisation = None if org_id is None else await uow.organisations.get(org_id)
    if organisation is None:
        raise Forbidden("only members of an organisation", code="org_member_required")
    if organisation.kind != KIND:
        raise Forbidden(
            "invite codes and member totals are for public institutions only",
            code="not_a_public_institution",
        )
    return organisation


async def _as_admin(uow: UnitOfWork, caller_id: str, org_id: str | None) -> Organisation:
    organisation = await _institution(uow, org_id)
    caller = await uow.staff.get(caller_id)
    if caller is None or caller.org_id != organisation.id or not caller.org_admin:
        raise Forbidden(
            "only the institution's admin members issue and revoke invite codes",
            code="org_admin_required",
        )
    if organisation.status != "active":
        raise Conflict(f"the institution is {organisation.status}", code="organisation_inactive")
    return organisation


async def issue_code(
    uow: UnitOfWork,
    actor: Actor,
    caller_id: str,
    org_id: str | None,
    *,
    max_uses: int | None,
    expires_at: datetime | None,
    now: datetime,
) -> InstitutionInviteCode:
    organisation = await _as_admin(uow, caller_id, org_id)
    if max_uses is not None and not 1 <= max_uses <= MAX_USES:
        raise InvalidInput(
            f"max_uses: between 1 and {MAX_USES}", code="invalid_max_uses", field="max_uses"
        )
    if expires_at is not None:  # a time without an offset is refused, not guessed
        expires_at = instant(expires_at, "expires_at")
    if expires_at is not None and not now < expires_at <= now + timedelta(days=MAX_VALID_DAYS):
        raise InvalidInput(
            f"expires_at: in the future, within {MAX_VALID_DAYS} days",
            code="invalid_expiry",
            field="expires_at",
        )
    value = new_code()
    while await uow.institutions.code_by_value(value) is not None:  # 31^8: all but never
        value = new_code()
    code = InstitutionInviteCode(
        id=new_id(),
        organisation_id=organisation.id,
        code=value,
        max_uses=max_uses,
        uses=0,
        expires_at=expires_at,
        created_by=actor.id,
        created_at=now,
    )
    uow.institutions.add_code(code)
    record(
        uow,
        actor,
        "institution.invite_code.issue",
        "invite_code",
        code.id,
        None,
        {
            "organisation_id": organisation.id,
            "max_uses": max_uses,
            "expires_at": None if expires_at is None else expires_at.isoformat(),
        },
        now,
    )
    return code


async def revoke_code(
    uow: UnitOfWork, actor: Actor, caller_id: str, org_id: str | None, code_id: str, now: datetime
) -> InstitutionInviteCode:
    """No one joins with it any more; those who joined stay members."""
    organisation = await _as_admin(uow, caller_id, org_id)
    code = await uow.institutions.code(code_id, for_update=True)
    if code is None or code.organisation_id != organisation.id:
        raise NotFound("no such invite code", code="invite_code_not_found")
    if code.revoked_at is None:
        before = {"status": status(code, now)}
        code.revoked_at = now
        record(
            uow,
            actor,
            "institution.invite_code.revoke",
            "invite_code",
            code.id,
            before,
            {"status": "revoked"},
            now,
        )
    return code


async def codes(uow: UnitOfWork, org_id: str | None, *, limit: int) -> list[InstitutionInviteCode]:
    organisation = await _institution(uow, org_id)
    return await uow.institutions.codes(organisation.id, limit=limit)


# citizens -------------------------------------------------------------------------------------


async def _mine(uow: UnitOfWork, membership: InstitutionMembership) -> Joined:
    organisation = await uow.organisations.get(membership.organisation_id)
    assert organisation is not None
    n, g = await uow.institutions.citizen_totals(membership.id)
    return Joined(membership, organisation, Figures(credited_trips=n, reduction_g=g))


async def join(uow: UnitOfWork, citizen_id: str, code: str, now: datetime) -> Joined:
    """Join the institution the code belongs to, from now on (leaving the one joined before)."""
    await citizens.active(uow, citizen_id)
    await uow.citizens.get_for_update(citizen_id)  # one join at a time per citizen
    value = normalise(code)
    invite = await uow.institutions.code_by_value(value, for_update=True) if value else None
    organisation = None if invite is None else await uow.organisations.get(invite.organisation_id)
    if (
        invite is None
        or organisation is None
        or organisation.kind != KIND
        or organisation.status != "active"
    ):
        raise NotFound("no such invite code: check it and try again", code="invite_code_invalid")
    state = status(invite, now)
    if state != "active":
        raise Conflict(
            {
                "revoked": "this invite code was withdrawn by the institution",
                "expired": "this invite code has expired",
                "used_up": "this invite code has been used as many times as it allows",
            }[state],
            code=f"invite_code_{state}",
        )
    current = await uow.institutions.open_membership(citizen_id, for_update=True)
    if current is not None and current.organisation_id == organisation.id:
        raise Conflict("you are already a member of this institution", code="already_a_member")
    if current is not None:
        current.left_at = now
        await uow.flush()  # the open period closes before the new one opens (unique index)
    membership = InstitutionMembership(
        id=new_id(),
        citizen_id=citizen_id,
        organisation_id=organisation.id,
        invite_code_id=invite.id,
        joined_at=now,
        left_at=None,
    )
    uow.institutions.add_membership(membership)
    await uow.institutions.count_use(invite.id)
    return Joined(membership, organisation, Figures(credited_trips=0, reduction_g=0))


async def leave(uow: UnitOfWork, citizen_id: str, now: datetime) -> None:
    await citizens.active(uow, citizen_id)
    await uow.citizens.get_for_update(citizen_id)
    current = await uow.institutions.open_membership(citizen_id, for_update=True)
    if current is None:
        raise NotFound("you are not a member of an institution", code="no_institution")
    current.left_at = now


async def mine(uow: UnitOfWork, citizen_id: str) -> Joined | None:
    await citizens.active(uow, citizen_id)
    current = await uow.institutions.open_membership(citizen_id)
    return None if current is None else await _mine(uow, current)


# the institution's figures -------------------------------------------------------------------


def rank(values: dict[str, int], org_id: str) -> int:
    """1 + how many do strictly better (ties share a rank)."""
    mine_value = values[org_id]
    return 1 + sum(1 for v in values.values() if v > mine_value)


async def totals(uow: UnitOfWork, org_id: str | None, now: datetime, *, min_members: int) -> Totals:
    """The members' figures, withheld (None) where they could be one person's.

    - With fewer than `min_members` current members, every figure (this month, all time, grams
      per member and both ranks) is withheld; `members` and `members_ever` stay visible.
    - This month's figures also need `min_members` current members who have been members since
      the month began (Shanghai time). Otherwise the month-to-date figure would be, for most of
      the month, the trips of a smaller group: e.g. N-1 long-standing members whose month was
      withheld become readable the moment one joiner arrives, and whoever joined this month
      (the joiner) is the difference between two readings taken around their arrival. Joiners
      count towards this month's figure from the next month on (all-time figures show at once).
    - Other institutions' ranks leave out institutions below `min_members`: they are neither
      ranked nor counted in `of`, so a small institution's grams cannot be bracketed either.
    """
    organisation = await _institution(uow, org_id)
    repo = uow.institutions
    members = await repo.members(organisation.id)
    ranked = [(o, n, g) for o, n, g in await repo.standings() if n >= min_members]
    by_total = {o: g for o, _, g in ranked}
    by_member = {o: g // n for o, n, g in ranked}
    base = Totals(
        organisation=organisation,
        members=members,
        members_ever=await repo.ever_members(organisation.id),
        this_month=None,
        all_time=None,
        standing=Standing(by_total=None, by_per_member=None, of=len(by_total), per_member_g=None),
        withheld_below_members=min_members,
    )
    if members < min_members:
        return base
    all_n, all_g = await repo.totals(organisation.id)
    if organisation.id not in by_total:  # a suspended institution still sees its own figures
        by_total[organisation.id] = all_g
        by_member[organisation.id] = all_g // members
    month_first = shanghai_date(now).replace(day=1)
    month_start = datetime.combine(month_first, time(0), tzinfo=SHANGHAI).astimezone(UTC)
    this_month = None
    if await repo.members_since(organisation.id, month_start) >= min_members:
        month_n, month_g = await repo.totals(organisation.id, since_day=month_first)
        this_month = Figures(credited_trips=month_n, reduction_g=month_g)
    return msgspec.structs.replace(
        base,
        this_month=this_month,
        all_time=Figures(credited_trips=all_n, reduction_g=all_g),
        standing=Standing(
            by_total=rank(by_total, organisation.id),
            by_per_member=rank(by_member, organisation.id),
            of=len(by_total),
            per_member_g=by_member[organisation.id],
        ),
    )
