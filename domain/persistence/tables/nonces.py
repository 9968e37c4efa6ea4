from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from domain.persistence.base import Base


class OperatorNonce(Base):
    """A nonce a signed operator request used, kept until its timestamp has left the window.

    The primary key is what refuses a replay: the second INSERT of the same (key id, nonce)
    conflicts, whichever process (or Redis) saw the first.
    """

    __tablename__ = "operator_nonces"

    key_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    nonce: Mapped[str] = mapped_column(String(128), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(index=True)
