"""default methodology NJ-GT v1 and the system ledger accounts

Revision ID: 0002a
Revises: 0002
Create Date: 2026-11-25 12:49:00+00:00
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0002a"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The default methodology, NJ-GT version 1 (METHODOLOGY.md), frozen here as published data:
# later versions are made by staff through the admin API, never by editing this file.
NJ_GT_V1_ID = "00000000000000000000NJGT01"
NJ_GT_V1_PARAMS = {
    "modes": {
        "metro": {
            "baseline_g_per_pkm": "120.0",
            "mode_g_per_pkm": "73.2",
            "min_distance_km": "1.0",
            "max_speed_kmh": "80",
            "min_duration_s": 120,
            "max_duration_s": 14400,
            "default_trip_km": None,
        },
        "bus": {
            "baseline_g_per_pkm": "120.0",
            "mode_g_per_pkm": "93.1",
            "min_distance_km": "0.5",
            "max_speed_kmh": "60",
            "min_duration_s": 120,
            "max_duration_s": 10800,
            "default_trip_km": "4.0",
        },
        "bikeshare": {
            "baseline_g_per_pkm": "120.0",
            "mode_g_per_pkm": "26.7",
            "min_distance_km": "0.5",
            "max_speed_kmh": "25",
            "min_duration_s": 120,
            "max_duration_s": 10800,
            "default_trip_km": None,
        },
    },
    "points": {"grams_per_point": 1, "daily_trip_cap": 10, "daily_points_cap": 3000},
    "window_days": 7,
    "future_tolerance_s": 300,
    "pending_days": 7,
}
SYSTEM_ACCOUNTS = (
    "sys:issuance",
    "sys:expiry",
    "sys:donation",
    "sys:redemption",
    "sys:erasure",
    "sys:adjustment",
)


def seed() -> None:
    created = datetime(2026, 1, 1, tzinfo=UTC)
    when = sa.DateTime(timezone=True)  # values are UTC (SQLite keeps them naive)
    versions = sa.table(
        "methodology_versions",
        *(
            sa.column(c)
            for c in (
                "id",
                "code",
                "version",
                "methodology_class",
                "title",
                "description",
                "status",
            )
        ),
        *(sa.column(c, when) for c in ("effective_from", "created_at", "published_at")),
        sa.column("params", sa.JSON()),
    )
    op.bulk_insert(
        versions,
        [
            {
                "id": NJ_GT_V1_ID,
                "code": "NJ-GT",
                "version": 1,
                "methodology_class": "I",
                "title": "南京绿色出行碳普惠方法学 (默认参数) / Nanjing green travel (defaults)",
                "description": "METHODOLOGY.md defaults: metro 46.8, bus 26.9, bike 93.3 g/pkm.",
                "status": "published",
                "effective_from": datetime(
                    2025, 12, 31, 16, 0, tzinfo=UTC
                ),  # 2026-01-01 00:00 +08:00
                "created_at": created,
                "published_at": created,
                "params": NJ_GT_V1_PARAMS,
            }
        ],
    )
    accounts = sa.table(
        "ledger_accounts",
        *(
            sa.column(c)
            for c in ("id", "kind", "balance", "entries", "head_hash", "reduction_g_total")
        ),
        sa.column("created_at", when),
    )
    op.bulk_insert(
        accounts,
        [
            {
                "id": a,
                "kind": "system",
                "balance": 0,
                "entries": 0,
                "head_hash": "0" * 64,
                "reduction_g_total": 0,
                "created_at": created,
            }
            for a in SYSTEM_ACCOUNTS
        ],
    )


def upgrade() -> None:
    seed()


def downgrade() -> None:
    op.execute(sa.text("DELETE FROM ledger_accounts WHERE kind = 'system'"))
    op.execute(
        sa.text("DELETE FROM methodology_versions WHERE id = :id").bindparams(id=NJ_GT_V1_ID)
    )
