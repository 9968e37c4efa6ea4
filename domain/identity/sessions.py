"""Sign-in sessions: token pairs for citizens and staff, rotation, logout."""

from __future__ import annotations

from datetime import datetime

import msgspec

from domain.crypto import DataProtector
from domain.identity import citizens, refresh_tokens, revocation, staff
from domain.identity.access_tokens import AccessTokens
from domain.identity.lockout import LockoutPolicy
from domain.identity.principal import Principal, Role
from domain.persistence.tables import RefreshFamily
from domain.persistence.uow import UnitOfWork


class TokenPair(msgspec.Struct, frozen=True):
    access_token: str
    refresh_token: str
    expires_in: int
    principal: Principal


class Sessions:
    def __init__(
        self,
        access: AccessTokens,
        protector: DataProtector,
        lockout: LockoutPolicy = staff.DEFAULT_LOCKOUT,
    ) -> None:
        self.access = access
        self.protector = protector
        self.lockout = lockout

    async def citizen_sign_in(
        self, uow: UnitOfWork, openid: str, unionid: str | None, now: datetime
    ) -> TokenPair:
        citizen = await citizens.sign_in(uow, self.protector, openid, unionid, now)
        await uow.flush()
        family = await refresh_tokens.start_family(uow, "citizen", citizen.id, now)
        return self._pair(uow, Principal(kind="citizen", id=citizen.id, family_id=family.id), now)

    async def staff_sign_in(
        self, uow: UnitOfWork, username: str, password: str, now: datetime
    ) -> TokenPair:
        account = await staff.authenticate(uow, username, password, now, self.lockout)
        family = await refresh_tokens.start_family(uow, "staff", account.id, now)
        return self._pair(uow, await self._staff_principal(uow, account.id, family), now)

    async def refresh(self, uow: UnitOfWork, presented: str, now: datetime) -> TokenPair:
        family = await refresh_tokens.spend(uow, presented, now)
        if family.subject_type == "citizen":
            citizen = await citizens.active(uow, family.subject_id)
            principal = Principal(kind="citizen", id=citizen.id, family_id=family.id)
        else:
            principal = await self._staff_principal(uow, family.subject_id, family)
        return self._pair(uow, principal, now)

    async def logout(self, uow: UnitOfWork, presented: str, now: datetime) -> str | None:
        """Revoke the presented token's family; returns the family id (None if unknown)."""
        family = await refresh_tokens.family_of(uow, presented)
        if family is None:
            return None
        await revocation.end_session(uow, family.id, now, "logout")
        return family.id

    async def _staff_principal(
        self, uow: UnitOfWork, staff_id: str, family: RefreshFamily
    ) -> Principal:
        account = await staff.active(uow, staff_id)
        return Principal(
            kind="staff",
            id=account.id,
            family_id=family.id,
            role=Role(account.role),
            merchant_id=account.merchant_id,
            store_id=account.store_id,
            org_id=account.org_id,
        )

    def _pair(self, uow: UnitOfWork, principal: Principal, now: datetime) -> TokenPair:
        expires = now + self.access.settings.refresh_ttl
        return TokenPair(
            access_token=self.access.issue(principal, now),
            refresh_token=refresh_tokens.mint(uow, principal.family_id, now, expires),
            expires_in=int(self.access.settings.access_ttl.total_seconds()),
            principal=principal,
        )
