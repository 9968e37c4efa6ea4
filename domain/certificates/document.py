"""The certificate document: what a retired retirement's signed JSON and PDF state (pure).

Everything here is public already (retirements are disclosed with beneficiary, purpose and
serials); the document gathers it in one place so a holder can prove it offline.
"""

from __future__ import annotations

from datetime import UTC, datetime

import msgspec

from domain.registry.serials import parse_serial

FORMAT = "puhui-retirement-certificate/1"
REGISTRY_NAME = "南京市碳普惠注册登记系统 / Nanjing Carbon Inclusion Registry"
AGGREGATED_TITLE = "公众低碳行为减排量 / Citizens' aggregated green behaviour"
PAGE_PATH = "/registry/retirements/"
EVENT_PATH = "/v1/public/events/"
PURPOSES = {
    "carbon_neutrality": "碳中和 / Carbon neutrality",
    "event": "大型活动 / Event",
    "voluntary": "自愿注销 / Voluntary",
    "eco_compensation": "生态补偿 / Eco-compensation",
}


class CertificateBlock(msgspec.Struct, frozen=True, kw_only=True):
    """One serial range of the retirement and where its units come from."""

    serial_range: str
    quantity: int
    project_code: str
    project_title: str
    vintage: int
    unit_class: str = msgspec.field(name="class")


class ProjectRef(msgspec.Struct, frozen=True, kw_only=True):
    code: str
    title: str


class EventRef(msgspec.Struct, frozen=True, kw_only=True):
    """The carbon-neutral event a retirement was made for (purpose `event`)."""

    event_id: str
    name: str
    organiser: str
    starts_at: str  # ISO 8601 UTC, whole seconds
    ends_at: str
    venue: str
    footprint_kg: int
    factor_set: str  # e.g. "EVT"
    factor_set_version: int
    tonnes_required: int
    page_url: str  # the event's public view


class CertificateDocument(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """The signed content. Field names are part of the format: add, never rename. A field added
    later has a default and is left out when it has it, so a certificate without it keeps the
    very bytes it was signed over before the field existed (`event`: only for events)."""

    format: str
    registry: str
    retirement_id: str
    beneficiary: str
    purpose: str
    details: str
    quantity: int
    retired_at: str  # ISO 8601 UTC, whole seconds, e.g. 2026-12-01T08:00:00Z
    serial_ranges: list[str]
    blocks: list[CertificateBlock]
    projects: list[ProjectRef]
    vintages: list[int]
    classes: list[str]
    page_url: str
    event: EventRef | None = None


class RetiredUnits(msgspec.Struct, frozen=True, kw_only=True):
    """The registry's record of a retired retirement, as the certificate needs it."""

    retirement_id: str
    beneficiary: str
    purpose: str
    details: str
    quantity: int
    serial_ranges: list[str]
    retired_at: datetime


def page_url(base_url: str, retirement_id: str) -> str:
    """The public page of a retirement, the one the certificate's QR code opens."""
    return base_url.rstrip("/") + PAGE_PATH + retirement_id


def iso_utc(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def project_codes(serial_ranges: list[str]) -> list[str]:
    return sorted({parse_serial(label).issuance.project_code for label in serial_ranges})


def event_url(base_url: str, event_id: str) -> str:
    return base_url.rstrip("/") + EVENT_PATH + event_id


def build_document(
    units: RetiredUnits, titles: dict[str, str], base_url: str, event: EventRef | None = None
) -> CertificateDocument:
    """The document of a retired retirement; `titles` maps project codes to titles (codes of
    citizens' aggregated units have no project and get the aggregated title); `event`, the
    event it was made for, if any."""
    blocks = []
    for label in units.serial_ranges:
        serials = parse_serial(label)
        issuance = serials.issuance
        blocks.append(
            CertificateBlock(
                serial_range=label,
                quantity=serials.quantity,
                project_code=issuance.project_code,
                project_title=titles.get(issuance.project_code, AGGREGATED_TITLE),
                vintage=issuance.vintage,
                unit_class=issuance.unit_class,
            )
        )
    codes = sorted({b.project_code for b in blocks})
    return CertificateDocument(
        format=FORMAT,
        registry=REGISTRY_NAME,
        retirement_id=units.retirement_id,
        beneficiary=units.beneficiary,
        purpose=units.purpose,
        details=units.details,
        quantity=units.quantity,
        retired_at=iso_utc(units.retired_at),
        serial_ranges=list(units.serial_ranges),
        blocks=blocks,
        projects=[ProjectRef(code=c, title=titles.get(c, AGGREGATED_TITLE)) for c in codes],
        vintages=sorted({b.vintage for b in blocks}),
        classes=sorted({b.unit_class for b in blocks}),
        page_url=page_url(base_url, units.retirement_id),
        event=event,
    )
