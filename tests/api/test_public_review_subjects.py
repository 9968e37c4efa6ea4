"""GET /v1/public/reviews names a review's subject only when the subject is public: a registered
project (code and title), a published methodology version (code, version, title); a project
still under review is named by no title, so a draft's title never leaks."""

from __future__ import annotations

from datetime import date

from domain.clock import utcnow
from domain.ids import new_id
from domain.persistence.tables import Project, Review
from domain.persistence.uow import Database
from tests.registry_units import NJ_FC_V1, verified_report
from tests.registry_world import make_org


def _review(kind: str, subject_id: str) -> Review:
    return Review(
        id=new_id(),
        subject_kind=kind,
        subject_id=subject_id,
        owner_org_id=None,
        field=None,
        panel_size=1,
        seed="s",
        candidates=[],
        status="open",
        summary=None,
        created_by=None,
        created_at=utcnow(),
        decided_at=None,
    )


async def _submitted_project(db: Database, org_id: str) -> str:
    now = utcnow()
    project = Project(
        id=new_id(),
        org_id=org_id,
        code=None,
        title="Secret draft wetland",
        methodology_id=NJ_FC_V1,
        methodology_code="NJ-FC",
        district="xuanwu",
        location={"address": "somewhere"},
        crediting_period_start=date(2025, 1, 1),
        crediting_period_end=date(2034, 12, 31),
        estimated_t_per_year=10,
        description="",
        status="submitted",
        issuances=0,
        created_at=now,
        submitted_at=now,
        registered_at=None,
    )
    async with db.unit_of_work() as uow:
        uow.session.add(project)  # type: ignore[attr-defined]
    return project.id


async def test_only_public_subjects_are_named(client, db) -> None:
    org = await make_org(db)
    registered, _, code = await verified_report(db, org, 5)
    submitted = await _submitted_project(db, org.id)
    reviews = {
        "registered": _review("project", registered),
        "submitted": _review("project", submitted),
        "methodology": _review("methodology", NJ_FC_V1),
        "unknown": _review("methodology", "no-such-version"),
    }
    async with db.unit_of_work() as uow:
        for r in reviews.values():
            uow.experts.add_review(r)

    r = await client.get("/v1/public/reviews?limit=100")
    assert r.status_code == 200
    by_id = {item["review_id"]: item for item in r.json()["items"]}
    assert by_id[reviews["registered"].id]["subject"] == f"{code} Project {code}"
    assert by_id[reviews["submitted"].id]["subject"] is None
    assert by_id[reviews["methodology"].id]["subject"].startswith("NJ-FC v1 ")
    assert by_id[reviews["unknown"].id]["subject"] is None
    assert "Secret draft" not in r.text
