"""Staff accounts: creation (audited) and password sign-in (with its lockout)."""

from __future__ import annotations

import re
from datetime import datetime

from domain.errors import Conflict, InvalidInput, NotFound, Unauthenticated
from domain.governance.audit import Actor, record
from domain.identity.lockout import LockoutPolicy, locked
from domain.identity.passwords import MIN_LENGTH, check_password, hash_password_off_loop
from domain.identity.principal import Role
from domain.identity.revocation import end_sessions_of
from domain.ids import new_id
from domain.persistence.tables import Staff
from domain.persistence.uow import UnitOfWork

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")
DEFAULT_LOCKOUT = LockoutPolicy()
ORG_ROLES = (Role.ORG, Role.VERIFIER)  # members of an organisation


class BadCredentials(Unauthenticated):
    """Wrong username or password."""

    code = "bad_credentials"


async def create(
    uow: UnitOfWork,
    actor: Actor,
    *,
    username: str,
    password: str,
    role: Role,
    merchant_id: str | None,
    now: datetime,
    store_id: str | None = None,
    org_id: str | None = None,
    org_admin: bool = False,
) -> Staff:
    """A new staff account. Members of an organisation (role org or verifier) carry its
    `org_id`, which scopes everything they do; no other account carries one."""
    username = username.strip().lower()
    if not USERNAME.match(username):
        raise InvalidInput("username: 3-64 of a-z, 0-9, '.', '_', '-'", code="invalid_username")
    if len(password) < MIN_LENGTH:
        raise InvalidInput(
            f"password must be at least {MIN_LENGTH} characters", code="weak_password"
        )
    if role is Role.MERCHANT:
        if merchant_id is None:
            raise InvalidInput("a merchant account needs merchant_id", code="merchant_required")
        if await uow.merchants.get(merchant_id) is None:
            raise NotFound("no such merchant", code="merchant_not_found")
        if store_id is not None:
            store = await uow.merchants.store(store_id)
            if store is None or store.merchant_id != merchant_id:
                raise NotFound("no such store at this merchant", code="store_not_found")
    elif merchant_id is not None or store_id is not None:
        raise InvalidInput("only merchant accounts have a merchant_id", code="merchant_not_allowed")
    if role in ORG_ROLES:
        if org_id is None:
            raise InvalidInput("an organisation member needs org_id", code="org_required")
    elif org_id is not None or org_admin:
        raise InvalidInput("only organisation members have an org_id", code="org_not_allowed")
    if await uow.staff.by_username(username) is not None:
        raise Conflict("that username is taken", code="username_taken")
    staff = Staff(
        id=new_id(),
        username=username,
        password_hash=await hash_password_off_loop(password),
        role=role.value,
        merchant_id=merchant_id,
        store_id=store_id,
        org_id=org_id,
        org_admin=org_admin,
        active=True,
        created_at=now,
    )
    uow.staff.add(staff)
    record(uow, actor, "staff.create", "staff", staff.id, None, summary(staff), now)
    return staff


async def authenticate(
    uow: UnitOfWork,
    username: str,
    password: str,
    now: datetime,
    policy: LockoutPolicy = DEFAULT_LOCKOUT,
) -> Staff:
    """The account these credentials open. Every attempt on a possible username is counted
    first, in a stage that commits at once (see domain/identity/lockout.py)."""
    username = username.strip().lower()
    if not USERNAME.match(username):  # no account has such a name: nothing to count or lock
        await check_password(None, password)
        raise BadCredentials()
    window_start = policy.window_start(now)
    attempt = await uow.staff_logins.count_attempt(
        username,
        now,
        window_start=window_start,
        max_failures=policy.max_failures,
        lock_until=policy.lock_until(now),
    )
    await uow.staff_logins.purge(now, window_start=window_start)
    await uow.commit_stage()  # the count stands, whatever this attempt turns out to be
    if not attempt.allowed:
        raise locked(attempt.locked_until or now, now)
    staff = await uow.staff.by_username(username)
    if not await check_password(staff.password_hash if staff else None, password):
        if attempt.locked_until is not None:  # this was the last attempt the window allowed
            raise locked(attempt.locked_until, now)
        raise BadCredentials()
    await uow.staff_logins.clear(username)
    if not staff.active:
        raise BadCredentials()
    return staff


async def active(uow: UnitOfWork, staff_id: str) -> Staff:
    staff = await uow.staff.get(staff_id)
    if staff is None or not staff.active:
        raise Unauthenticated("this staff account is disabled", code="account_disabled")
    return staff


async def set_active(
    uow: UnitOfWork, actor: Actor, staff_id: str, is_active: bool, now: datetime
) -> Staff:
    staff = await uow.staff.get(staff_id)
    if staff is None:
        raise NotFound("no such staff account")
    before = summary(staff)
    staff.active = is_active
    if not is_active:
        await end_sessions_of(uow, "staff", staff.id, now)
    record(uow, actor, "staff.update", "staff", staff.id, before, summary(staff), now)
    return staff


def summary(staff: Staff) -> dict[str, object]:
    return {
        "username": staff.username,
        "role": staff.role,
        "merchant_id": staff.merchant_id,
        "store_id": staff.store_id,
        "org_id": staff.org_id,
        "org_admin": staff.org_admin,
        "active": staff.active,
    }
