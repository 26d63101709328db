"""Vehicle spec sheets and dealership departments (issue 15): a world file's optional
`inventory[].specs` and `dealership.departments` are stored, read back as immutable records,
replaced as a whole on reload, and survive the 0006 -> 0007 upgrade on rows that predate them."""

from __future__ import annotations

from datetime import time

from crm_store import dealerships, migrate, vehicles
from crm_store.db import Store
from crm_store.records import DealershipRecord, DepartmentRecord, VehicleRecord, VehicleSpecs
from nightshift.world import apply_world, parse_world

WORLD = """
dealership:
  name: Lakeside Subaru
  timezone: America/Chicago
  phone: "+13125550100"
  hours: {mon: "09:00-19:00", sat: "09:00-17:00"}
  departments:
    service: {phone: "(312) 555-0120", hours: {mon: "07:30-18:00", sat: "08:00-14:00"}}
    parts: {phone: "+13125550130", email: parts@lakeside.example}
    sales: {phone: "+13125550101"}
inventory:
  - stock: S100
    vin: 4S4BTANC5L3123456
    year: 2020
    make: Subaru
    model: Outback
    condition: used
    price: 21995
    features: [EyeSight driver assist]
    specs: {engine: 2.5L boxer, drivetrain: all-wheel drive, transmission: CVT automatic,
            fuel_economy: "26 city / 33 highway mpg", seats: 5, towing: "2,700 lbs"}
  - stock: S101
    vin: 4S4BTANC5L3123457
    year: 2021
    make: Subaru
    model: Outback
    condition: used
    price: 22995
"""


def _load(store: Store, text: str = WORLD) -> tuple[DealershipRecord, list[VehicleRecord]]:
    apply_world(store, parse_world(text))
    return _read(store)


def _read(store: Store) -> tuple[DealershipRecord, list[VehicleRecord]]:
    with store.unit_of_work() as uow:
        dealer = dealerships.get_dealership(uow, slug="lakeside-subaru")
        cars = vehicles.list_vehicles(uow, dealership_id=dealer.id)
    return dealer, list(cars)


def test_specs_and_departments_are_stored_and_read_back(store: Store) -> None:
    dealer, cars = _load(store)
    outback, bare = sorted(cars, key=lambda c: c.stock)
    assert outback.specs == VehicleSpecs(
        engine="2.5L boxer",
        drivetrain="AWD",  # "all-wheel drive" as one spelling
        transmission="CVT automatic",
        fuel_economy="26 city / 33 highway mpg",
        seats=5,
        towing=2700,
    )
    assert bare.specs == VehicleSpecs() and bare.specs.stated() == {}
    assert len({outback, bare}) == 2  # records stay hashable with their spec sheet
    service = dealer.department("service")
    assert service == DepartmentRecord(
        "service", "+13125550120", None, {0: (time(7, 30), time(18)), 5: (time(8), time(14))}
    )
    parts = dealer.department("parts")
    assert parts is not None
    assert (parts.phone, parts.email, parts.hours) == (
        "+13125550130",
        "parts@lakeside.example",
        {},
    )
    assert dealer.department("finance") is None


def test_reloading_replaces_specs_and_departments_as_a_whole(store: Store) -> None:
    _load(store)
    changed = WORLD.replace(
        '    parts: {phone: "+13125550130", email: parts@lakeside.example}\n', ""
    )
    changed = changed.replace('seats: 5, towing: "2,700 lbs"', "seats: 6")
    dealer, cars = _load(store, changed)
    outback = next(c for c in cars if c.stock == "S100")
    assert outback.specs.seats == 6 and outback.specs.towing is None
    assert [d.name for d in dealer.departments] == ["sales", "service"]


def test_rows_from_before_the_upgrade_read_as_no_specs_and_no_departments(db_url: str) -> None:
    """Downgrade to 0006 with rows present, upgrade again: on SQLite and PostgreSQL the new
    columns start NULL and read as an empty spec sheet and no departments."""
    store = Store(db_url)
    try:
        _load(store)
        store.dispose()
        migrate.downgrade(db_url, "0006")
        migrate.upgrade(db_url)
        assert migrate.current_revision(db_url) == migrate.head_revision()
        store = Store(db_url)
        dealer, cars = _read(store)
        assert dealer.departments == ()
        assert all(c.specs == VehicleSpecs() for c in cars)
    finally:
        store.dispose()
