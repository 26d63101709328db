"""signals: intent alerts and their audit trail, the vehicles customers asked about, and
each dealership's intent-rule settings

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04 22:51:33.382629

Three new tables and one nullable column (`dealerships.signals`, NULL meaning the built-in
defaults): nothing existing is rewritten.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import crm_store.types

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dealership_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("vehicle_id", sa.Integer(), nullable=True),
        sa.Column("rule", sa.String(length=40), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("dedupe_key", sa.String(length=120), nullable=False),
        sa.Column("fired_at", crm_store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("urgent", sa.Boolean(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "new",
                "paged",
                "queued",
                "acked",
                "resolved",
                name="alert_status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("assigned_staff_id", sa.Integer(), nullable=True),
        sa.Column("acked_at", crm_store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("resolved_at", crm_store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", crm_store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", crm_store.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assigned_staff_id"],
            ["staff.id"],
            name=op.f("fk_alerts_assigned_staff_id_staff"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_alerts_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["dealership_id"],
            ["dealerships.id"],
            name=op.f("fk_alerts_dealership_id_dealerships"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["vehicle_id"],
            ["vehicles.id"],
            name=op.f("fk_alerts_vehicle_id_vehicles"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alerts")),
    )
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_alerts_assigned_staff_id"), ["assigned_staff_id"], unique=False
        )
        batch_op.create_index(
            "ix_alerts_customer_key", ["customer_id", "dedupe_key", "fired_at"], unique=False
        )
        batch_op.create_index(
            "ix_alerts_dealership_fired", ["dealership_id", "fired_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_alerts_vehicle_id"), ["vehicle_id"], unique=False)

    op.create_table(
        "vehicle_interest",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dealership_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("vehicle_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("first_at", crm_store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_at", crm_store.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_vehicle_interest_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["dealership_id"],
            ["dealerships.id"],
            name=op.f("fk_vehicle_interest_dealership_id_dealerships"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["vehicle_id"],
            ["vehicles.id"],
            name=op.f("fk_vehicle_interest_vehicle_id_vehicles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vehicle_interest")),
        sa.UniqueConstraint(
            "customer_id", "vehicle_id", name=op.f("uq_vehicle_interest_customer_id_vehicle_id")
        ),
    )
    with op.batch_alter_table("vehicle_interest", schema=None) as batch_op:
        batch_op.create_index(
            "ix_vehicle_interest_vehicle_last", ["vehicle_id", "last_at"], unique=False
        )

    op.create_table(
        "alert_steps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("at", crm_store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("action", sa.String(length=30), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("rule", sa.String(length=60), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["alert_id"],
            ["alerts.id"],
            name=op.f("fk_alert_steps_alert_id_alerts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["staff.id"],
            name=op.f("fk_alert_steps_staff_id_staff"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_steps")),
    )
    with op.batch_alter_table("alert_steps", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_alert_steps_alert_id"), ["alert_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_alert_steps_staff_id"), ["staff_id"], unique=False)

    with op.batch_alter_table("dealerships", schema=None) as batch_op:
        batch_op.add_column(sa.Column("signals", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("dealerships", schema=None) as batch_op:
        batch_op.drop_column("signals")

    with op.batch_alter_table("alert_steps", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_alert_steps_staff_id"))
        batch_op.drop_index(batch_op.f("ix_alert_steps_alert_id"))

    op.drop_table("alert_steps")
    with op.batch_alter_table("vehicle_interest", schema=None) as batch_op:
        batch_op.drop_index("ix_vehicle_interest_vehicle_last")

    op.drop_table("vehicle_interest")
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_alerts_vehicle_id"))
        batch_op.drop_index("ix_alerts_dealership_fired")
        batch_op.drop_index("ix_alerts_customer_key")
        batch_op.drop_index(batch_op.f("ix_alerts_assigned_staff_id"))

    op.drop_table("alerts")
