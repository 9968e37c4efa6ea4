from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from domain.persistence.base import Base, PublicId


class Operator(Base):
    """A transport operator that pushes (or exposes) trip feeds."""

    __tablename__ = "operators"

    id: Mapped[str] = mapped_column(PublicId(), primary_key=True)
    name: Mapped[str] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(16))  # metro | bikeshare | bus
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]


class OperatorKey(Base):
    """An HMAC key. The secret is stored encrypted (we must read it back to verify)."""

    __tablename__ = "operator_keys"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)  # the key id operators send
    operator_id: Mapped[str] = mapped_column(PublicId(), ForeignKey("operators.id"), index=True)
    secret_encrypted: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
