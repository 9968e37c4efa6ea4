from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from domain.persistence.base import Base, PublicId


class BindingCode(Base):
    """A one-time code a citizen shows in the operator's app to link an account (10 minutes)."""

    __tablename__ = "binding_codes"
    __table_args__ = (UniqueConstraint("operator_id", "code"),)

    id: Mapped[str] = mapped_column(PublicId(), primary_key=True)
    operator_id: Mapped[str] = mapped_column(PublicId(), ForeignKey("operators.id"))
    code: Mapped[str] = mapped_column(String(16))
    citizen_id: Mapped[str] = mapped_column(PublicId(), ForeignKey("citizens.id"), index=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    spent_at: Mapped[datetime | None]


class Binding(Base):
    """A citizen's linked operator account; the external id is stored only as a keyed hash."""

    __tablename__ = "bindings"
    __table_args__ = (
        Index(
            "uq_bindings_active_account",
            "operator_id",
            "account_hash",
            unique=True,
            postgresql_where=text("unbound_at IS NULL"),
            sqlite_where=text("unbound_at IS NULL"),
        ),
    )

    id: Mapped[str] = mapped_column(PublicId(), primary_key=True)
    citizen_id: Mapped[str] = mapped_column(PublicId(), ForeignKey("citizens.id"), index=True)
    operator_id: Mapped[str] = mapped_column(PublicId(), ForeignKey("operators.id"))
    account_hash: Mapped[str] = mapped_column(String(64))
    account_hint: Mapped[str] = mapped_column(String(16))
    bound_at: Mapped[datetime]
    unbound_at: Mapped[datetime | None]
