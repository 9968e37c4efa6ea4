from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from domain.persistence.base import Base, PublicId


class Merchant(Base):
    """An alliance merchant: applies (pending), staff approve or reject; may be suspended."""

    __tablename__ = "merchants"

    id: Mapped[str] = mapped_column(PublicId(), primary_key=True)
    name: Mapped[str] = mapped_column(String(128))
    status: Mapped[str] = mapped_column(String(16), default="approved")
    contact_name: Mapped[str | None] = mapped_column(String(64))
    # encrypted under the data key (domain/merchants/contacts.py), never stored in clear
    contact_phone_encrypted: Mapped[str | None] = mapped_column(Text)
    address: Mapped[str | None] = mapped_column(String(256))
    decided_by: Mapped[str | None] = mapped_column(String(26))
    decided_at: Mapped[datetime | None]
    created_at: Mapped[datetime]


class Store(Base):
    """One of a merchant's shops, where vouchers are scanned."""

    __tablename__ = "stores"

    id: Mapped[str] = mapped_column(PublicId(), primary_key=True)
    merchant_id: Mapped[str] = mapped_column(PublicId(), ForeignKey("merchants.id"), index=True)
    name: Mapped[str] = mapped_column(String(128))
    address: Mapped[str | None] = mapped_column(String(256))
    district: Mapped[str | None] = mapped_column(String(32))  # domain/districts.py
    created_at: Mapped[datetime]
