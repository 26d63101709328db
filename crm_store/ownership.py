"""Owned vehicles, their loans and leases, and the dealership's book-value table.

The facts an equity or lifecycle flag is computed from (`signals.lifecycle`), stored as the
dealership imported them (`signals.owner_import`). A VIN is one vehicle per dealership:
saving it again updates the row (and moves it to the customer given, when it changed hands)
and replaces its finance. The book-value table is saved whole: a new table replaces the old.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal
from typing import Literal

import sqlalchemy as sa

from crm_store.models import BookValue as BookValueRow
from crm_store.models import Customer, OwnedVehicle, VehicleFinance
from crm_store.records import from_row
from crm_store.uow import UnitOfWork

FinanceKind = Literal["loan", "lease"]


@dataclass(frozen=True, slots=True)
class Finance:
    """A loan or lease. A loan's payoff is `payoff` as of `payoff_on` when the lender gave
    it, else amortised from `apr` with `monthly_payment` or `amount_financed`; a lease's
    buyout is its `residual`."""

    kind: FinanceKind
    starts_on: date
    term_months: int
    apr: Decimal | None = None  # percent a year, e.g. 5.9
    monthly_payment: Decimal | None = None
    amount_financed: Decimal | None = None
    payoff: Decimal | None = None
    payoff_on: date | None = None
    residual: Decimal | None = None


@dataclass(frozen=True, slots=True)
class OwnedVehicleFacts:
    """A customer's vehicle as the dealership knows it (`mileage` as read on `mileage_on`)."""

    vin: str
    year: int
    make: str
    model: str
    trim: str | None = None
    mileage: int | None = None
    mileage_on: date | None = None
    purchased_on: date | None = None
    purchase_price: Decimal | None = None
    bought_here: bool = False
    warranty_ends_on: date | None = None
    warranty_miles: int | None = None
    finance: Finance | None = None


@dataclass(frozen=True, slots=True)
class Ownership:
    """An owned vehicle with its owner."""

    id: int
    customer_id: int
    customer_name: str | None
    vehicle: OwnedVehicleFacts


@dataclass(frozen=True, slots=True)
class BookValue:
    """A book value for a year, make, model, trim ('' = any trim) and a mileage band whose
    two ends are both included."""

    year: int
    make: str
    model: str
    trim: str
    mileage_low: int
    mileage_high: int
    value: Decimal


# the columns saved as given (the VIN is the key; the finance is its own row)
_VEHICLE_FIELDS = tuple(
    f.name for f in fields(OwnedVehicleFacts) if f.name not in ("vin", "finance")
)
_FINANCE_FIELDS = tuple(f.name for f in fields(Finance))


def save_owned_vehicle(
    uow: UnitOfWork, *, dealership_id: int, customer_id: int, vehicle: OwnedVehicleFacts
) -> bool:
    """Store the vehicle under its VIN for `customer_id`, with its finance (None removes
    any); True when the VIN was new to the dealership, False when it was updated."""
    owned = [(customer_id, vehicle)]
    return save_owned_vehicles(uow, dealership_id=dealership_id, owned=owned)[0]


def save_owned_vehicles(
    uow: UnitOfWork, *, dealership_id: int, owned: Sequence[tuple[int, OwnedVehicleFacts]]
) -> list[bool]:
    """`save_owned_vehicle` for each (customer id, vehicle) in order, in a number of queries
    that does not grow with the rows (an import of thousands); for each, whether its VIN was
    new to the dealership."""
    now = uow.now()
    stored = _by_vin(uow, dealership_id, {vehicle.vin for _, vehicle in owned})
    latest: dict[str, tuple[OwnedVehicle, Finance | None]] = {}
    created: list[bool] = []
    for customer_id, vehicle in owned:
        row = latest[vehicle.vin][0] if vehicle.vin in latest else stored.get(vehicle.vin)
        created.append(row is None)
        if row is None:
            row = OwnedVehicle(dealership_id=dealership_id, vin=vehicle.vin, created_at=now)
            uow.session.add(row)
        row.customer_id = customer_id
        for name in _VEHICLE_FIELDS:
            setattr(row, name, getattr(vehicle, name))
        row.updated_at = now
        latest[vehicle.vin] = (row, vehicle.finance)
    uow.flush()  # the new vehicles' ids, for their finance
    finances = _finances(uow, [row.id for row, _ in latest.values()])
    for row, given in latest.values():
        finance = finances.get(row.id)
        if given is None:
            if finance is not None:
                uow.session.delete(finance)
            continue
        if finance is None:
            finance = VehicleFinance(owned_vehicle_id=row.id)
            uow.session.add(finance)
        for name in _FINANCE_FIELDS:
            setattr(finance, name, getattr(given, name))
    uow.flush()
    return created


_CHUNK = 2_000  # values in one IN (...), well under SQLite's and PostgreSQL's limits


def _by_vin(uow: UnitOfWork, dealership_id: int, vins: Collection[str]) -> dict[str, OwnedVehicle]:
    ordered, found = sorted(vins), dict[str, OwnedVehicle]()
    for start in range(0, len(ordered), _CHUNK):
        query = sa.select(OwnedVehicle).where(
            OwnedVehicle.dealership_id == dealership_id,
            OwnedVehicle.vin.in_(ordered[start : start + _CHUNK]),
        )
        found.update((row.vin, row) for row in uow.session.scalars(query))
    return found


def _finances(uow: UnitOfWork, vehicle_ids: Sequence[int]) -> dict[int, VehicleFinance]:
    ordered, found = sorted(vehicle_ids), dict[int, VehicleFinance]()
    for start in range(0, len(ordered), _CHUNK):
        query = sa.select(VehicleFinance).where(
            VehicleFinance.owned_vehicle_id.in_(ordered[start : start + _CHUNK])
        )
        found.update((row.owned_vehicle_id, row) for row in uow.session.scalars(query))
    return found


def list_ownerships(uow: UnitOfWork, *, dealership_id: int) -> list[Ownership]:
    """Every owned vehicle of the dealership with its owner's name, by customer then VIN."""
    return _ownerships(uow, OwnedVehicle.dealership_id == dealership_id)


def ownerships_of(
    uow: UnitOfWork, *, dealership_id: int, customer_ids: Collection[int]
) -> dict[int, list[Ownership]]:
    """The owned vehicles of these customers (one query whatever their number), by customer
    id then VIN; a customer who owns none is absent."""
    if not customer_ids:
        return {}
    found: dict[int, list[Ownership]] = {}
    where = sa.and_(
        OwnedVehicle.dealership_id == dealership_id,
        OwnedVehicle.customer_id.in_(sorted(set(customer_ids))),
    )
    for owned in _ownerships(uow, where):
        found.setdefault(owned.customer_id, []).append(owned)
    return found


def update_mileage(
    uow: UnitOfWork, *, dealership_id: int, vin: str, mileage: int, on: date
) -> bool:
    """Record `mileage` read on `on` for the dealership's vehicle `vin` when it is newer than
    the one known (a later date, or none known); True when it was recorded."""
    row = uow.session.scalar(
        sa.select(OwnedVehicle).where(
            OwnedVehicle.dealership_id == dealership_id, OwnedVehicle.vin == vin
        )
    )
    if row is None or (row.mileage_on is not None and row.mileage_on > on):
        return False
    if row.mileage_on == on and row.mileage is not None and row.mileage >= mileage:
        return False
    row.mileage, row.mileage_on, row.updated_at = mileage, on, uow.now()
    uow.flush()
    return True


def _ownerships(uow: UnitOfWork, where: sa.ColumnElement[bool]) -> list[Ownership]:
    query = (
        sa.select(OwnedVehicle, VehicleFinance, Customer.name)
        .join(Customer, Customer.id == OwnedVehicle.customer_id)
        .outerjoin(VehicleFinance, VehicleFinance.owned_vehicle_id == OwnedVehicle.id)
        .where(where)
        .order_by(OwnedVehicle.customer_id, OwnedVehicle.vin)
    )
    return [
        Ownership(
            id=row.id,
            customer_id=row.customer_id,
            customer_name=name,
            vehicle=from_row(
                OwnedVehicleFacts, row, finance=None if finance is None else _finance(finance)
            ),
        )
        for row, finance, name in uow.session.execute(query)
    ]


def replace_book_values(uow: UnitOfWork, *, dealership_id: int, values: Sequence[BookValue]) -> int:
    """Make `values` the dealership's book-value table (the rows before are removed);
    returns how many rows it now has."""
    uow.session.execute(sa.delete(BookValueRow).where(BookValueRow.dealership_id == dealership_id))
    uow.session.add_all(
        BookValueRow(
            dealership_id=dealership_id,
            year=v.year,
            make=v.make,
            model=v.model,
            trim=v.trim,
            mileage_low=v.mileage_low,
            mileage_high=v.mileage_high,
            value=v.value,
        )
        for v in values
    )
    uow.flush()
    return len(values)


def list_book_values(uow: UnitOfWork, *, dealership_id: int) -> list[BookValue]:
    rows = uow.session.scalars(
        sa.select(BookValueRow)
        .where(BookValueRow.dealership_id == dealership_id)
        .order_by(
            BookValueRow.year,
            BookValueRow.make,
            BookValueRow.model,
            BookValueRow.trim,
            BookValueRow.mileage_low,
        )
    )
    return [from_row(BookValue, r) for r in rows]


def _finance(row: VehicleFinance) -> Finance:
    kind: FinanceKind = "lease" if row.kind == "lease" else "loan"
    return from_row(Finance, row, kind=kind)
