"""The demo public institution: an invite code its admin member issued, and the first demo
riders as its staff, joined (through the real use cases) before the month they rode, so /org
shows the institution's totals and rank and the H5 shows the membership."""

from __future__ import annotations

from datetime import datetime

from domain.crypto import DataProtector
from domain.governance.audit import Actor
from domain.identity import citizens
from domain.organisations import institutions
from domain.persistence.tables import Staff
from domain.persistence.uow import UnitOfWork

STAFF_RIDERS = 5  # demo-rider-001 .. 005: PUHUI_INSTITUTION_MIN_MEMBERS (5) so figures show


async def load_institution(
    uow: UnitOfWork, protector: DataProtector, member: Staff, joined_at: datetime
) -> str:
    """The code (its admin member issued it at `joined_at`, when the riders joined)."""
    actor = Actor(id=member.id, role=member.role)
    code = await institutions.issue_code(
        uow, actor, member.id, member.org_id, max_uses=None, expires_at=None, now=joined_at
    )
    await uow.flush()
    for n in range(1, STAFF_RIDERS + 1):
        rider = await citizens.sign_in(uow, protector, f"demo-rider-{n:03d}", None, joined_at)
        await institutions.join(uow, rider.id, code.code, joined_at)
    return code.code
