"""Retirement certificates over HTTP: the signed JSON verifies with the published keys and with
nothing else, the PDF states the retirement, only final retirements have one, and rotating the
key keeps every certificate already handed out verifiable."""

from __future__ import annotations

import asyncio
import io
import json

import pypdf
import pytest

from domain.certificates import keys
from domain.certificates.verify import CertificateInvalid, read_keys, verify_certificate
from domain.clock import utcnow
from domain.crypto import DataProtector
from domain.governance.audit import CLI
from tests.certificate_world import BENEFICIARY, DETAILS, mark_released, retired
from tests.helpers import assert_problem
from tests.live import http_client

KEYS = "/v1/public/certificate-keys"


def url(retirement_id: str, kind: str = "json") -> str:
    return f"/v1/public/retirements/{retirement_id}/certificate.{kind}"


async def _keys(client) -> dict[str, str]:
    r = await client.get(KEYS)
    assert r.status_code == 200, r.text
    return read_keys(r.content)


async def test_the_signed_json_states_the_retirement_and_verifies_with_a_published_key(
    client, db, settings
) -> None:
    retirement_id, _, units = await retired(db, 40)
    r = await client.get(url(retirement_id))
    assert r.status_code == 200, r.text
    document = verify_certificate(r.content, await _keys(client))
    assert document.retirement_id == retirement_id
    assert document.beneficiary == BENEFICIARY
    assert document.details == DETAILS
    assert document.purpose == "event"
    assert document.quantity == 40
    assert document.serial_ranges == [f"{units.prefix}-61-100"]  # split at the tail
    (block,) = document.blocks
    assert (block.project_code, block.vintage, block.unit_class) == (units.project_code, 2025, "I")
    assert block.project_title == f"Project {units.project_code}"
    assert document.page_url == (f"{settings.public_base_url}/registry/retirements/{retirement_id}")
    assert r.json()["signature"] and r.json()["algorithm"] == "Ed25519"


async def test_any_altered_field_of_a_served_certificate_fails(client, db) -> None:
    retirement_id, _, _ = await retired(db)
    raw = (await client.get(url(retirement_id))).content
    published = await _keys(client)
    for field, value in (("beneficiary", "Someone"), ("quantity", 41), ("serial_ranges", [])):
        body = json.loads(raw)
        body["document"][field] = value
        try:
            verify_certificate(json.dumps(body).encode(), published)
        except CertificateInvalid as exc:
            assert exc.code == "altered_document", field
        else:
            raise AssertionError(f"an altered {field} verified")


async def test_the_pdf_names_serial_ranges_and_beneficiary(client, db) -> None:
    retirement_id, _, units = await retired(db, 25)
    r = await client.get(url(retirement_id, "pdf"))
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/pdf"
    assert r.content.startswith(b"%PDF-")
    text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(r.content)).pages)
    text = text.replace("\n", "")
    assert f"{units.prefix}-76-100" in text
    assert BENEFICIARY in text
    assert "碳普惠减排量注销证明" in text and "Certificate of retirement" in text


async def test_pending_released_and_unknown_retirements_have_no_certificate(client, db) -> None:
    pending_id, _, _ = await retired(db, 10, pending=True)
    released_id, _, _ = await retired(db, 10, pending=True)
    await mark_released(db, released_id)
    for retirement_id in (pending_id, released_id, "01JQ00000000000000000NONE0", "x" * 300):
        for kind in ("json", "pdf"):
            assert_problem(await client.get(url(retirement_id, kind)), 404, "retirement_not_found")


async def test_rotation_keeps_old_certificates_verifiable(client, db, settings) -> None:
    retirement_id, _, _ = await retired(db)
    before = (await client.get(url(retirement_id))).content
    old_key = json.loads(before)["key_id"]
    async with db.unit_of_work() as uow:
        new = await keys.rotate(uow, DataProtector(settings.data_key), CLI, utcnow())
    listing = (await client.get(KEYS)).json()["keys"]
    assert {k["key_id"]: k["active"] for k in listing} == {old_key: False, new.key_id: True}
    published = await _keys(client)
    assert verify_certificate(before, published).retirement_id == retirement_id
    after = (await client.get(url(retirement_id))).content
    assert json.loads(after)["key_id"] == new.key_id
    assert verify_certificate(after, published).retirement_id == retirement_id
    # the new key alone does not vouch for the old certificate: the old key must stay listed
    only_new = {new.key_id: published[new.key_id]}
    try:
        verify_certificate(before, only_new)
    except CertificateInvalid as exc:
        assert exc.code == "unknown_key"
    else:
        raise AssertionError("an old certificate verified without its key")


async def test_the_key_listing_is_never_empty_and_keeps_one_key(client) -> None:
    first = (await client.get(KEYS)).json()["keys"]
    second = (await client.get(KEYS)).json()["keys"]
    assert len(first) == 1 and first == second
    assert first[0]["active"] is True and first[0]["algorithm"] == "Ed25519"


async def test_the_public_page_is_served_with_the_pages_policy(client) -> None:
    r = await client.get("/registry/retirements/01JQ0000000000000000000RET")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    assert "script-src 'self'" in r.headers["content-security-policy"]
    assert "/static/retirement.js" in r.text


@pytest.mark.pg_only
async def test_concurrent_first_requests_agree_on_one_key(app) -> None:
    async with http_client(app) as http:
        answers = await asyncio.gather(*(http.get(KEYS) for _ in range(8)))
    assert {r.status_code for r in answers} == {200}
    assert len({json.dumps(r.json()["keys"]) for r in answers}) == 1
    assert len(answers[0].json()["keys"]) == 1
