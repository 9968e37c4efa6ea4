"""Sign-in sessions (refresh-token families and tokens) and operator nonces, in memory."""

from __future__ import annotations

from datetime import datetime

from domain.persistence.tables import RefreshFamily, RefreshToken
from tests.fakes.citizens import FakeCitizens
from tests.fakes.staff import FakeStaff
from tests.fakes.state import Stored, violation


class FakeTokens(Stored):
    """The same answers as domain/persistence/repositories/tokens.py."""

    tables = ("families", "tokens")

    def __init__(self, citizens: FakeCitizens, staff: FakeStaff) -> None:
        self._citizens = citizens
        self._staff = staff
        self.families: dict[str, RefreshFamily] = {}
        self.tokens: dict[str, RefreshToken] = {}

    def add(self, obj: RefreshFamily | RefreshToken) -> None:
        if isinstance(obj, RefreshFamily):
            if obj.id in self.families:
                raise violation("PRIMARY KEY refresh_families")
            self.families[obj.id] = obj
        else:
            if obj.token_hash in self.tokens:
                raise violation("PRIMARY KEY refresh_tokens")
            self.tokens[obj.token_hash] = obj

    async def token(self, token_hash: str) -> RefreshToken | None:
        return self.tokens.get(token_hash)

    async def family(self, family_id: str) -> RefreshFamily | None:
        return self.families.get(family_id)

    async def spend(self, token_hash: str, now: datetime) -> bool:
        token = self.tokens.get(token_hash)
        if token is None or token.spent_at is not None:
            return False
        token.spent_at = now
        return True

    async def revoke_family(self, family_id: str, now: datetime, reason: str) -> None:
        family = self.families.get(family_id)
        if family is not None and family.revoked_at is None:
            family.revoked_at, family.revoked_reason = now, reason

    async def revoke_subject(self, subject_type: str, subject_id: str, now: datetime) -> None:
        for family in self.families.values():
            mine = (family.subject_type, family.subject_id) == (subject_type, subject_id)
            if mine and family.revoked_at is None:
                family.revoked_at, family.revoked_reason = now, "subject_revoked"

    async def families_of(self, subject_type: str, subject_id: str) -> list[RefreshFamily]:
        return [
            f
            for f in self.families.values()
            if (f.subject_type, f.subject_id) == (subject_type, subject_id)
        ]

    async def live_subject(self, family_id: str) -> tuple[str, str] | None:
        family = self.families.get(family_id)
        if family is None or family.revoked_at is not None:
            return None
        if family.subject_type == "citizen":
            citizen = self._citizens.rows.get(family.subject_id)
            active = citizen is not None and citizen.status == "active"
        else:
            staff = self._staff.rows.get(family.subject_id)
            active = staff is not None and bool(staff.active)
        return (family.subject_type, family.subject_id) if active else None


class FakeNonces(Stored):
    """The primary key (key_id, nonce) of operator_nonces, and its prune."""

    tables = ("rows",)

    def __init__(self) -> None:
        self.rows: dict[tuple[str, str], datetime] = {}

    async def claim(self, key_id: str, nonce: str, expires_at: datetime) -> bool:
        if (key_id, nonce) in self.rows:
            return False
        self.rows[(key_id, nonce)] = expires_at
        return True

    async def prune(self, before: datetime) -> int:
        gone = [k for k, expires in self.rows.items() if expires < before]
        for k in gone:
            del self.rows[k]
        return len(gone)
