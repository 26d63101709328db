"""ownership: the vehicles customers own, their loans and leases, and book values

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-05 03:41:41.775108

Three new tables for the equity and lifecycle flags (issue 19), nothing existing changed:
`owned_vehicles` (one row per VIN per dealership, so a re-import updates), `vehicle_finance`
(at most one loan or lease per owned vehicle) and `book_values` (a dealership's table by
year, make, model, trim ('' = any) and mileage band).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import crm_store.types

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "book_values",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dealership_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("make", sa.String(length=60), nullable=False),
        sa.Column("model", sa.String(length=60), nullable=False),
        sa.Column("trim", sa.String(length=80), nullable=False),
        sa.Column("mileage_low", sa.Integer(), nullable=False),
        sa.Column("mileage_high", sa.Integer(), nullable=False),
        sa.Column("value", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.CheckConstraint(
            "mileage_low <= mileage_high", name=op.f("ck_book_values_band_in_order")
        ),
        sa.ForeignKeyConstraint(
            ["dealership_id"],
            ["dealerships.id"],
            name=op.f("fk_book_values_dealership_id_dealerships"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_book_values")),
        sa.UniqueConstraint(
            "dealership_id",
            "year",
            "make",
            "model",
            "trim",
            "mileage_low",
            name=op.f("uq_book_values_dealership_id_year_make_model_trim_mileage_low"),
        ),
    )
    op.create_table(
        "owned_vehicles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dealership_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("vin", sa.String(length=17), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("make", sa.String(length=60), nullable=False),
        sa.Column("model", sa.String(length=60), nullable=False),
        sa.Column("trim", sa.String(length=80), nullable=True),
        sa.Column("mileage", sa.Integer(), nullable=True),
        sa.Column("mileage_on", sa.Date(), nullable=True),
        sa.Column("purchased_on", sa.Date(), nullable=True),
        sa.Column("purchase_price", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("bought_here", sa.Boolean(), nullable=False),
        sa.Column("warranty_ends_on", sa.Date(), nullable=True),
        sa.Column("warranty_miles", sa.Integer(), nullable=True),
        sa.Column("created_at", crm_store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", crm_store.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("mileage >= 0", name=op.f("ck_owned_vehicles_mileage_not_negative")),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_owned_vehicles_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["dealership_id"],
            ["dealerships.id"],
            name=op.f("fk_owned_vehicles_dealership_id_dealerships"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_owned_vehicles")),
        sa.UniqueConstraint(
            "dealership_id", "vin", name=op.f("uq_owned_vehicles_dealership_id_vin")
        ),
    )
    with op.batch_alter_table("owned_vehicles", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_owned_vehicles_customer_id"), ["customer_id"], unique=False
        )

    op.create_table(
        "vehicle_finance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owned_vehicle_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=5), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("term_months", sa.Integer(), nullable=False),
        sa.Column("apr", sa.Numeric(precision=6, scale=3), nullable=True),
        sa.Column("monthly_payment", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("amount_financed", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("payoff", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("payoff_on", sa.Date(), nullable=True),
        sa.Column("residual", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.CheckConstraint(
            "kind IN ('loan', 'lease')", name=op.f("ck_vehicle_finance_kind_loan_or_lease")
        ),
        sa.CheckConstraint("term_months > 0", name=op.f("ck_vehicle_finance_term_positive")),
        sa.ForeignKeyConstraint(
            ["owned_vehicle_id"],
            ["owned_vehicles.id"],
            name=op.f("fk_vehicle_finance_owned_vehicle_id_owned_vehicles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vehicle_finance")),
        sa.UniqueConstraint("owned_vehicle_id", name=op.f("uq_vehicle_finance_owned_vehicle_id")),
    )


def downgrade() -> None:
    op.drop_table("vehicle_finance")
    with op.batch_alter_table("owned_vehicles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_owned_vehicles_customer_id"))

    op.drop_table("owned_vehicles")
    op.drop_table("book_values")
