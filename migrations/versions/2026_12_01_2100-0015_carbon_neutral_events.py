"""carbon neutral events

Event footprint factor sets, published and versioned like methodologies, with EVT v1 installed
(METHODOLOGY.md: factors in integer mg CO2e per unit); organisations' events with their
footprint and the factor set version used; and the retirements that neutralise them.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01 21:00:00+00:00
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

EVT_V1_ID = "00000000000000000000EVT001"
NJ_GT = "the baseline of NJ-GT v1"
DEMO = "demo value"
# activity -> (unit, mg CO2e per unit, source): METHODOLOGY.md, factor set EVT v1
EVT_V1 = {
    "electricity": (
        "kWh",
        561_700,
        "East China grid average 2022 (MEE and NBS announcement, Dec 2024); "
        "national average 0.5366",
    ),
    "travel_car": ("person-km", 120_000, NJ_GT),
    "travel_bus": ("person-km", 93_100, "the bus mode factor of NJ-GT v1"),
    "travel_metro": ("person-km", 73_200, "the metro mode factor of NJ-GT v1"),
    "travel_rail": ("person-km", 40_000, DEMO),
    "travel_air": ("person-km", 150_000, DEMO),
    "hotel": ("room-night", 15_000_000, DEMO),
    "meal": ("meal", 2_500_000, DEMO),
    "printed_material": ("kg", 1_500_000, DEMO),
}


def upgrade() -> None:
    op.create_table(
        "event_factor_sets",
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("factors", sa.JSON(), nullable=False),
        sa.Column("published_by", sa.String(length=40), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("version >= 1", name=op.f("ck_event_factor_sets_version_positive")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_factor_sets")),
        sa.UniqueConstraint("code", "version", name=op.f("uq_event_factor_sets_code_version")),
    )
    op.create_table(
        "carbon_events",
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("org_id", sa.String(length=26), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("venue", sa.String(length=300), nullable=False),
        sa.Column("attendees", sa.Integer(), nullable=False),
        sa.Column("activity", sa.JSON(), nullable=False),
        sa.Column("factor_set_id", sa.String(length=26), nullable=False),
        sa.Column("factor_set_code", sa.String(length=16), nullable=False),
        sa.Column("factor_set_version", sa.Integer(), nullable=False),
        sa.Column("breakdown", sa.JSON(), nullable=False),
        sa.Column("footprint_mg", sa.BigInteger(), nullable=False),
        sa.Column("footprint_kg", sa.BigInteger(), nullable=False),
        sa.Column("tonnes_required", sa.BigInteger(), nullable=False),
        sa.Column("created_by", sa.String(length=40), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("attendees >= 0", name=op.f("ck_carbon_events_attendees_not_negative")),
        sa.CheckConstraint("ends_at >= starts_at", name=op.f("ck_carbon_events_dates_in_order")),
        sa.CheckConstraint(
            "footprint_mg >= 0 AND footprint_kg >= 0 AND tonnes_required >= 0",
            name=op.f("ck_carbon_events_amounts"),
        ),
        sa.ForeignKeyConstraint(
            ["factor_set_id"],
            ["event_factor_sets.id"],
            name=op.f("fk_carbon_events_factor_set_id_event_factor_sets"),
        ),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organisations.id"], name=op.f("fk_carbon_events_org_id_organisations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_carbon_events")),
    )
    with op.batch_alter_table("carbon_events", schema=None) as batch_op:
        batch_op.create_index("ix_carbon_events_org_id", ["org_id", "id"], unique=False)

    op.create_table(
        "event_retirements",
        sa.Column("retirement_id", sa.String(length=26), nullable=False),
        sa.Column("event_id", sa.String(length=26), nullable=False),
        sa.Column("quantity", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_event_retirements_quantity_positive")),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["carbon_events.id"],
            name=op.f("fk_event_retirements_event_id_carbon_events"),
        ),
        sa.ForeignKeyConstraint(
            ["retirement_id"],
            ["retirements.id"],
            name=op.f("fk_event_retirements_retirement_id_retirements"),
        ),
        sa.PrimaryKeyConstraint("retirement_id", name=op.f("pk_event_retirements")),
    )
    with op.batch_alter_table("event_retirements", schema=None) as batch_op:
        batch_op.create_index(
            "ix_event_retirements_event_created", ["event_id", "created_at"], unique=False
        )
    _evt_v1()


def _evt_v1() -> None:
    """EVT v1, the event footprint factors of METHODOLOGY.md, published with the platform
    (2020-01-01 +08:00, like the demo's methodologies)."""
    since = datetime(2019, 12, 31, 16, tzinfo=UTC)
    factor_sets = sa.table(
        "event_factor_sets",
        *(sa.column(c) for c in ("id", "code", "version", "title", "published_by")),
        sa.column("factors", sa.JSON()),
        sa.column("published_at", sa.DateTime(timezone=True)),
    )
    factors = {
        activity: {"unit": unit, "mg_co2e_per_unit": mg, "source": source}
        for activity, (unit, mg, source) in EVT_V1.items()
    }
    op.bulk_insert(
        factor_sets,
        [
            {
                "id": EVT_V1_ID,
                "code": "EVT",
                "version": 1,
                "title": "大型活动碳排放因子 Event footprint factors",
                "factors": factors,
                "published_by": None,
                "published_at": since,
            }
        ],
    )


def downgrade() -> None:
    with op.batch_alter_table("event_retirements", schema=None) as batch_op:
        batch_op.drop_index("ix_event_retirements_event_created")
    op.drop_table("event_retirements")
    with op.batch_alter_table("carbon_events", schema=None) as batch_op:
        batch_op.drop_index("ix_carbon_events_org_id")
    op.drop_table("carbon_events")
    op.drop_table("event_factor_sets")
