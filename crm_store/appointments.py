"""Test-drive appointments. (Availability rules and the no-double-booking guarantee are
built on top of these rows by the booking service.)"""

from __future__ import annotations

import secrets
from datetime import datetime

import sqlalchemy as sa

from crm_store.errors import InvalidValue
from crm_store.models import Appointment
from crm_store.records import AppointmentRecord, from_row
from crm_store.timeline import add_event
from crm_store.types import AppointmentStatus
from crm_store.uow import UnitOfWork


def create_appointment(
    uow: UnitOfWork,
    *,
    dealership_id: int,
    vehicle_id: int,
    starts_at: datetime,
    ends_at: datetime,
    source: str,
    customer_id: int | None = None,
    staff_id: int | None = None,
    conversation_id: int | None = None,
) -> AppointmentRecord:
    if ends_at <= starts_at:
        raise InvalidValue("ends_at", ends_at.isoformat(), f"a time after {starts_at.isoformat()}")
    now = uow.now()
    row = Appointment(
        dealership_id=dealership_id,
        customer_id=customer_id,
        vehicle_id=vehicle_id,
        staff_id=staff_id,
        conversation_id=conversation_id,
        starts_at=starts_at,
        ends_at=ends_at,
        status=AppointmentStatus.BOOKED,
        token=secrets.token_urlsafe(24),
        sequence=0,
        source=source,
        created_at=now,
        updated_at=now,
    )
    uow.session.add(row)
    uow.flush()
    add_event(
        uow,
        dealership_id=dealership_id,
        customer_id=customer_id,
        conversation_id=conversation_id,
        staff_id=staff_id,
        kind="appointment_booked",
        data={"appointment_id": row.id, "starts_at": starts_at.isoformat()},
    )
    return _record(row)


def get_appointment(uow: UnitOfWork, *, appointment_id: int) -> AppointmentRecord:
    return _record(_get(uow, appointment_id))


def move_appointment(
    uow: UnitOfWork,
    *,
    appointment_id: int,
    starts_at: datetime,
    ends_at: datetime,
    staff_id: int | None,
) -> AppointmentRecord:
    """Change the time of an appointment; its calendar SEQUENCE goes up by one."""
    row = _get(uow, appointment_id)
    previous = row.starts_at
    row.starts_at, row.ends_at, row.staff_id = starts_at, ends_at, staff_id
    row.sequence += 1
    row.updated_at = uow.now()
    uow.flush()
    add_event(
        uow,
        dealership_id=row.dealership_id,
        customer_id=row.customer_id,
        conversation_id=row.conversation_id,
        staff_id=staff_id,
        kind="appointment_rescheduled",
        data={
            "appointment_id": row.id,
            "from": previous.isoformat(),
            "starts_at": starts_at.isoformat(),
        },
    )
    return _record(row)


def cancel_appointment(uow: UnitOfWork, *, appointment_id: int) -> AppointmentRecord:
    row = _get(uow, appointment_id)
    if row.status is not AppointmentStatus.CANCELLED:
        row.status = AppointmentStatus.CANCELLED
        row.sequence += 1
        row.updated_at = uow.now()
        uow.flush()
        add_event(
            uow,
            dealership_id=row.dealership_id,
            customer_id=row.customer_id,
            conversation_id=row.conversation_id,
            staff_id=row.staff_id,
            kind="appointment_cancelled",
            data={"appointment_id": row.id, "starts_at": row.starts_at.isoformat()},
        )
    return _record(row)


def upcoming_for_customer(uow: UnitOfWork, *, customer_id: int) -> list[AppointmentRecord]:
    """The customer's standing appointments that have not started yet, soonest first."""
    rows = uow.session.scalars(
        sa.select(Appointment)
        .where(
            Appointment.customer_id == customer_id,
            Appointment.status.in_([AppointmentStatus.BOOKED, AppointmentStatus.CONFIRMED]),
            Appointment.starts_at >= uow.now(),
        )
        .order_by(Appointment.starts_at)
    )
    return [_record(row) for row in rows]


def find_appointment(
    uow: UnitOfWork, *, vehicle_id: int, starts_at: datetime
) -> AppointmentRecord | None:
    """The standing (not cancelled) appointment of a vehicle at exactly this start time."""
    row = uow.session.scalar(
        sa.select(Appointment).where(
            Appointment.vehicle_id == vehicle_id,
            Appointment.starts_at == starts_at,
            Appointment.status != AppointmentStatus.CANCELLED,
        )
    )
    return None if row is None else _record(row)


def list_appointments(
    uow: UnitOfWork, *, dealership_id: int, include_cancelled: bool = False
) -> list[AppointmentRecord]:
    query = sa.select(Appointment).where(Appointment.dealership_id == dealership_id)
    if not include_cancelled:
        query = query.where(Appointment.status != AppointmentStatus.CANCELLED)
    rows = uow.session.scalars(query.order_by(Appointment.starts_at, Appointment.id))
    return [_record(row) for row in rows]


def _get(uow: UnitOfWork, appointment_id: int) -> Appointment:
    return uow.get(Appointment, appointment_id, "appointment")


def _record(row: Appointment) -> AppointmentRecord:
    return from_row(AppointmentRecord, row)
