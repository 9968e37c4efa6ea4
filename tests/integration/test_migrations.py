"""The schema comes from the migrations, and the migrations match the models."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from migrations import runner


async def test_database_is_at_head(migrated: AsyncEngine) -> None:
    assert await runner.current(migrated) == runner.head()


async def test_models_and_migrations_do_not_drift(migrated: AsyncEngine) -> None:
    assert await runner.drift(migrated) == []


def test_revision_files_are_date_prefixed() -> None:
    import re

    files = [p.name for p in (runner.HERE / "versions").glob("*.py") if p.name != "__init__.py"]
    assert files
    assert all(re.match(r"^\d{4}_\d{2}_\d{2}_\d{4}-", f) for f in files), files
