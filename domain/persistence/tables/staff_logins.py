from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from domain.persistence.base import Base


class StaffLoginFailures(Base):
    """Wrong staff passwords per username (known or not, so a lock reveals nothing), within a
    window, and the lock they led to. A sign-in attempt is counted before its password is
    checked and the row is deleted when one succeeds, so `failures` is the failed attempts."""

    __tablename__ = "staff_login_failures"

    username: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int]
    window_started_at: Mapped[datetime] = mapped_column(index=True)
    locked_until: Mapped[datetime | None]
