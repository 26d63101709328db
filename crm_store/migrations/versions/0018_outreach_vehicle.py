"""outreach: the vehicle an attempt is about, and the `vehicle_gone` suppression

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-05 04:50:00.000000

A nullable column (`outreach_attempts.vehicle_id`, SET NULL when the vehicle is deleted) and
one more value of `attempt_reason` (a VARCHAR with a CHECK: the column grows to the longest
value and its CHECK is replaced). Nothing existing is rewritten.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_REASONS = ("no_consent", "quiet_hours", "opted_out", "cap", "no_phone")


def _reason(*values: str) -> sa.Enum:
    return sa.Enum(
        *values,
        name="attempt_reason",
        native_enum=False,
        create_constraint=True,
        length=max(len(v) for v in values),
    )


def upgrade() -> None:
    with op.batch_alter_table("outreach_attempts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("vehicle_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_outreach_attempts_vehicle_id"), ["vehicle_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_outreach_attempts_vehicle_id_vehicles"),
            "vehicles",
            ["vehicle_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.alter_column(
            "reason",
            existing_type=_reason(*_REASONS),
            type_=_reason(*_REASONS, "vehicle_gone"),
            existing_nullable=True,
        )


def downgrade() -> None:
    # 0017 has no such reason: those attempts stay suppressed, under the nearest one
    op.execute("UPDATE outreach_attempts SET reason = 'cap' WHERE reason = 'vehicle_gone'")
    with op.batch_alter_table("outreach_attempts", schema=None) as batch_op:
        batch_op.alter_column(
            "reason",
            existing_type=_reason(*_REASONS, "vehicle_gone"),
            type_=_reason(*_REASONS),
            existing_nullable=True,
        )
        batch_op.drop_constraint(
            batch_op.f("fk_outreach_attempts_vehicle_id_vehicles"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_outreach_attempts_vehicle_id"))
        batch_op.drop_column("vehicle_id")
