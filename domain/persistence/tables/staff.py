from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from domain.persistence.base import Base, PublicId


class Staff(Base):
    """A staff account: admin, operations, auditor; merchant (scoped to one merchant); org or
    verifier (a member of one organisation, `org_admin` if it manages the others); expert."""

    __tablename__ = "staff"

    id: Mapped[str] = mapped_column(PublicId(), primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    merchant_id: Mapped[str | None] = mapped_column(PublicId(), ForeignKey("merchants.id"))
    store_id: Mapped[str | None] = mapped_column(PublicId(), ForeignKey("stores.id"))
    org_id: Mapped[str | None] = mapped_column(PublicId(), ForeignKey("organisations.id"))
    org_admin: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]
