from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from domain.persistence.base import Base, PublicId


class Project(Base):
    """A reduction project of an organisation under a published methodology version.

    draft -> submitted (an expert review is open) -> registered (a public `code`) | rejected.
    """

    __tablename__ = "projects"
    __table_args__ = (
        CheckConstraint(
            "crediting_period_end >= crediting_period_start", name="crediting_period_order"
        ),
        CheckConstraint("estimated_t_per_year >= 0", name="estimate_not_negative"),
        Index("ix_projects_org_created", "org_id", "created_at"),
        Index("ix_projects_status_registered", "status", "registered_at"),
    )

    id: Mapped[str] = mapped_column(PublicId(), primary_key=True)
    org_id: Mapped[str] = mapped_column(PublicId(), ForeignKey("organisations.id"))
    code: Mapped[str | None] = mapped_column(String(16), unique=True)  # once registered
    title: Mapped[str] = mapped_column(String(200))
    methodology_id: Mapped[str] = mapped_column(PublicId(), ForeignKey("methodology_versions.id"))
    methodology_code: Mapped[str] = mapped_column(String(32))
    district: Mapped[str] = mapped_column(String(32))
    location: Mapped[dict[str, Any]] = mapped_column(JSON)  # {address, lat?, lon?}
    crediting_period_start: Mapped[date] = mapped_column(Date)
    crediting_period_end: Mapped[date] = mapped_column(Date)
    estimated_t_per_year: Mapped[int] = mapped_column(BigInteger)
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16))  # draft | submitted | registered | rejected
    reasons: Mapped[str | None] = mapped_column(Text)  # why it was rejected
    review_id: Mapped[str | None] = mapped_column(PublicId(), ForeignKey("reviews.id"))
    issuances: Mapped[int] = mapped_column(Integer, default=0)  # the last issuance_no used
    created_at: Mapped[datetime]
    submitted_at: Mapped[datetime | None]
    registered_at: Mapped[datetime | None]


class ProjectDocument(Base):
    """A document attached to a project (or to one of its monitoring reports)."""

    __tablename__ = "project_documents"

    id: Mapped[str] = mapped_column(PublicId(), primary_key=True)
    project_id: Mapped[str] = mapped_column(PublicId(), ForeignKey("projects.id"), index=True)
    report_id: Mapped[str | None] = mapped_column(PublicId(), ForeignKey("monitoring_reports.id"))
    name: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64), ForeignKey("stored_files.sha256"))
    created_at: Mapped[datetime]


class MonitoringReport(Base):
    """The owner's claim for one period of a registered project, and its verification.

    submitted -> assigned (to a verifier organisation) -> verified (verified_t <= claimed_t)
    | rejected.
    """

    __tablename__ = "monitoring_reports"
    __table_args__ = (
        CheckConstraint("period_end >= period_start", name="period_order"),
        CheckConstraint("claimed_t > 0", name="claimed_positive"),
        CheckConstraint(
            "verified_t IS NULL OR (verified_t >= 0 AND verified_t <= claimed_t)",
            name="verified_within_claim",
        ),
        Index("ix_monitoring_reports_project_period", "project_id", "period_start"),
        Index("ix_monitoring_reports_verifier_status", "verifier_org_id", "status"),
    )

    id: Mapped[str] = mapped_column(PublicId(), primary_key=True)
    project_id: Mapped[str] = mapped_column(PublicId(), ForeignKey("projects.id"))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    claimed_t: Mapped[int] = mapped_column(BigInteger)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16))  # submitted | assigned | verified | rejected
    verifier_org_id: Mapped[str | None] = mapped_column(PublicId(), ForeignKey("organisations.id"))
    verified_t: Mapped[int | None] = mapped_column(BigInteger)
    findings: Mapped[str | None] = mapped_column(Text)
    assigned_by: Mapped[str | None] = mapped_column(PublicId())
    decided_by: Mapped[str | None] = mapped_column(PublicId())  # the verifier member
    created_at: Mapped[datetime]
    assigned_at: Mapped[datetime | None]
    decided_at: Mapped[datetime | None]
