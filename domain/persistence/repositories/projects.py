"""Projects, their documents and monitoring reports."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession


class ProjectRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
