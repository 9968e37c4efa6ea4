from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from domain.persistence.base import Base


class CertificateKey(Base):
    """An Ed25519 key that signs retirement certificates. One key is active (active_slot = 'A');
    older keys are never deleted, so every certificate ever handed out still verifies. The
    private half is stored encrypted (domain/crypto.py)."""

    __tablename__ = "certificate_signing_keys"
    __table_args__ = (CheckConstraint("active_slot = 'A'", name="active_slot_single_value"),)

    key_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    public_key: Mapped[str] = mapped_column(String(64))
    private_key_enc: Mapped[str] = mapped_column(String(512))
    active_slot: Mapped[str | None] = mapped_column(String(1), unique=True)
    created_at: Mapped[datetime]
