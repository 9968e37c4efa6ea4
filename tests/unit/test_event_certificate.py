"""A retirement certificate made for an event names the event, its footprint and factor set
version beside the serials; one that was not keeps the bytes it had before events existed, and
both verify."""

from __future__ import annotations

import io
import json

import msgspec
import pypdf
import pytest

from domain.certificates import signing
from domain.certificates.document import EventRef, build_document
from domain.certificates.pdf import render_pdf
from domain.certificates.verify import CertificateInvalid, verify_certificate
from tests.unit.certificate_fixtures import BASE_URL, TITLES, UNITS, document

EVENT = EventRef(
    event_id="01JEVENT00000000000000000A",
    name="2026 南京马拉松 Nanjing Marathon",
    organiser="南京市体育局",
    starts_at="2026-04-12T00:30:00Z",
    ends_at="2026-04-12T07:30:00Z",
    venue="南京奥体中心",
    footprint_kg=119_520,
    factor_set="EVT",
    factor_set_version=1,
    tonnes_required=120,
    page_url=f"{BASE_URL}/v1/public/events/01JEVENT00000000000000000A",
)


def _signed(doc) -> tuple[bytes, dict[str, str]]:
    key = signing.generate_private_key()
    public = signing.public_key_text(key)
    data = signing.canonical(doc)
    body = {
        "document": msgspec.to_builtins(doc),
        "key_id": signing.key_id_for(public),
        "signature": signing.sign(key, data),
        "algorithm": "Ed25519",
        "canonical_sha256": signing.digest(data),
    }
    return msgspec.json.encode(body), {signing.key_id_for(public): public}


def test_a_certificate_without_an_event_has_no_event_field() -> None:
    doc = document()
    assert "event" not in json.loads(signing.canonical(doc))
    # the bytes the document had before the field existed: every other field, keys sorted
    before = {f: getattr(doc, f) for f in doc.__struct_fields__ if f != "event"}
    assert signing.canonical(doc) == msgspec.json.encode(before, order="sorted")


def test_an_event_certificate_states_the_event_and_verifies() -> None:
    doc = build_document(UNITS, TITLES, BASE_URL, EVENT)
    raw, keys = _signed(doc)
    verified = verify_certificate(raw, keys)
    assert verified.event == EVENT
    assert verified.serial_ranges == UNITS.serial_ranges
    body = json.loads(raw)
    body["document"]["event"]["footprint_kg"] -= 1  # the event is signed too
    with pytest.raises(CertificateInvalid) as refused:
        verify_certificate(json.dumps(body).encode(), keys)
    assert refused.value.code == "altered_document"


def test_an_old_certificate_still_verifies() -> None:
    raw, keys = _signed(document())
    assert verify_certificate(raw, keys).event is None


def test_the_pdf_names_the_event_footprint_factor_set_and_serials() -> None:
    doc = build_document(UNITS, TITLES, BASE_URL, EVENT)
    pdf = render_pdf(doc, "0123456789abcdef")
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages).replace(
        "\n", ""
    )
    for expected in (
        EVENT.name,
        EVENT.venue,
        "119520 千克二氧化碳当量 / kg CO2e",
        "EVT v1",
        "120 吨 / t",
        "2026-04-12 00:30:00 UTC",
        *UNITS.serial_ranges,
    ):
        assert expected in text, expected


def test_the_pdf_of_a_certificate_without_an_event_has_no_event_lines() -> None:
    text = "".join(
        p.extract_text() for p in pypdf.PdfReader(io.BytesIO(render_pdf(document()))).pages
    )
    assert "活动碳排放" not in text and "factor set" not in text
