from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from domain.persistence.base import Base, PublicId


class OperatorNetwork(Base):
    """An operator's stations and line sequences (GTFS stops + line order), as JSON."""

    __tablename__ = "operator_networks"

    operator_id: Mapped[str] = mapped_column(
        PublicId(), ForeignKey("operators.id"), primary_key=True
    )
    revision: Mapped[int] = mapped_column(
        Integer
    )  # bumps on every import (process caches key on it)
    stops_count: Mapped[int] = mapped_column(Integer)
    lines_count: Mapped[int] = mapped_column(Integer)
    network: Mapped[dict[str, Any]] = mapped_column(JSON)
    imported_at: Mapped[datetime]


class StationDistrict(Base):
    """The district of an operator's station (the optional `district` column of the stops.txt
    imported with its network): trips are cut by district through their origin station."""

    __tablename__ = "station_districts"

    operator_id: Mapped[str] = mapped_column(
        PublicId(), ForeignKey("operators.id"), primary_key=True
    )
    station: Mapped[str] = mapped_column(String(128), primary_key=True)
    district: Mapped[str] = mapped_column(String(32))
