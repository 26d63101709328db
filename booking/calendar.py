"""One appointment's calendar file, read from the store in one unit of work.

The salesperson's invite (`follow_ups`) and the shopper's calendar link (the `.ics` route)
show the same event, so both load it here and build it with `invites.appointment_ics`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from booking.invites import appointment_ics
from crm_store import customers, dealerships, staff, vehicles
from crm_store.records import (
    AppointmentRecord,
    CustomerRecord,
    DealershipRecord,
    StaffRecord,
    VehicleRecord,
)
from crm_store.types import AppointmentStatus
from crm_store.uow import UnitOfWork


@dataclass(frozen=True)
class CalendarParts:
    """Everything a calendar file of one appointment shows, read in one unit of work."""

    appointment: AppointmentRecord
    dealership: DealershipRecord
    vehicle: VehicleRecord
    staff: StaffRecord | None
    customer: CustomerRecord | None

    @classmethod
    def load(cls, uow: UnitOfWork, appt: AppointmentRecord) -> CalendarParts:
        return cls(
            appt,
            dealerships.get_dealership_by_id(uow, dealership_id=appt.dealership_id),
            vehicles.get_vehicle_by_id(uow, vehicle_id=appt.vehicle_id),
            staff.get_staff(uow, staff_id=appt.staff_id) if appt.staff_id else None,
            customers.get_customer(uow, customer_id=appt.customer_id) if appt.customer_id else None,
        )

    @property
    def method(self) -> Literal["REQUEST", "CANCEL"]:
        """A cancelled appointment's file removes the event from the calendar."""
        cancelled = self.appointment.status is AppointmentStatus.CANCELLED
        return "CANCEL" if cancelled else "REQUEST"

    def ics(self, *, now: datetime, organizer_email: str, link: str | None = None) -> bytes:
        return appointment_ics(
            appointment=self.appointment,
            dealership=self.dealership,
            vehicle=self.vehicle,
            staff=self.staff,
            customer=self.customer,
            method=self.method,
            now=now,
            organizer_email=organizer_email,
            link=link,
        )
