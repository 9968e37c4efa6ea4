"""A certificate document built from plain values, and its signature, for the unit tests."""

from __future__ import annotations

from datetime import UTC, datetime

import msgspec

from domain.certificates import signing
from domain.certificates.document import CertificateDocument, RetiredUnits, build_document

BASE_URL = "https://registry.example.cn"
RETIREMENT_ID = "01JQ0000000000000000000RET"
UNITS = RetiredUnits(
    retirement_id=RETIREMENT_ID,
    beneficiary="南京青奥体育公园 Nanjing Youth Olympic Sports Park",
    purpose="event",
    details="2026 年南京马拉松碳中和",
    quantity=120,
    serial_ranges=["NJ-I-2025-ZJSFOREST-1-101-200", "NJ-II-2024-PBNJGT-2-5-24"],
    retired_at=datetime(2026, 12, 1, 8, 30, 15, 123456, tzinfo=UTC),
)
TITLES = {"ZJSFOREST": "紫金山林业碳汇 Zijin Mountain forest carbon"}


def document() -> CertificateDocument:
    return build_document(UNITS, TITLES, BASE_URL)


def signed(key=None, key_id: str | None = None) -> tuple[bytes, dict[str, str]]:
    """(certificate JSON as served, {key_id: public key})."""
    key = key or signing.generate_private_key()
    public = signing.public_key_text(key)
    key_id = key_id or signing.key_id_for(public)
    data = signing.canonical(document())
    body = {
        "document": msgspec.to_builtins(document()),
        "canonical_sha256": signing.digest(data),
        "algorithm": "Ed25519",
        "key_id": key_id,
        "signature": signing.sign(key, data),
    }
    return msgspec.json.encode(body), {signing.key_id_for(public): public}
