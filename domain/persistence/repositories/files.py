"""Uploaded files, stored once by SHA-256."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession


class FileRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
