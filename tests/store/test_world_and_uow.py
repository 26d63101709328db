"""Loading a dealership world is an idempotent upsert; a failed unit of work writes nothing."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from crm_store import appointments, customers, dealerships, knowledge_docs, staff, vehicles
from crm_store.db import Store
from crm_store.errors import NotFound
from crm_store.types import StaffStatus, VehicleStatus
from nightshift.world import apply_world, load_world_file, parse_world
from tests.factories import make_lot

DEMO = "examples/demo-dealership.yaml"

SMALL_WORLD = """
dealership:
  name: Harbor Point Honda
  timezone: America/Los_Angeles
  hours: {mon: "09:00-20:00", sat: "09:00-18:00"}
staff:
  - {handle: maria, name: Maria Lopez, role: sales, phone: "+15550100001",
     shifts: {mon: "09:00-18:00", sat: "09:00-18:00"}}
inventory:
  - {stock: U2101, vin: 2HGFE2F59MH512345, year: 2021, make: Honda, model: Civic, trim: EX,
     condition: used, mileage: 28450, price: 23995, status: available}
customers:
  - {name: Dana Ruiz, phone: "(555) 123-0001", assigned_to: maria}
appointments:
  - {stock: U2101, staff: maria, starts_at: 2026-03-07T10:00, customer: "+15551230001"}
staff_status: {maria: off}
"""


def _counts(store: Store, slug: str) -> tuple[int, int, int, int, int]:
    with store.unit_of_work() as uow:
        dealer = dealerships.get_dealership(uow, slug=slug)
        return (
            len(vehicles.list_vehicles(uow, dealership_id=dealer.id)),
            len(staff.list_staff(uow, dealership_id=dealer.id)),
            len(knowledge_docs.list_docs(uow, dealership_id=dealer.id)),
            len(customers.list_customers(uow, dealership_id=dealer.id)),
            len(appointments.list_appointments(uow, dealership_id=dealer.id)),
        )


def test_demo_world_loads_twice_without_duplicates(store: Store) -> None:
    world = load_world_file(DEMO)
    first = apply_world(store, world)
    before = _counts(store, first.dealership.slug)
    apply_world(store, world)
    assert _counts(store, first.dealership.slug) == before
    assert before[0] == len(world.inventory) >= 40
    assert before[1] == len(world.staff) and before[2] == len(world.knowledge)


def test_world_sets_hours_status_customers_and_local_appointment_times(store: Store) -> None:
    summary = apply_world(store, parse_world(SMALL_WORLD))
    apply_world(store, parse_world(SMALL_WORLD))
    with store.unit_of_work() as uow:
        dealer = dealerships.get_dealership(uow, slug="harbor-point-honda")
        maria = staff.find_staff(uow, dealership_id=dealer.id, handle="maria")
        dana = customers.find_by_phone(uow, dealership_id=dealer.id, phone="+15551230001")
        booked = appointments.list_appointments(uow, dealership_id=dealer.id)
    assert summary.dealership.id == dealer.id
    assert sorted(dealer.hours) == [0, 5] and dealer.hours[5][1].hour == 18
    assert maria.status is StaffStatus.OFF  # YAML's unquoted `off` read as the word
    assert dana is not None and dana.assigned_staff_id == maria.id
    assert len(booked) == 1 and booked[0].customer_id == dana.id
    # 10:00 in Ventura on 2026-03-07 (PST, UTC-8) is 18:00 UTC.
    local = datetime(2026, 3, 7, 10, 0, tzinfo=ZoneInfo("America/Los_Angeles"))
    assert booked[0].starts_at == local and booked[0].starts_at.hour == 18
    assert (booked[0].ends_at - booked[0].starts_at).total_seconds() == 30 * 60


def test_reloading_a_changed_world_updates_in_place(store: Store) -> None:
    apply_world(store, parse_world(SMALL_WORLD))
    changed = SMALL_WORLD.replace("price: 23995, status: available", "price: 22500, status: sold")
    changed = changed.replace('sat: "09:00-18:00"}\nstaff', 'sun: "10:00-17:00"}\nstaff')
    apply_world(store, parse_world(changed))
    with store.unit_of_work() as uow:
        dealer = dealerships.get_dealership(uow, slug="harbor-point-honda")
        car = vehicles.get_vehicle(uow, dealership_id=dealer.id, stock="U2101")
        every = vehicles.list_vehicles(uow, dealership_id=dealer.id)
    assert (car.price, car.status) == (Decimal("22500.00"), VehicleStatus.SOLD)
    assert len(every) == 1
    assert sorted(dealer.hours) == [0, 6]


def test_failed_unit_of_work_writes_nothing(store: Store) -> None:
    lot = make_lot(store)
    with pytest.raises(NotFound), store.unit_of_work() as uow:
        vehicles.set_vehicle_status(uow, vehicle_id=lot.car.id, status=VehicleStatus.SOLD)
        customers.update_contact(uow, customer_id=lot.shopper.id, name="Somebody Else")
        staff.get_staff(uow, staff_id=999_999)
    with store.unit_of_work() as uow:
        car = vehicles.get_vehicle_by_id(uow, vehicle_id=lot.car.id)
        shopper = customers.get_customer(uow, customer_id=lot.shopper.id)
    assert car.status is VehicleStatus.AVAILABLE and shopper.name == "Dana Ruiz"
