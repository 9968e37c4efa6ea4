from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from domain.persistence.base import Base, PublicId


class Citizen(Base):
    """A citizen. The openid is stored as a keyed hash (to find the citizen) and encrypted (to
    name the payer of a WeChat Pay JSAPI order); erasure nulls both."""

    __tablename__ = "citizens"

    id: Mapped[str] = mapped_column(PublicId(), primary_key=True)
    openid_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    unionid_hash: Mapped[str | None] = mapped_column(String(64))
    # the openid encrypted (DataProtector), only for WeChat Pay's JSAPI payer; erasure nulls it
    openid_sealed: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="active")  # active | erased
    consent_version: Mapped[str | None] = mapped_column(String(32))
    consent_given_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    last_login_at: Mapped[datetime | None]
    erased_at: Mapped[datetime | None]
