from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from domain.persistence.base import Base, PublicId


class Expert(Base):
    """An expert of the pool: fields of expertise and affiliations (for conflicts of interest)."""

    __tablename__ = "experts"

    id: Mapped[str] = mapped_column(PublicId(), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    staff_id: Mapped[str | None] = mapped_column(PublicId(), ForeignKey("staff.id"), unique=True)
    fields: Mapped[list[str]] = mapped_column(JSON)  # e.g. ["forestry", "transport"]
    # [{"name": ..., "uscc": ...}]: an expert never reviews a subject of these owners
    affiliations: Mapped[list[dict[str, str]]] = mapped_column(JSON)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]


class Review(Base):
    """A review of a methodology version, a project or a rule by a panel drawn from the pool.

    The draw is reproducible: `seed` and the candidates it was drawn from are recorded.
    """

    __tablename__ = "reviews"
    __table_args__ = (Index("ix_reviews_subject", "subject_kind", "subject_id"),)

    id: Mapped[str] = mapped_column(PublicId(), primary_key=True)
    subject_kind: Mapped[str] = mapped_column(String(16))  # methodology | project | rule | notice
    subject_id: Mapped[str] = mapped_column(String(64))
    owner_org_id: Mapped[str | None] = mapped_column(PublicId(), ForeignKey("organisations.id"))
    field: Mapped[str | None] = mapped_column(String(64))  # the qualification asked for
    panel_size: Mapped[int] = mapped_column(Integer)
    seed: Mapped[str] = mapped_column(String(64))
    candidates: Mapped[list[str]] = mapped_column(JSON)  # expert ids eligible at the draw
    status: Mapped[str] = mapped_column(String(16))  # open | passed | rejected | revise
    summary: Mapped[str | None] = mapped_column(Text)  # the public summary of the outcome
    created_by: Mapped[str | None] = mapped_column(PublicId())
    created_at: Mapped[datetime]
    decided_at: Mapped[datetime | None]


class ReviewSeat(Base):
    """One drawn expert's seat on a review: their opinion and vote once filed."""

    __tablename__ = "review_seats"

    review_id: Mapped[str] = mapped_column(PublicId(), ForeignKey("reviews.id"), primary_key=True)
    expert_id: Mapped[str] = mapped_column(
        PublicId(), ForeignKey("experts.id"), primary_key=True, index=True
    )
    vote: Mapped[str | None] = mapped_column(String(8))  # approve | reject | revise
    opinion: Mapped[str | None] = mapped_column(Text)
    voted_at: Mapped[datetime | None]
