"""Small builders for store tests: a dealership with a salesperson, a car and a customer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from decimal import Decimal

from crm_store import customers, dealerships, staff, vehicles
from crm_store.db import Store
from crm_store.records import CustomerRecord, DealershipRecord, StaffRecord, VehicleRecord
from crm_store.types import Condition, Role, VehicleStatus

WEEKDAYS_9_TO_6 = {day: (time(9), time(18)) for day in range(6)}


@dataclass(frozen=True)
class Lot:
    dealer: DealershipRecord
    rep: StaffRecord
    car: VehicleRecord
    shopper: CustomerRecord


def make_lot(store: Store, *, slug: str = "harbor-point-honda") -> Lot:
    with store.unit_of_work() as uow:
        dealer = dealerships.upsert_dealership(
            uow,
            slug=slug,
            name="Harbor Point Honda",
            timezone="America/Los_Angeles",
            phone="+18055550100",
            address="1200 Harbor Blvd, Ventura, CA",
            test_drive_minutes=30,
            hours=WEEKDAYS_9_TO_6,
        )
        rep = staff.upsert_staff(
            uow,
            dealership_id=dealer.id,
            handle="maria",
            name="Maria Lopez",
            role=Role.SALES,
            phone="+15550100001",
            email="maria@harborpoint.example",
            shifts={0: (time(9), time(18)), 5: (time(9), time(17))},
        )
        car = vehicles.upsert_vehicle(
            uow,
            dealership_id=dealer.id,
            stock="U2101",
            vin="2HGFE2F59MH512345",
            year=2021,
            make="Honda",
            model="Civic",
            trim="EX",
            condition=Condition.USED,
            body="sedan",
            color="Sonic Gray Pearl",
            mileage=28450,
            price=Decimal("23995"),
            status=VehicleStatus.AVAILABLE,
            features=["Apple CarPlay", "Honda Sensing"],
        )
        shopper = customers.upsert_customer(
            uow,
            dealership_id=dealer.id,
            phone="(555) 123-0001",
            name="Dana Ruiz",
            assigned_staff_id=rep.id,
        )
    return Lot(dealer=dealer, rep=rep, car=car, shopper=shopper)
