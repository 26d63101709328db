"""Upsert a validated world into the CRM store: all of it in one transaction, or nothing."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo

from crm_store import (
    appointments,
    customers,
    dealerships,
    knowledge_docs,
    staff,
    vehicles,
)
from crm_store.db import Store
from crm_store.records import DealershipRecord, DepartmentRecord, VehicleSpecs, Weekly
from nightshift.world.schema import DepartmentsSpec, WorldSpec, weekday_index
from nightshift.world.schema import Weekly as SpecWeekly
from signals import alerting
from signals.price_changes import price_changed


@dataclass(frozen=True)
class LoadSummary:
    dealership: DealershipRecord
    staff: int
    vehicles: int
    knowledge: int
    customers: int
    appointments: int
    alerts: int = 0  # price-drop alerts the inventory's new prices wrote

    def __str__(self) -> str:
        d = self.dealership
        return (
            f"{d.name} ({d.slug}): {self.vehicles} vehicles, {self.staff} staff, "
            f"{self.knowledge} knowledge texts, {self.customers} customers, "
            f"{self.appointments} appointments"
            + (f", {self.alerts} price-drop alerts" if self.alerts else "")
        )


def slugify(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:80] or "dealership"


def apply_world(store: Store, world: WorldSpec, *, slug: str | None = None) -> LoadSummary:
    """Insert or update everything in `world`; running it twice changes nothing the second time.

    Records the file does not mention are left as they are (nothing is deleted). The
    `signals:` block replaces the dealership's intent-rule settings (absent: the defaults);
    a vehicle whose price went down runs the price-drop rule (`signals.price_changes`).
    """
    spec = world.dealership
    zone = ZoneInfo(spec.timezone)
    with store.unit_of_work() as uow:
        dealer = dealerships.upsert_dealership(
            uow,
            slug=slug or slugify(spec.name),
            name=spec.name,
            timezone=spec.timezone,
            phone=spec.phone,
            address=spec.address,
            test_drive_minutes=spec.test_drive_minutes,
            hours=_weekly(spec.hours),
            departments=_departments(spec.departments),
        )
        alerting.save(uow, dealership_id=dealer.id, config=world.signals)
        staff_ids: dict[str, int] = {}
        for member in world.staff:
            record = staff.upsert_staff(
                uow,
                dealership_id=dealer.id,
                handle=member.handle,
                name=member.name,
                role=member.role,
                phone=member.phone,
                email=member.email,
                shifts=_weekly(member.shifts),
            )
            staff_ids[member.handle] = record.id
        for handle, status in world.staff_status.items():
            staff.set_staff_status(uow, staff_id=staff_ids[handle], status=status)
        vehicle_ids: dict[str, int] = {}
        old_prices = vehicles.prices(uow, dealership_id=dealer.id)
        alerts = 0
        for car in world.inventory:
            vehicle = vehicles.upsert_vehicle(
                uow,
                dealership_id=dealer.id,
                **car.model_dump(exclude={"specs"}),
                specs=VehicleSpecs(**car.specs.model_dump()) if car.specs else None,
            )
            vehicle_ids[car.stock] = vehicle.id
            if car.stock in old_prices:  # a lower price alerts the customers interested
                alerts += len(price_changed(uow, vehicle=vehicle, old=old_prices[car.stock]))
        for doc in world.knowledge:
            knowledge_docs.upsert_doc(uow, dealership_id=dealer.id, title=doc.title, text=doc.text)
        for person in world.customers:
            customers.upsert_customer(
                uow,
                dealership_id=dealer.id,
                phone=person.phone,
                name=person.name,
                email=person.email,
                assigned_staff_id=staff_ids[person.assigned_to] if person.assigned_to else None,
            )
        for booking in world.appointments:
            starts_at = booking.starts_at.replace(tzinfo=zone)
            vehicle_id = vehicle_ids[booking.stock]
            if appointments.find_appointment(uow, vehicle_id=vehicle_id, starts_at=starts_at):
                continue
            customer_id = None
            if booking.customer:
                customer, _ = customers.get_or_create_by_phone(
                    uow, dealership_id=dealer.id, phone=booking.customer, source="import"
                )
                customer_id = customer.id
            appointments.create_appointment(
                uow,
                dealership_id=dealer.id,
                vehicle_id=vehicle_id,
                staff_id=staff_ids[booking.staff] if booking.staff else None,
                customer_id=customer_id,
                starts_at=starts_at,
                ends_at=starts_at + timedelta(minutes=spec.test_drive_minutes),
                source="import",
            )
    return LoadSummary(
        dealership=dealer,
        staff=len(world.staff),
        vehicles=len(world.inventory),
        knowledge=len(world.knowledge),
        customers=len(world.customers),
        appointments=len(world.appointments),
        alerts=alerts,
    )


def _departments(spec: DepartmentsSpec) -> list[DepartmentRecord]:
    found = []
    for name in DepartmentsSpec.model_fields:
        department = getattr(spec, name)
        if department is not None:
            hours = _weekly(getattr(department, "hours", {}))
            found.append(DepartmentRecord(name, department.phone, department.email, hours))
    return found


def _weekly(spec: SpecWeekly) -> Weekly:
    return {weekday_index(day): span for day, span in spec.items()}
