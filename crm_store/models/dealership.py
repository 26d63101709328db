"""A dealership and what it is made of: sales hours, staff and their shifts, the vehicles
in stock and the knowledge texts the assistant answers from."""

from __future__ import annotations

from datetime import datetime, time
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm_store.models.base import Base, fk
from crm_store.types import (
    Condition,
    Role,
    StaffStatus,
    VehicleStatus,
    enum_column,
)


class Dealership(Base):
    __tablename__ = "dealerships"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    timezone: Mapped[str] = mapped_column(sa.String(64))
    phone: Mapped[str | None] = mapped_column(sa.String(20))
    address: Mapped[str | None] = mapped_column(sa.String(300))
    test_drive_minutes: Mapped[int] = mapped_column(default=30)
    # {"service": {"phone", "email", "hours": [[weekday, "HH:MM", "HH:MM"], ...]}, ...}
    departments: Mapped[dict[str, Any] | None] = mapped_column(default=dict)
    # the intent rules' settings as the world file gives them (`signals.config`); {}: defaults
    signals: Mapped[dict[str, Any] | None] = mapped_column(default=dict)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    hours: Mapped[list[DealershipHours]] = relationship(
        cascade="all, delete-orphan", order_by="DealershipHours.weekday"
    )


class DealershipHours(Base):
    """Sales hours: one open interval per weekday (0 = Monday); a missing weekday is closed."""

    __tablename__ = "dealership_hours"
    __table_args__ = (
        sa.UniqueConstraint("dealership_id", "weekday"),
        sa.CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday"),
        sa.CheckConstraint("starts < ends", name="starts_before_ends"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dealership_id: Mapped[int] = fk("dealerships.id")
    weekday: Mapped[int] = mapped_column(sa.SmallInteger)
    starts: Mapped[time]
    ends: Mapped[time]


class Staff(Base):
    __tablename__ = "staff"
    __table_args__ = (
        sa.UniqueConstraint("dealership_id", "handle"),
        sa.UniqueConstraint("dealership_id", "phone"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dealership_id: Mapped[int] = fk("dealerships.id")
    handle: Mapped[str] = mapped_column(sa.String(40))
    name: Mapped[str] = mapped_column(sa.String(200))
    role: Mapped[Role] = mapped_column(enum_column(Role, "staff_role"))
    phone: Mapped[str | None] = mapped_column(sa.String(20))
    email: Mapped[str | None] = mapped_column(sa.String(254))
    status: Mapped[StaffStatus] = mapped_column(enum_column(StaffStatus, "staff_status"))
    status_changed_at: Mapped[datetime]
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    shifts: Mapped[list[StaffShift]] = relationship(
        cascade="all, delete-orphan", order_by="StaffShift.weekday"
    )


class StaffShift(Base):
    """A weekly shift in dealership-local wall time (0 = Monday)."""

    __tablename__ = "staff_shifts"
    __table_args__ = (
        sa.UniqueConstraint("staff_id", "weekday"),
        sa.CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday"),
        sa.CheckConstraint("starts < ends", name="starts_before_ends"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = fk("staff.id")
    weekday: Mapped[int] = mapped_column(sa.SmallInteger)
    starts: Mapped[time]
    ends: Mapped[time]


class Vehicle(Base):
    __tablename__ = "vehicles"
    __table_args__ = (
        sa.UniqueConstraint("dealership_id", "stock"),
        sa.UniqueConstraint("dealership_id", "vin"),
        sa.CheckConstraint("price >= 0", name="price_not_negative"),
        sa.CheckConstraint("mileage >= 0", name="mileage_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dealership_id: Mapped[int] = fk("dealerships.id")
    stock: Mapped[str] = mapped_column(sa.String(40))
    vin: Mapped[str] = mapped_column(sa.String(17))
    year: Mapped[int]
    make: Mapped[str] = mapped_column(sa.String(60))
    model: Mapped[str] = mapped_column(sa.String(60))
    trim: Mapped[str | None] = mapped_column(sa.String(80))
    condition: Mapped[Condition] = mapped_column(enum_column(Condition, "condition"))
    body: Mapped[str | None] = mapped_column(sa.String(40))
    color: Mapped[str | None] = mapped_column(sa.String(80))
    mileage: Mapped[int] = mapped_column(default=0)
    price: Mapped[Decimal] = mapped_column(sa.Numeric(12, 2))
    status: Mapped[VehicleStatus] = mapped_column(enum_column(VehicleStatus, "vehicle_status"))
    features: Mapped[list[Any]] = mapped_column(default=list)
    # optional spec sheet: engine, drivetrain, transmission, fuel_economy, seats, towing
    specs: Mapped[dict[str, Any] | None] = mapped_column(default=dict)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class KnowledgeDoc(Base):
    """A dealership knowledge text as configured; `knowledge/` indexes it for retrieval."""

    __tablename__ = "knowledge_docs"
    __table_args__ = (sa.UniqueConstraint("dealership_id", "title"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dealership_id: Mapped[int] = fk("dealerships.id")
    title: Mapped[str] = mapped_column(sa.String(200))
    text: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
