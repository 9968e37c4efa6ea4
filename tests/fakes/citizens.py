"""Citizens and their linked operator accounts, in memory."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from domain.persistence.tables import Binding, BindingCode, Citizen
from tests.fakes.state import Stored, violation, with_defaults


class FakeCitizens(Stored):
    tables = ("rows",)

    def __init__(self) -> None:
        self.rows: dict[str, Citizen] = {}

    def add(self, citizen: Citizen) -> None:
        if citizen.id in self.rows:
            raise violation("PRIMARY KEY citizens")
        if citizen.openid_hash is not None and any(
            c.openid_hash == citizen.openid_hash for c in self.rows.values()
        ):
            raise violation("UNIQUE citizens.openid_hash")
        self.rows[citizen.id] = with_defaults(citizen)

    async def get(self, citizen_id: str) -> Citizen | None:
        return self.rows.get(citizen_id)

    async def get_for_update(self, citizen_id: str) -> Citizen | None:
        return self.rows.get(citizen_id)

    async def by_openid_hash(self, openid_hash: str) -> Citizen | None:
        return next((c for c in self.rows.values() if c.openid_hash == openid_hash), None)

    async def consents(self, citizen_ids: list[str]) -> dict[str, datetime | None]:
        """consent_given_at of active citizens, by id."""
        return {
            c.id: c.consent_given_at
            for i in set(citizen_ids)
            if (c := self.rows.get(i)) is not None and c.status == "active"
        }


class FakeBindings(Stored):
    tables = ("rows", "codes")

    def __init__(self) -> None:
        self.rows: dict[str, Binding] = {}
        self.codes: dict[str, BindingCode] = {}

    def add(self, obj: Binding | BindingCode) -> None:
        if isinstance(obj, BindingCode):
            self.codes[obj.id] = obj
            return
        if any(
            b.operator_id == obj.operator_id
            and b.account_hash == obj.account_hash
            and b.unbound_at is None
            for b in self.rows.values()
        ):
            raise violation("UNIQUE uq_bindings_active_account")
        self.rows[obj.id] = obj

    async def citizens_of_accounts(
        self, operator_id: str, account_hashes: Iterable[str]
    ) -> dict[str, str]:
        wanted = set(account_hashes)
        return {
            b.account_hash: b.citizen_id
            for b in self.rows.values()
            if b.operator_id == operator_id and b.account_hash in wanted and b.unbound_at is None
        }

    async def active_for_account(self, operator_id: str, account_hash: str) -> Binding | None:
        return next(
            (
                b
                for b in self.rows.values()
                if b.operator_id == operator_id
                and b.account_hash == account_hash
                and b.unbound_at is None
            ),
            None,
        )

    async def get(self, binding_id: str) -> Binding | None:
        return self.rows.get(binding_id)

    async def delete_of_citizen(self, citizen_id: str) -> list[tuple[str, str]]:
        linked = [
            (b.operator_id, b.account_hash)
            for b in self.rows.values()
            if b.citizen_id == citizen_id and b.unbound_at is None
        ]
        self.rows = {k: b for k, b in self.rows.items() if b.citizen_id != citizen_id}
        self.codes = {k: c for k, c in self.codes.items() if c.citizen_id != citizen_id}
        return linked
