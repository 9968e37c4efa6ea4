"""Certificates: the canonical bytes, the Ed25519 signature over them, and offline verification
naming what failed (pure)."""

from __future__ import annotations

import json

import msgspec
import pytest

from domain.certificates import signing
from domain.certificates.document import FORMAT, REGISTRY_NAME
from domain.certificates.verify import CertificateInvalid, read_keys, verify_certificate
from tests.unit.certificate_fixtures import BASE_URL, RETIREMENT_ID, document, signed


def test_canonical_form_sorts_keys_drops_whitespace_and_keeps_utf8() -> None:
    data = signing.canonical({"b": 1, "a": {"d": "碳", "c": [2, 1]}})
    assert data == '{"a":{"c":[2,1],"d":"碳"},"b":1}'.encode()


def test_the_document_states_the_retirement_its_units_and_its_page() -> None:
    doc = msgspec.to_builtins(document())
    assert doc["format"] == FORMAT
    assert doc["registry"] == REGISTRY_NAME
    assert doc["retirement_id"] == RETIREMENT_ID
    assert doc["quantity"] == 120
    assert doc["retired_at"] == "2026-12-01T08:30:15Z"
    assert doc["page_url"] == f"{BASE_URL}/registry/retirements/{RETIREMENT_ID}"
    assert doc["vintages"] == [2024, 2025]
    assert doc["classes"] == ["I", "II"]
    assert doc["blocks"][0] == {
        "serial_range": "NJ-I-2025-ZJSFOREST-1-101-200",
        "quantity": 100,
        "project_code": "ZJSFOREST",
        "project_title": "紫金山林业碳汇 Zijin Mountain forest carbon",
        "vintage": 2025,
        "class": "I",
    }
    # citizens' aggregated units have no project row: they get the aggregated title
    assert doc["projects"][0]["code"] == "PBNJGT"
    assert "aggregated" in doc["projects"][0]["title"]
    # a struct and the dict a verifier decodes encode to the same canonical bytes
    assert signing.canonical(document()) == signing.canonical(doc)


def test_a_genuine_certificate_verifies_with_its_published_key() -> None:
    raw, keys = signed()
    assert verify_certificate(raw, keys) == document()


FIELDS = [
    ("beneficiary", "Someone else"),
    ("quantity", 121),
    ("details", ""),
    ("retired_at", "2026-12-02T08:30:15Z"),
    ("serial_ranges", ["NJ-I-2025-ZJSFOREST-1-101-201"]),
    ("page_url", "https://evil.example/registry/retirements/x"),
    ("purpose", "voluntary"),
    ("vintages", [2025]),
]


@pytest.mark.parametrize(("field", "value"), FIELDS)
def test_altering_any_field_is_named_an_altered_document(field: str, value: object) -> None:
    raw, keys = signed()
    body = json.loads(raw)
    body["document"][field] = value
    with pytest.raises(CertificateInvalid) as caught:
        verify_certificate(json.dumps(body, ensure_ascii=False).encode(), keys)
    assert caught.value.code == "altered_document"


def test_an_added_field_or_an_altered_nested_field_fails_too() -> None:
    raw, keys = signed()
    body = json.loads(raw)
    body["document"]["note"] = "added"
    with pytest.raises(CertificateInvalid, match="altered"):
        verify_certificate(json.dumps(body).encode(), keys)
    body = json.loads(raw)
    body["document"]["blocks"][0]["vintage"] = 2026
    with pytest.raises(CertificateInvalid, match="altered"):
        verify_certificate(json.dumps(body).encode(), keys)


def test_reformatting_the_json_does_not_matter() -> None:
    raw, keys = signed()
    pretty = json.dumps(json.loads(raw), indent=2, ensure_ascii=True).encode()
    assert verify_certificate(pretty, keys).retirement_id == RETIREMENT_ID


def test_a_key_that_is_not_published_is_an_unknown_key() -> None:
    raw, _ = signed()
    _, other_keys = signed()
    with pytest.raises(CertificateInvalid) as caught:
        verify_certificate(raw, other_keys)
    assert caught.value.code == "unknown_key"


def test_a_signature_by_another_key_under_a_published_id_is_a_bad_signature() -> None:
    _, keys = signed()
    (published_id,) = keys
    forged, _ = signed(key_id=published_id)  # signed by a fresh key, claiming the published id
    with pytest.raises(CertificateInvalid) as caught:
        verify_certificate(forged, keys)
    assert caught.value.code == "bad_signature"


def test_a_signature_that_is_not_64_bytes_of_base64_is_a_bad_signature() -> None:
    raw, keys = signed()
    for signature in ("not base64!", signing.b64encode(b"short")):
        body = json.loads(raw)
        body["signature"] = signature
        with pytest.raises(CertificateInvalid) as caught:
            verify_certificate(json.dumps(body).encode(), keys)
        assert caught.value.code == "bad_signature"


@pytest.mark.parametrize("raw", [b"", b"[]", b'{"document": {}}', b"\xff", b'{"document": 1}'])
def test_something_that_is_not_a_certificate_is_malformed(raw: bytes) -> None:
    _, keys = signed()
    with pytest.raises(CertificateInvalid) as caught:
        verify_certificate(raw, keys)
    assert caught.value.code == "malformed"


def test_a_key_listing_keeps_only_keys_whose_id_is_their_own() -> None:
    key = signing.generate_private_key()
    public = signing.public_key_text(key)
    listing = {
        "keys": [
            {"key_id": signing.key_id_for(public), "algorithm": "Ed25519", "public_key": public},
            {"key_id": "0000000000000000", "algorithm": "Ed25519", "public_key": public},
            {"key_id": "x", "algorithm": "Ed25519", "public_key": "not a key"},
        ]
    }
    assert read_keys(json.dumps(listing).encode()) == {signing.key_id_for(public): public}
    with pytest.raises(CertificateInvalid) as caught:
        read_keys(b"{}")
    assert caught.value.code == "bad_keys"
