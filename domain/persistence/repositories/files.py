"""Uploaded files, stored once by SHA-256."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.persistence.dialect import insert_one
from domain.persistence.tables import StoredFile


class FileRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def put(self, file: StoredFile) -> StoredFile:
        """Insert unless the same content is stored already (also by a concurrent upload);
        the stored row either way, without reading its content back."""
        await insert_one(
            self.session,
            StoredFile.__table__,
            {
                "sha256": file.sha256,
                "size": file.size,
                "content_type": file.content_type,
                "content": file.content,
                "created_at": file.created_at,
            },
            conflict_on=["sha256"],
        )
        found = await self.get(file.sha256)
        if found is None:  # inserted or already there: never
            raise LookupError(f"stored file {file.sha256} vanished")
        return found

    async def get(self, sha256: str) -> StoredFile | None:
        return (
            await self.session.execute(select(StoredFile).where(StoredFile.sha256 == sha256))
        ).scalar_one_or_none()
