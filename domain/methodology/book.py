"""Which methodology version was in force at an instant (one per code at any instant)."""

from __future__ import annotations

from datetime import datetime

import msgspec

from domain.methodology.params import MethodologyParams, from_json
from domain.persistence.tables import MethodologyVersion
from domain.persistence.uow import UnitOfWork

DEFAULT_CODE = "NJ-GT"


class InForce(msgspec.Struct, frozen=True):
    code: str
    version: int
    methodology_class: str
    params: MethodologyParams
    effective_from: datetime
    effective_until: datetime | None

    @property
    def label(self) -> str:
        return f"{self.code}/{self.version}"


class MethodologyBook:
    """The published (and since retired) versions of one code, by their in-force interval."""

    def __init__(self, rows: list[MethodologyVersion]) -> None:
        self._versions = sorted(
            (
                InForce(
                    code=r.code,
                    version=r.version,
                    methodology_class=r.methodology_class,
                    params=from_json(r.params),
                    effective_from=r.effective_from,
                    effective_until=r.effective_until,
                )
                for r in rows
                if r.status in ("published", "retired") and r.effective_from is not None
            ),
            key=lambda v: v.effective_from,
        )

    def at(self, moment: datetime) -> InForce | None:
        found = None
        for v in self._versions:
            if v.effective_from <= moment and (
                v.effective_until is None or moment < v.effective_until
            ):
                found = v
        return found


async def load_book(uow: UnitOfWork, code: str = DEFAULT_CODE) -> MethodologyBook:
    return MethodologyBook(await uow.methodologies.versions(code))
