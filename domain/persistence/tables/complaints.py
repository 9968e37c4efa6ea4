"""Complaints (客诉) with their steps and attachments, and staff-added working-day overrides."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from domain.persistence.base import Base, PublicId


class Complaint(Base):
    """One complaint by a citizen or a merchant, with its two SLA clocks (due instants, UTC)."""

    __tablename__ = "complaints"
    __table_args__ = (
        CheckConstraint("rating IS NULL OR rating BETWEEN 1 AND 5", name="rating_range"),
        Index("ix_complaints_filer", "filer_type", "filer_id", "filed_at"),
        Index("ix_complaints_status_filed", "status", "filed_at"),
    )

    id: Mapped[str] = mapped_column(PublicId(), primary_key=True)
    filer_type: Mapped[str] = mapped_column(String(16))  # citizen | merchant
    filer_id: Mapped[str] = mapped_column(PublicId())  # the citizen's or the merchant's id
    filed_by: Mapped[str] = mapped_column(String(26))  # the citizen, or the merchant's staff
    category: Mapped[str] = mapped_column(String(16))
    ref_type: Mapped[str | None] = mapped_column(String(16))  # trip | voucher | redemption
    ref_id: Mapped[str | None] = mapped_column(String(26))
    text: Mapped[str] = mapped_column(Text)  # blanked when the citizen is erased
    # open | assigned | responded | escalated | resolved
    status: Mapped[str] = mapped_column(String(16))
    escalated: Mapped[bool] = mapped_column(Boolean, default=False)
    assignee_id: Mapped[str | None] = mapped_column(String(26))
    filed_at: Mapped[datetime]
    response_due_at: Mapped[datetime]
    resolution_due_at: Mapped[datetime]
    responded_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    resolution: Mapped[str | None] = mapped_column(Text)
    adjustment_id: Mapped[str | None] = mapped_column(PublicId(), ForeignKey("adjustments.id"))
    rating: Mapped[int | None] = mapped_column(Integer)
    rating_comment: Mapped[str | None] = mapped_column(String(500))
    rated_at: Mapped[datetime | None]
    updated_at: Mapped[datetime]


class ComplaintStep(Base):
    """A step of a complaint's timeline: filed, assigned, responded, escalated, resolved, rated,
    attached."""

    __tablename__ = "complaint_steps"
    __table_args__ = (Index("ix_complaint_steps_complaint", "complaint_id", "created_at"),)

    id: Mapped[str] = mapped_column(PublicId(), primary_key=True)
    complaint_id: Mapped[str] = mapped_column(PublicId(), ForeignKey("complaints.id"))
    step: Mapped[str] = mapped_column(String(16))
    actor_type: Mapped[str] = mapped_column(String(16))  # citizen | merchant | staff
    actor_id: Mapped[str] = mapped_column(String(26))
    text: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]


class ComplaintAttachment(Base):
    """A file attached by the filer: a stored file (by SHA-256) under a name."""

    __tablename__ = "complaint_attachments"

    id: Mapped[str] = mapped_column(PublicId(), primary_key=True)
    complaint_id: Mapped[str] = mapped_column(PublicId(), ForeignKey("complaints.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64), ForeignKey("stored_files.sha256"))
    created_at: Mapped[datetime]


class WorkingDayOverride(Base):
    """A day staff declared working or holiday, over the official calendar."""

    __tablename__ = "working_day_overrides"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    working: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str] = mapped_column(String(200))
    created_by: Mapped[str] = mapped_column(String(26))
    created_at: Mapped[datetime]
