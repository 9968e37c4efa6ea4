"""raw taps in any order: tap-outs wait for their tap-in

`open_taps` keeps every raw tap still waiting for its pair, in either direction and a few per
account: a direction, the primary key widened to the tap's identity (account, time, direction,
station), and `neighbour_at`, the bound on where its pair can be. Station and device are as long
as the feed accepts them (128). The taps kept so far are tap-ins.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 15:40:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NEW_KEY = ["operator_id", "account_hash", "tapped_at", "direction", "station"]
CHECK = "ck_open_taps_direction"


def upgrade() -> None:
    with op.batch_alter_table("open_taps", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("direction", sa.String(length=3), nullable=False, server_default="in")
        )
        batch_op.add_column(sa.Column("neighbour_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.alter_column(
            "station", existing_type=sa.String(length=64), type_=sa.String(length=128)
        )
        batch_op.alter_column(
            "device", existing_type=sa.String(length=64), type_=sa.String(length=128)
        )
        batch_op.drop_constraint("pk_open_taps", type_="primary")
        batch_op.create_primary_key("pk_open_taps", NEW_KEY)
        batch_op.create_check_constraint(op.f(CHECK), "direction IN ('in', 'out')")
    with op.batch_alter_table("open_taps", schema=None) as batch_op:
        batch_op.alter_column("direction", existing_type=sa.String(length=3), server_default=None)


def downgrade() -> None:
    # Before this revision an account kept one tap-in: waiting tap-outs, taps too long for the
    # old columns and all but each account's newest tap-in are given up.
    op.execute(
        "DELETE FROM open_taps WHERE direction = 'out' "
        "OR length(station) > 64 OR length(coalesce(device, '')) > 64"
    )
    op.execute(
        "DELETE FROM open_taps WHERE EXISTS (SELECT 1 FROM open_taps AS newer "
        "WHERE newer.operator_id = open_taps.operator_id "
        "AND newer.account_hash = open_taps.account_hash "
        "AND (newer.tapped_at > open_taps.tapped_at "
        "OR (newer.tapped_at = open_taps.tapped_at AND newer.station > open_taps.station)))"
    )
    with op.batch_alter_table("open_taps", schema=None) as batch_op:
        batch_op.drop_constraint(op.f(CHECK), type_="check")
        batch_op.drop_constraint("pk_open_taps", type_="primary")
        batch_op.create_primary_key("pk_open_taps", ["operator_id", "account_hash"])
        batch_op.alter_column(
            "device", existing_type=sa.String(length=128), type_=sa.String(length=64)
        )
        batch_op.alter_column(
            "station", existing_type=sa.String(length=128), type_=sa.String(length=64)
        )
        batch_op.drop_column("neighbour_at")
        batch_op.drop_column("direction")
