from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from domain.persistence.base import Base, PublicId


class InstitutionInviteCode(Base):
    """A code a public institution hands its staff: entered in the H5, it makes the citizen a
    member. Optional cap on uses and expiry; revoking ends it (members stay members)."""

    __tablename__ = "institution_invite_codes"

    id: Mapped[str] = mapped_column(PublicId(), primary_key=True)
    organisation_id: Mapped[str] = mapped_column(
        PublicId(), ForeignKey("organisations.id"), index=True
    )
    code: Mapped[str] = mapped_column(String(16), unique=True)
    max_uses: Mapped[int | None] = mapped_column(Integer)
    uses: Mapped[int] = mapped_column(Integer, default=0)
    expires_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]


class InstitutionMembership(Base):
    """A citizen's period of membership of a public institution: their credited trips that end
    in [joined_at, left_at) count towards it. At most one open period per citizen."""

    __tablename__ = "institution_memberships"
    __table_args__ = (
        Index("ix_institution_memberships_org_joined", "organisation_id", "joined_at"),
        Index("ix_institution_memberships_citizen", "citizen_id", "joined_at"),
        Index(
            "uq_institution_memberships_open_citizen",
            "citizen_id",
            unique=True,
            postgresql_where=text("left_at IS NULL"),
            sqlite_where=text("left_at IS NULL"),
        ),
    )

    id: Mapped[str] = mapped_column(PublicId(), primary_key=True)
    citizen_id: Mapped[str] = mapped_column(PublicId(), ForeignKey("citizens.id"))
    organisation_id: Mapped[str] = mapped_column(PublicId(), ForeignKey("organisations.id"))
    invite_code_id: Mapped[str | None] = mapped_column(
        PublicId(),
        ForeignKey("institution_invite_codes.id", name="fk_institution_memberships_invite_code"),
    )
    joined_at: Mapped[datetime]
    left_at: Mapped[datetime | None]
