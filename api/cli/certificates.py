"""`puhui verify-certificate FILE [--keys FILE_OR_URL]`: check a downloaded retirement
certificate (the signed JSON) against the published certificate keys, offline with a saved copy
of GET /v1/public/certificate-keys, or fetching that URL. No database."""

from __future__ import annotations

import argparse
from pathlib import Path

import httpx

from api.settings import load
from domain.certificates.verify import CertificateInvalid, read_keys, verify_certificate

KEYS_PATH = "/v1/public/certificate-keys"
FETCH_TIMEOUT = 15  # seconds
MAX_BYTES = 4 * 1024 * 1024


class VerifyFailed(Exception):
    """What `main` prints before exiting non-zero."""


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "verify-certificate",
        help="check a retirement certificate's signed JSON against the published keys",
    )
    p.add_argument("file", help="the certificate JSON (GET .../certificate.json)")
    p.add_argument(
        "--keys",
        help="a saved copy of GET /v1/public/certificate-keys, or its http(s) URL "
        "(default: the URL under PUHUI_PUBLIC_BASE_URL)",
    )


def _keys_bytes(source: str | None) -> tuple[bytes, str]:
    if source is None:
        source = load().public_base_url.rstrip("/") + KEYS_PATH
    if source.startswith(("http://", "https://")):
        try:
            response = httpx.get(source, timeout=FETCH_TIMEOUT, follow_redirects=True)
            response.raise_for_status()
        except httpx.HTTPError as exc:
            raise VerifyFailed(f"keys_unavailable: cannot fetch {source}: {exc}") from exc
        return response.content[:MAX_BYTES], source
    try:
        return Path(source).read_bytes()[:MAX_BYTES], source
    except OSError as exc:
        raise VerifyFailed(f"keys_unavailable: cannot read {source}: {exc}") from exc


def run(args: argparse.Namespace) -> int:
    try:
        raw = Path(args.file).read_bytes()[:MAX_BYTES]
    except OSError as exc:
        raise VerifyFailed(f"unreadable: cannot read {args.file}: {exc}") from exc
    keys_raw, source = _keys_bytes(args.keys)
    try:
        document = verify_certificate(raw, read_keys(keys_raw))
    except CertificateInvalid as exc:
        raise VerifyFailed(f"{exc.code}: {exc.detail}") from exc
    print(f"retirement_id: {document.retirement_id}")
    print(f"beneficiary: {document.beneficiary}")
    print(f"purpose: {document.purpose}")
    print(f"quantity: {document.quantity} t")
    print(f"retired_at: {document.retired_at}")
    for label in document.serial_ranges:
        print(f"serial_range: {label}")
    print(f"page: {document.page_url}")
    if (event := document.event) is not None:
        print(f"event: {event.name} ({event.organiser}), {event.starts_at} .. {event.ends_at}")
        print(f"event_footprint: {event.footprint_kg} kg CO2e, {event.tonnes_required} t to retire")
        print(f"event_factors: {event.factor_set} v{event.factor_set_version}")
        print(f"event_page: {event.page_url}")
    print(f"keys: {source}")
    print("OK")
    return 0
