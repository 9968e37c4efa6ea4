"""Arranging expert reviews through the API: experts who can sign in, and a passed review of a
subject (what publishing a methodology version or registering a project now needs)."""

from __future__ import annotations

import uuid
from typing import Any

from litestar.testing import AsyncTestClient

from domain.identity.principal import Role
from domain.persistence.uow import Database
from tests.helpers import bearer, staff_login


async def staff_headers(client: AsyncTestClient, db: Database, role: Role = Role.ADMIN) -> dict:
    return bearer((await staff_login(client, db, role))["access_token"])


async def make_expert(
    client: AsyncTestClient,
    staff: dict[str, str],
    *,
    fields: list[str],
    affiliations: list[dict[str, str]] | None = None,
    name: str | None = None,
) -> dict[str, Any]:
    """An expert with an account, signed in: the expert and its `headers`."""
    username = f"expert-{uuid.uuid4().hex[:8]}"
    r = await client.post(
        "/v1/admin/experts",
        headers=staff,
        json={
            "name": name or username,
            "fields": fields,
            "affiliations": affiliations or [],
            "username": username,
        },
    )
    assert r.status_code == 201, r.text
    made = r.json()
    r = await client.post(
        "/v1/auth/staff", json={"username": username, "password": made["password"]}
    )
    assert r.status_code == 200, r.text
    return made["expert"] | {"headers": bearer(r.json()["access_token"])}


async def pass_review(
    client: AsyncTestClient, db: Database, subject_kind: str, subject_id: str
) -> dict[str, Any]:
    """A review of the subject by a panel of one (an expert of a field nobody else has) who
    approves it: the review, passed."""
    staff = await staff_headers(client, db, Role.OPERATIONS)
    field = f"field-{uuid.uuid4().hex[:8]}"
    expert = await make_expert(client, staff, fields=[field])
    r = await client.post(
        "/v1/admin/reviews",
        headers=staff,
        json={
            "subject": subject_kind,
            "subject_id": subject_id,
            "experts": 1,
            "field": field,
        },
    )
    assert r.status_code == 201, r.text
    review_id = r.json()["review_id"]
    r = await client.post(
        f"/v1/expert/reviews/{review_id}/opinion",
        headers=expert["headers"],
        json={"vote": "approve", "opinion": "sound"},
    )
    assert r.status_code == 200 and r.json()["status"] == "passed", r.text
    return r.json()
