"""Carbon-neutral events: the published factor sets, the events organisations enter, and the
retirements that neutralise them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from domain.persistence.base import Base, PublicId


class EventFactorSet(Base):
    """One published version of an event footprint factor set (code `EVT`), never edited: a
    change is a new version, and every event names the version it was computed with.

    `factors`: activity -> {unit, mg_co2e_per_unit (integer milligrams), source}.
    """

    __tablename__ = "event_factor_sets"
    __table_args__ = (
        UniqueConstraint("code", "version"),
        CheckConstraint("version >= 1", name="version_positive"),
    )

    id: Mapped[str] = mapped_column(PublicId(), primary_key=True)
    code: Mapped[str] = mapped_column(String(16))
    version: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    factors: Mapped[dict[str, Any]] = mapped_column(JSON)
    published_by: Mapped[str | None] = mapped_column(String(40))
    published_at: Mapped[datetime]


class CarbonEvent(Base):
    """An organisation's event and its footprint, computed once when entered with the factor set
    version then in force: the quantities as entered, the breakdown per activity in milligrams,
    the footprint in whole kilograms (rounded up) and the whole tonnes to retire (rounded up)."""

    __tablename__ = "carbon_events"
    __table_args__ = (
        CheckConstraint("ends_at >= starts_at", name="dates_in_order"),
        CheckConstraint("attendees >= 0", name="attendees_not_negative"),
        CheckConstraint(
            "footprint_mg >= 0 AND footprint_kg >= 0 AND tonnes_required >= 0", name="amounts"
        ),
        Index("ix_carbon_events_org_id", "org_id", "id"),
    )

    id: Mapped[str] = mapped_column(PublicId(), primary_key=True)
    org_id: Mapped[str] = mapped_column(PublicId(), ForeignKey("organisations.id"))
    name: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    venue: Mapped[str] = mapped_column(String(300))
    attendees: Mapped[int] = mapped_column(Integer)
    activity: Mapped[dict[str, Any]] = mapped_column(JSON)  # activity -> quantity
    factor_set_id: Mapped[str] = mapped_column(PublicId(), ForeignKey("event_factor_sets.id"))
    factor_set_code: Mapped[str] = mapped_column(String(16))
    factor_set_version: Mapped[int] = mapped_column(Integer)
    breakdown: Mapped[list[dict[str, Any]]] = mapped_column(JSON)  # per activity, in mg
    footprint_mg: Mapped[int] = mapped_column(BigInteger)
    footprint_kg: Mapped[int] = mapped_column(BigInteger)
    tonnes_required: Mapped[int] = mapped_column(BigInteger)
    created_by: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime]


class EventRetirement(Base):
    """A retirement made for an event (purpose `event`): an event may be neutralised by several,
    a retirement neutralises at most one event."""

    __tablename__ = "event_retirements"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        Index("ix_event_retirements_event_created", "event_id", "created_at"),
    )

    retirement_id: Mapped[str] = mapped_column(
        PublicId(), ForeignKey("retirements.id"), primary_key=True
    )
    event_id: Mapped[str] = mapped_column(PublicId(), ForeignKey("carbon_events.id"))
    quantity: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime]
