"""What customers drive and owe: the vehicles they own (bought here or elsewhere), the loan
or lease on each, and the dealership's book-value table that prices them.

A VIN is one row per dealership (`uq_owned_vehicles_dealership_id_vin`), so importing the
same vehicle again updates it; its finance is one row per vehicle, replaced with it. A book
value's blank trim ('') means any trim of that year, make and model; it is stored as ''
rather than NULL so the unique key covers it."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from crm_store.models.base import Base, fk


class OwnedVehicle(Base):
    """A vehicle a customer owns, as the dealership last imported it."""

    __tablename__ = "owned_vehicles"
    __table_args__ = (
        sa.UniqueConstraint("dealership_id", "vin"),
        sa.CheckConstraint("mileage >= 0", name="mileage_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dealership_id: Mapped[int] = mapped_column(sa.ForeignKey("dealerships.id", ondelete="CASCADE"))
    customer_id: Mapped[int] = fk("customers.id")
    vin: Mapped[str] = mapped_column(sa.String(17))
    year: Mapped[int]
    make: Mapped[str] = mapped_column(sa.String(60))
    model: Mapped[str] = mapped_column(sa.String(60))
    trim: Mapped[str | None] = mapped_column(sa.String(80))
    mileage: Mapped[int | None]
    mileage_on: Mapped[date | None]
    purchased_on: Mapped[date | None]
    purchase_price: Mapped[Decimal | None] = mapped_column(sa.Numeric(12, 2))
    bought_here: Mapped[bool] = mapped_column(default=False)
    warranty_ends_on: Mapped[date | None]
    warranty_miles: Mapped[int | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class VehicleFinance(Base):
    """The loan or lease on an owned vehicle: a loan's payoff (with its as-of date) or what
    amortising it needs (APR with the payment or the amount financed); a lease's residual."""

    __tablename__ = "vehicle_finance"
    __table_args__ = (
        sa.UniqueConstraint("owned_vehicle_id"),
        sa.CheckConstraint("kind IN ('loan', 'lease')", name="kind_loan_or_lease"),
        sa.CheckConstraint("term_months > 0", name="term_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    owned_vehicle_id: Mapped[int] = mapped_column(
        sa.ForeignKey("owned_vehicles.id", ondelete="CASCADE")
    )
    kind: Mapped[str] = mapped_column(sa.String(5))
    starts_on: Mapped[date]
    term_months: Mapped[int]
    apr: Mapped[Decimal | None] = mapped_column(sa.Numeric(6, 3))
    monthly_payment: Mapped[Decimal | None] = mapped_column(sa.Numeric(12, 2))
    amount_financed: Mapped[Decimal | None] = mapped_column(sa.Numeric(12, 2))
    payoff: Mapped[Decimal | None] = mapped_column(sa.Numeric(12, 2))
    payoff_on: Mapped[date | None]
    residual: Mapped[Decimal | None] = mapped_column(sa.Numeric(12, 2))


class BookValue(Base):
    """One row of a dealership's book-value table: a value for a year, make, model, trim
    ('' = any) and mileage band (both ends included)."""

    __tablename__ = "book_values"
    __table_args__ = (
        sa.UniqueConstraint("dealership_id", "year", "make", "model", "trim", "mileage_low"),
        sa.CheckConstraint("mileage_low <= mileage_high", name="band_in_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dealership_id: Mapped[int] = mapped_column(sa.ForeignKey("dealerships.id", ondelete="CASCADE"))
    year: Mapped[int]
    make: Mapped[str] = mapped_column(sa.String(60))
    model: Mapped[str] = mapped_column(sa.String(60))
    trim: Mapped[str] = mapped_column(sa.String(80), default="")
    mileage_low: Mapped[int]
    mileage_high: Mapped[int]
    value: Mapped[Decimal] = mapped_column(sa.Numeric(12, 2))
