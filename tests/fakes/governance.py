"""The audit log, job locks and methodology versions, in memory."""

from __future__ import annotations

from datetime import UTC, datetime

from domain.methodology.params import NJ_GT_V1, to_json
from domain.persistence.tables import AuditEntry, MethodologyVersion
from tests.fakes.state import Stored, violation

# The version migration 0002a publishes (test_usecase_fake_uow.py keeps the two equal).
NJ_GT_V1_ID = "00000000000000000000NJGT01"
NJ_GT_V1_FROM = datetime(2025, 12, 31, 16, 0, tzinfo=UTC)  # 2026-01-01 00:00 Asia/Shanghai


class FakeAudit(Stored):
    tables = ("entries",)

    def __init__(self) -> None:
        self.entries: list[AuditEntry] = []

    def add(self, entry: AuditEntry) -> None:
        self.entries.append(entry)

    def actions(self) -> list[str]:
        return [e.action for e in self.entries]


class FakeJobs:
    """Job locks: granted unless a test says another process holds the job's lock."""

    def __init__(self) -> None:
        self.taken_elsewhere: set[str] = set()
        self.calls: list[str] = []

    async def try_lock(self, name: str) -> bool:
        self.calls.append(name)
        return name not in self.taken_elsewhere


class FakeMethodologies(Stored):
    tables = ("rows",)

    def __init__(self) -> None:
        self.rows: dict[str, MethodologyVersion] = {}
        self.add(
            MethodologyVersion(
                id=NJ_GT_V1_ID,
                code="NJ-GT",
                version=1,
                methodology_class="I",
                title="NJ-GT defaults",
                description="",
                params=to_json(NJ_GT_V1),
                status="published",
                effective_from=NJ_GT_V1_FROM,
                effective_until=None,
                created_at=NJ_GT_V1_FROM,
                published_at=NJ_GT_V1_FROM,
            )
        )

    def add(self, version: MethodologyVersion) -> None:
        if any((v.code, v.version) == (version.code, version.version) for v in self.rows.values()):
            raise violation("UNIQUE methodology_versions.code, version")
        self.rows[version.id] = version

    async def get(self, version_id: str) -> MethodologyVersion | None:
        return self.rows.get(version_id)

    async def versions(self, code: str, *, for_update: bool = False) -> list[MethodologyVersion]:
        return sorted((v for v in self.rows.values() if v.code == code), key=lambda v: v.version)

    async def all(self, *, statuses: tuple[str, ...] | None = None) -> list[MethodologyVersion]:
        rows = [v for v in self.rows.values() if statuses is None or v.status in statuses]
        return sorted(rows, key=lambda v: (v.code, v.version))


class FakeComplaints(Stored):
    """Complaints, only as far as erasure touches them: whose words were blanked."""

    tables = ("blanked",)

    def __init__(self) -> None:
        self.blanked: list[str] = []

    async def blank_of_citizen(self, citizen_id: str) -> None:
        self.blanked.append(citizen_id)


class FakeInstitutions(Stored):
    """Institution memberships, only as far as erasure touches them: who left, and when."""

    tables = ("left",)

    def __init__(self) -> None:
        self.left: list[tuple[str, datetime]] = []

    async def leave_all(self, citizen_id: str, now: datetime) -> None:
        self.left.append((citizen_id, now))
