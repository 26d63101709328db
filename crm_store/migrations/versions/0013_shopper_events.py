"""signals: shopper events and the visitor ids tied to customers

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04 22:50:00.000000

Two new tables, nothing changed in the old ones: no event has been received yet.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import crm_store.types

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "shopper_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dealership_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.String(length=100), nullable=True),
        sa.Column("type", sa.String(length=60), nullable=False),
        sa.Column("sent_as", sa.String(length=60), nullable=True),
        sa.Column("at", crm_store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("received_at", crm_store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("visitor_id", sa.String(length=100), nullable=True),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("vehicle_id", sa.Integer(), nullable=True),
        sa.Column("stock", sa.String(length=40), nullable=True),
        sa.Column("vin", sa.String(length=17), nullable=True),
        sa.Column("properties", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_shopper_events_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["dealership_id"],
            ["dealerships.id"],
            name=op.f("fk_shopper_events_dealership_id_dealerships"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["vehicle_id"],
            ["vehicles.id"],
            name=op.f("fk_shopper_events_vehicle_id_vehicles"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shopper_events")),
        sa.UniqueConstraint(
            "dealership_id", "event_id", name=op.f("uq_shopper_events_dealership_id_event_id")
        ),
    )
    with op.batch_alter_table("shopper_events", schema=None) as batch_op:
        batch_op.create_index(
            "ix_shopper_events_customer_type",
            ["customer_id", "type", "vehicle_id", "at"],
            unique=False,
        )
        batch_op.create_index(
            "ix_shopper_events_dealership_at", ["dealership_id", "at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_shopper_events_vehicle_id"), ["vehicle_id"], unique=False
        )
        batch_op.create_index(
            "ix_shopper_events_visitor", ["dealership_id", "visitor_id", "at"], unique=False
        )

    op.create_table(
        "visitor_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dealership_id", sa.Integer(), nullable=False),
        sa.Column("visitor_id", sa.String(length=100), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("linked_at", crm_store.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_visitor_links_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["dealership_id"],
            ["dealerships.id"],
            name=op.f("fk_visitor_links_dealership_id_dealerships"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_visitor_links")),
        sa.UniqueConstraint(
            "dealership_id", "visitor_id", name=op.f("uq_visitor_links_dealership_id_visitor_id")
        ),
    )
    with op.batch_alter_table("visitor_links", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_visitor_links_customer_id"), ["customer_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("visitor_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_visitor_links_customer_id"))

    op.drop_table("visitor_links")
    with op.batch_alter_table("shopper_events", schema=None) as batch_op:
        batch_op.drop_index("ix_shopper_events_visitor")
        batch_op.drop_index(batch_op.f("ix_shopper_events_vehicle_id"))
        batch_op.drop_index("ix_shopper_events_dealership_at")
        batch_op.drop_index("ix_shopper_events_customer_type")

    op.drop_table("shopper_events")
