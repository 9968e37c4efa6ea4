"""The expert pool, reviews and their seats."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession


class ExpertRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
