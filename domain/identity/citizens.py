"""Citizen identity: sign-in by openid, consent, export and erasure."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from domain.crypto import DataProtector
from domain.errors import InvalidInput, NotFound, Unauthenticated
from domain.identity.revocation import end_sessions_of
from domain.ids import new_id
from domain.ledger.accounts import citizen_account_id
from domain.ledger.postings import ERASURE, debit
from domain.persistence.tables import Citizen
from domain.persistence.uow import UnitOfWork

OPENID = "wechat-openid"
UNIONID = "wechat-unionid"


async def sign_in(
    uow: UnitOfWork, protector: DataProtector, openid: str, unionid: str | None, now: datetime
) -> Citizen:
    """The citizen behind an openid, created on first sign-in. Erased citizens are never found."""
    if not openid or len(openid) > 128:
        raise InvalidInput("openid must be 1 to 128 characters", code="invalid_openid")
    openid_hash = protector.keyed_hash(OPENID, openid)
    citizen = await uow.citizens.by_openid_hash(openid_hash)
    if citizen is None:
        citizen = Citizen(id=new_id(), openid_hash=openid_hash, status="active", created_at=now)
        uow.citizens.add(citizen)
    if citizen.openid_sealed is None:  # WeChat Pay's JSAPI orders name the payer by openid
        citizen.openid_sealed = protector.encrypt(openid)
    if unionid:
        citizen.unionid_hash = protector.keyed_hash(UNIONID, unionid)
    citizen.last_login_at = now
    return citizen


async def active(uow: UnitOfWork, citizen_id: str) -> Citizen:
    """The calling citizen; an erased (or unknown) citizen is no longer authenticated."""
    citizen = await uow.citizens.get(citizen_id)
    if citizen is None or citizen.status != "active":
        raise Unauthenticated("this account no longer exists", code="account_erased")
    return citizen


async def give_consent(uow: UnitOfWork, citizen_id: str, version: str, now: datetime) -> Citizen:
    version = version.strip()
    if not version or len(version) > 32:
        raise InvalidInput("consent version must be 1 to 32 characters", code="invalid_consent")
    citizen = await active(uow, citizen_id)
    if citizen.consent_version != version:
        citizen.consent_version = version
        citizen.consent_given_at = now
    return citizen


async def export(uow: UnitOfWork, citizen_id: str) -> dict[str, Any]:
    """Everything held about the citizen, as plain data (identifiers appear only as hashes)."""
    citizen = await active(uow, citizen_id)
    families = await uow.tokens.families_of("citizen", citizen.id)
    return {
        "citizen": {
            "citizen_id": citizen.id,
            "status": citizen.status,
            "created_at": citizen.created_at,
            "last_login_at": citizen.last_login_at,
            "wechat_openid": "stored as a keyed hash, and encrypted to name you as the payer of "
            "WeChat Pay orders you make",
            "consent": None
            if citizen.consent_version is None
            else {"version": citizen.consent_version, "given_at": citizen.consent_given_at},
        },
        "sessions": [{"started_at": f.created_at, "revoked_at": f.revoked_at} for f in families],
        "institutions": [  # public institutions joined with an invite code
            {"organisation_id": m.organisation_id, "joined_at": m.joined_at, "left_at": m.left_at}
            for m in await uow.institutions.memberships_of(citizen.id)
        ],
    }


async def erase(uow: UnitOfWork, citizen_id: str, now: datetime) -> None:
    """Erase identifiers, end every session, remove what links their data back to them
    (domain/identity/erasure.py) and write off the balance; aggregate figures stay."""
    from domain.identity import erasure  # it cancels vouchers, and vouchers import this module

    citizen = await uow.citizens.get_for_update(citizen_id)
    if citizen is None or citizen.status != "active":
        raise NotFound("no such citizen")
    citizen.openid_hash = None
    citizen.openid_sealed = None
    citizen.unionid_hash = None
    citizen.consent_version = None
    citizen.consent_given_at = None
    citizen.last_login_at = None
    citizen.status = "erased"
    citizen.erased_at = now
    await end_sessions_of(uow, "citizen", citizen.id, now)
    await erasure.forget(uow, citizen.id, now)
    accounts = await uow.ledger.lock_accounts([citizen_account_id(citizen.id)])
    for account in accounts.values():
        if account.balance > 0:
            await debit(
                uow,
                account,
                amount=account.balance,
                kind="adjust",
                counter_account=ERASURE,
                key=f"erase:{citizen.id}",
                ref="erasure",
                now=now,
            )
