"""In-memory fakes of the persistence layer, for use-case unit tests (no database)."""

from tests.fakes.uow import FakeUnitOfWork

__all__ = ["FakeUnitOfWork"]
