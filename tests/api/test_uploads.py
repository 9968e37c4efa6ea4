"""Project documents: uploaded (multipart), bounded in size, of a short list of types, stored
once by SHA-256, and downloaded back by the owner and by staff only."""

from __future__ import annotations

import hashlib

import msgspec
import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select

from api.app import create_app
from domain.persistence.tables import StoredFile
from tests.api.test_projects import add_experts, draft, staff
from tests.helpers import assert_problem
from tests.registry_world import make_org, org_login

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n%%EOF\n"


@pytest.fixture
async def member(client, db):
    org = await make_org(db)
    m = await org_login(client, db, org.id)
    r = await client.post("/v1/org/projects", json=draft(), headers=m["headers"])
    return m["headers"], r.json()["project_id"]


def upload(client, headers, pid, content, content_type="application/pdf", name="design.pdf"):
    return client.post(
        f"/v1/org/projects/{pid}/documents",
        files={"file": (name, content, content_type)},
        data={"name": name},
        headers=headers,
    )


async def stored_count(db) -> int:
    async with db.unit_of_work() as uow:
        stmt = select(func.count()).select_from(StoredFile)
        return (await uow.session.execute(stmt)).scalar_one()  # type: ignore[attr-defined]


async def test_upload_list_and_download(client, db, member):
    h, pid = member
    r = await upload(client, h, pid, PDF, name="设计文件.pdf")
    assert r.status_code == 201, r.text
    doc = r.json()
    assert doc["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert doc["size"] == len(PDF) and doc["content_type"] == "application/pdf"
    assert doc["name"] == "设计文件.pdf"
    listed = (await client.get(f"/v1/org/projects/{pid}/documents", headers=h)).json()
    assert [d["document_id"] for d in listed] == [doc["document_id"]]
    r = await client.get(f"/v1/org/projects/{pid}/documents/{doc['document_id']}", headers=h)
    assert r.status_code == 200 and r.content == PDF
    assert r.headers["content-type"].startswith("application/pdf")
    assert r.headers["x-content-type-options"] == "nosniff"
    assert "attachment" in r.headers["content-disposition"]
    ops = await staff(client, db)
    r = await client.get(f"/v1/admin/projects/{pid}/documents/{doc['document_id']}", headers=ops)
    assert r.status_code == 200 and r.content == PDF


async def test_same_content_is_stored_once(client, db, member):
    h, pid = member
    first = (await upload(client, h, pid, PDF, name="a.pdf")).json()
    second = (await upload(client, h, pid, PDF, name="b.pdf")).json()
    assert first["sha256"] == second["sha256"] and first["document_id"] != second["document_id"]
    assert await stored_count(db) == 1
    await upload(client, h, pid, PDF + b"%more\n", name="c.pdf")
    assert await stored_count(db) == 2


async def test_size_is_bounded(db, settings, migrated):
    small = msgspec.structs.replace(settings, upload_max_bytes=len(PDF))
    async with AsyncTestClient(app=create_app(small)) as client:
        org = await make_org(db)
        h = (await org_login(client, db, org.id))["headers"]
        pid = (await client.post("/v1/org/projects", json=draft(), headers=h)).json()["project_id"]
        assert (await upload(client, h, pid, PDF)).status_code == 201
        body = assert_problem(await upload(client, h, pid, PDF + b"x"), 422, "file_too_large")
        assert body["field"] == "body" and body["max_bytes"] == len(PDF)
        assert_problem(await upload(client, h, pid, b""), 422, "empty_file")


async def test_only_listed_types_that_are_what_they_claim(client, db, member):
    h, pid = member
    r = await upload(client, h, pid, b"<html><script></script></html>", "text/html", "x.html")
    assert assert_problem(r, 422, "unsupported_file_type")["field"] == "Content-Type"
    r = await upload(client, h, pid, b"MZ\x90\x00", "application/pdf", "fake.pdf")
    assert_problem(r, 422, "file_type_mismatch")
    r = await upload(client, h, pid, b"\xff\xfe\x00bad", "text/csv", "x.csv")
    assert_problem(r, 422, "file_type_mismatch")
    r = await upload(client, h, pid, b"day,km\n2024-01-01,12\n", "text/csv; charset=utf-8", "k.csv")
    assert r.status_code == 201, r.text
    assert r.json()["content_type"] == "text/csv"
    r = await client.post(f"/v1/org/projects/{pid}/documents", data={"name": "x"}, headers=h)
    assert r.status_code == 400  # no file part: a validation problem


async def test_documents_are_the_owners_and_staffs_only(client, db, member):
    h, pid = member
    doc = (await upload(client, h, pid, PDF)).json()
    other = await make_org(db)
    oh = (await org_login(client, db, other.id))["headers"]
    path = f"/v1/org/projects/{pid}/documents/{doc['document_id']}"
    assert_problem(await client.get(path, headers=oh), 404, "project_not_found")
    assert_problem(await upload(client, oh, pid, PDF), 404, "project_not_found")
    # another organisation cannot attach a file by its hash either
    r = await client.post(
        "/v1/org/projects",
        json=draft(documents=[{"name": "stolen.pdf", "sha256": doc["sha256"]}]),
        headers=oh,
    )
    assert assert_problem(r, 422, "unknown_document")["field"] == "documents[0].sha256"
    # the owner may reuse its own file in a new draft
    r = await client.post(
        "/v1/org/projects",
        json=draft(documents=[{"name": "again.pdf", "sha256": doc["sha256"]}]),
        headers=h,
    )
    assert r.status_code == 201, r.text
    again = await client.get(f"/v1/org/projects/{r.json()['project_id']}/documents", headers=h)
    assert [d["name"] for d in again.json()] == ["again.pdf"]
    missing = f"/v1/org/projects/{pid}/documents/01ARZ3NDEKTSV4RRFFQ69G5FAV"
    assert_problem(await client.get(missing, headers=h), 404, "document_not_found")


async def test_documents_only_while_draft(client, db, member):
    h, pid = member
    await add_experts(db)
    assert (await client.post(f"/v1/org/projects/{pid}/submit", headers=h)).status_code == 200
    assert_problem(await upload(client, h, pid, PDF), 409, "not_a_draft")
