from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from domain.persistence.base import Base, PublicId


class DonationProject(Base):
    """A public-welfare project citizens give points to, priced per unit (e.g. per tree)."""

    __tablename__ = "donation_projects"
    __table_args__ = (CheckConstraint("points_per_unit > 0", name="price_positive"),)

    id: Mapped[str] = mapped_column(PublicId(), primary_key=True)
    name: Mapped[str] = mapped_column(String(128))
    description: Mapped[str] = mapped_column(String(2000), default="")
    unit_name: Mapped[str] = mapped_column(String(32))
    points_per_unit: Mapped[int] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]


class Donation(Base):
    """A citizen's gift of points to a project (the posting moves the points to sys:donation)."""

    __tablename__ = "donations"
    __table_args__ = (CheckConstraint("units > 0", name="units_positive"),)

    id: Mapped[str] = mapped_column(PublicId(), primary_key=True)
    project_id: Mapped[str] = mapped_column(
        PublicId(), ForeignKey("donation_projects.id"), index=True
    )
    citizen_id: Mapped[str] = mapped_column(PublicId(), ForeignKey("citizens.id"), index=True)
    units: Mapped[int] = mapped_column(Integer)
    points: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime]
