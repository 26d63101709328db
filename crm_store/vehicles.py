"""Inventory: vehicles by stock number, with price and status straight from the store."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from crm_store.errors import NotFound
from crm_store.models import Vehicle
from crm_store.records import VehicleRecord, VehicleSpecs, from_row
from crm_store.types import Condition, VehicleStatus
from crm_store.uow import UnitOfWork


def upsert_vehicle(
    uow: UnitOfWork,
    *,
    dealership_id: int,
    stock: str,
    vin: str,
    year: int,
    make: str,
    model: str,
    trim: str | None,
    condition: Condition,
    body: str | None,
    color: str | None,
    mileage: int,
    price: Decimal,
    status: VehicleStatus,
    features: Sequence[str],
    specs: VehicleSpecs | None = None,
) -> VehicleRecord:
    """Create the vehicle `stock`, or update every field of it in place (`specs` replaced
    as a whole; None: the listing states none)."""
    now = uow.now()
    row = _find(uow, dealership_id, stock)
    if row is None:
        row = Vehicle(dealership_id=dealership_id, stock=stock, created_at=now)
        uow.session.add(row)
    row.vin = vin
    row.year = year
    row.make = make
    row.model = model
    row.trim = trim
    row.condition = condition
    row.body = body
    row.color = color
    row.mileage = mileage
    row.price = price
    row.status = status
    row.features = list(features)
    row.specs = specs.stated() if specs else {}
    row.updated_at = now
    uow.flush()
    return _record(row)


def set_vehicle_status(uow: UnitOfWork, *, vehicle_id: int, status: VehicleStatus) -> VehicleRecord:
    return set_listing(uow, vehicle_id=vehicle_id, status=status)


def set_listing(
    uow: UnitOfWork,
    *,
    vehicle_id: int,
    price: Decimal | None = None,
    status: VehicleStatus | None = None,
) -> VehicleRecord:
    """Set the vehicle's price and/or status (None: left as it is)."""
    row = uow.get(Vehicle, vehicle_id, "vehicle")
    if price is not None:
        row.price = price
    if status is not None:
        row.status = status
    row.updated_at = uow.now()
    uow.flush()
    return _record(row)


def prices(uow: UnitOfWork, *, dealership_id: int) -> dict[str, Decimal]:
    """Stock number -> price of every vehicle of the dealership (to tell a price change)."""
    rows = uow.session.execute(
        sa.select(Vehicle.stock, Vehicle.price).where(Vehicle.dealership_id == dealership_id)
    )
    return {str(stock): Decimal(price) for stock, price in rows}


def vehicles_by_ids(uow: UnitOfWork, *, vehicle_ids: Collection[int]) -> list[VehicleRecord]:
    if not vehicle_ids:
        return []
    rows = uow.session.scalars(sa.select(Vehicle).where(Vehicle.id.in_(set(vehicle_ids))))
    return [_record(row) for row in rows]


def get_vehicle(uow: UnitOfWork, *, dealership_id: int, stock: str) -> VehicleRecord:
    row = _find(uow, dealership_id, stock)
    if row is None:
        raise NotFound(f"vehicle with stock number {stock!r} not found")
    return _record(row)


def get_vehicle_by_id(uow: UnitOfWork, *, vehicle_id: int) -> VehicleRecord:
    row = uow.get(Vehicle, vehicle_id, "vehicle")
    return _record(row)


def list_vehicles(
    uow: UnitOfWork, *, dealership_id: int, statuses: Sequence[VehicleStatus] | None = None
) -> list[VehicleRecord]:
    query = sa.select(Vehicle).where(Vehicle.dealership_id == dealership_id)
    if statuses is not None:
        query = query.where(Vehicle.status.in_(list(statuses)))
    rows = uow.session.scalars(query.order_by(Vehicle.make, Vehicle.model, Vehicle.stock))
    return [_record(row) for row in rows]


def inventory_version(uow: UnitOfWork, *, dealership_id: int) -> tuple[int, str]:
    """Changes whenever a vehicle of the dealership is added or updated (for caches)."""
    count, latest = uow.session.execute(
        sa.select(sa.func.count(Vehicle.id), sa.func.max(Vehicle.updated_at)).where(
            Vehicle.dealership_id == dealership_id
        )
    ).one()
    return int(count), str(latest)


def _find(uow: UnitOfWork, dealership_id: int, stock: str) -> Vehicle | None:
    return uow.session.scalar(
        sa.select(Vehicle).where(Vehicle.dealership_id == dealership_id, Vehicle.stock == stock)
    )


def _record(row: Vehicle) -> VehicleRecord:
    return from_row(
        VehicleRecord,
        row,
        price=Decimal(row.price),
        features=tuple(str(f) for f in row.features),
        specs=_specs(row.specs),
    )


def _specs(stored: dict[str, Any] | None) -> VehicleSpecs:
    known = set(VehicleSpecs.__dataclass_fields__)
    return VehicleSpecs(**{k: v for k, v in (stored or {}).items() if k in known})
