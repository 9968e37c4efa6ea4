from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from domain.persistence.base import Base, PublicId


class RefreshFamily(Base):
    """One login: every refresh token rotated from it belongs to the family."""

    __tablename__ = "refresh_families"

    id: Mapped[str] = mapped_column(PublicId(), primary_key=True)
    subject_type: Mapped[str] = mapped_column(String(16))  # citizen | staff
    subject_id: Mapped[str] = mapped_column(PublicId(), index=True)
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    revoked_reason: Mapped[str | None] = mapped_column(String(32))


class RefreshToken(Base):
    """A refresh token, stored as its SHA-256. Spent once; reuse revokes the family."""

    __tablename__ = "refresh_tokens"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    family_id: Mapped[str] = mapped_column(
        PublicId(), ForeignKey("refresh_families.id"), index=True
    )
    issued_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    spent_at: Mapped[datetime | None]
