from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from domain.persistence.base import Base


class IdempotencyRecord(Base):
    """The first answer to a write sent with an Idempotency-Key, per caller.

    Inserted in the same transaction as the write it guards: a concurrent request with the same
    key waits on the primary key until the first commits, then replays its answer.
    """

    __tablename__ = "idempotency_records"

    owner: Mapped[str] = mapped_column(String(40), primary_key=True)
    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int | None] = mapped_column(Integer)
    response: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime]
