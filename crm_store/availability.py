"""Open test-drive slots and booking against vehicle and salesperson calendars.

A slot is open when the dealership is open for the whole drive, it starts after the minimum
lead time, the vehicle is `available` and has no standing appointment overlapping it, and a
sales rep is on shift, not `off`, and free (the shopper's assigned rep first, otherwise the
on-shift rep with the fewest bookings that day).

This module reads the calendars, once per question (not once per day searched), and books;
the slot arithmetic of one day is `crm_store.slots`.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from crm_store import appointments, dealerships, staff, vehicles
from crm_store.errors import StoreError
from crm_store.models import Appointment
from crm_store.records import AppointmentRecord
from crm_store.slots import DEFAULT_POLICY, Booked, BookingPolicy, Request, Slot, day_slots, window
from crm_store.types import AppointmentStatus, Role, VehicleStatus
from crm_store.uow import UnitOfWork

__all__ = [
    "DEFAULT_POLICY",
    "OVERLAP_SQLSTATE",
    "SEARCH_DAYS",
    "BookingPolicy",
    "Slot",
    "SlotUnavailable",
    "book",
    "is_overlap",
    "nearest_open_slots",
    "open_slots_on",
    "reschedule",
]

SEARCH_DAYS = 14
FIRST_LOAD_DAYS = 2  # nearest_open_slots always looks at two days; most answers need no more
NEXT_LOAD_DAYS = 7


class SlotUnavailable(StoreError):
    """The requested time cannot be booked; `alternatives` are the nearest open slots."""

    def __init__(self, reason: str, alternatives: list[Slot]) -> None:
        super().__init__(reason)
        self.reason = reason
        self.alternatives = alternatives


def open_slots_on(
    uow: UnitOfWork,
    *,
    dealership_id: int,
    vehicle_id: int,
    day: date,
    preferred_staff_id: int | None = None,
    ignoring: int | None = None,
    policy: BookingPolicy = DEFAULT_POLICY,
) -> list[Slot]:
    """Every open slot of `vehicle_id` on the local date `day`, in time order.

    `ignoring` leaves one appointment out of the calendars (the one being rescheduled).
    """
    request = _request(uow, dealership_id, vehicle_id, preferred_staff_id, ignoring, policy)
    if request is None:
        return []
    return day_slots(request, day, _booked(uow, dealership_id, request, [day]))


def nearest_open_slots(
    uow: UnitOfWork,
    *,
    dealership_id: int,
    vehicle_id: int,
    around: datetime,
    count: int = 3,
    preferred_staff_id: int | None = None,
    ignoring: int | None = None,
    policy: BookingPolicy = DEFAULT_POLICY,
) -> list[Slot]:
    """The `count` open slots closest in time to `around` (same day first, then later days).

    The calendars are read once for the first two days and, only when those do not hold
    `count` slots, once per following week, up to `SEARCH_DAYS` days.
    """
    request = _request(uow, dealership_id, vehicle_id, preferred_staff_id, ignoring, policy)
    if request is None:
        return []
    first = around.astimezone(request.zone).date()
    days = [first + timedelta(days=offset) for offset in range(SEARCH_DAYS)]
    found: list[Slot] = []
    booked: list[Booked] = []
    loaded = 0
    for offset, day in enumerate(days):
        if offset >= loaded:
            loaded = offset + (NEXT_LOAD_DAYS if offset else FIRST_LOAD_DAYS)
            booked = _booked(uow, dealership_id, request, days[offset:loaded])
        found += day_slots(request, day, booked)
        if len(found) >= count and offset > 0:
            break
    found.sort(key=lambda s: (abs((s.starts_at - around).total_seconds()), s.starts_at))
    return sorted(found[:count], key=lambda s: s.starts_at)


def book(
    uow: UnitOfWork,
    *,
    dealership_id: int,
    vehicle_id: int,
    starts_at: datetime,
    customer_id: int | None,
    conversation_id: int | None,
    preferred_staff_id: int | None = None,
    source: str = "assistant",
    policy: BookingPolicy = DEFAULT_POLICY,
) -> AppointmentRecord:
    """Book the slot starting at `starts_at`, or raise `SlotUnavailable` with alternatives.

    The check above is for a good answer; the guarantee is the database's (an exclusion
    constraint on PostgreSQL, triggers on SQLite): of concurrent bookings of one slot exactly
    one commits, the others get "slot taken" and the nearest open slots.
    """
    match = _claim(uow, dealership_id, vehicle_id, starts_at, preferred_staff_id, None, policy)
    try:
        with uow.session.begin_nested():
            return appointments.create_appointment(
                uow,
                dealership_id=dealership_id,
                vehicle_id=vehicle_id,
                staff_id=match.staff_id,
                customer_id=customer_id,
                conversation_id=conversation_id,
                starts_at=match.starts_at,
                ends_at=match.ends_at,
                source=source,
            )
    except IntegrityError as exc:
        if not is_overlap(exc):
            raise
    raise _taken(uow, dealership_id, vehicle_id, starts_at, preferred_staff_id, None, policy)


def reschedule(
    uow: UnitOfWork,
    *,
    appointment_id: int,
    starts_at: datetime,
    policy: BookingPolicy = DEFAULT_POLICY,
) -> AppointmentRecord:
    """Move a standing appointment to `starts_at` (same vehicle), or raise `SlotUnavailable`."""
    current = appointments.get_appointment(uow, appointment_id=appointment_id)
    match = _claim(
        uow,
        current.dealership_id,
        current.vehicle_id,
        starts_at,
        current.staff_id,
        current.id,
        policy,
    )
    try:
        with uow.session.begin_nested():
            return appointments.move_appointment(
                uow,
                appointment_id=appointment_id,
                starts_at=match.starts_at,
                ends_at=match.ends_at,
                staff_id=match.staff_id,
            )
    except IntegrityError as exc:
        if not is_overlap(exc):
            raise
    uow.session.expire_all()  # the row still holds the refused values
    raise _taken(
        uow,
        current.dealership_id,
        current.vehicle_id,
        starts_at,
        current.staff_id,
        current.id,
        policy,
    )


OVERLAP_SQLSTATE = "23P01"  # PostgreSQL exclusion_violation


def is_overlap(exc: IntegrityError) -> bool:
    """Whether the database refused a write because two appointments would overlap."""
    return getattr(exc.orig, "sqlstate", None) == OVERLAP_SQLSTATE or "slot taken" in str(exc.orig)


def _taken(
    uow: UnitOfWork,
    dealership_id: int,
    vehicle_id: int,
    starts_at: datetime,
    preferred_staff_id: int | None,
    ignoring: int | None,
    policy: BookingPolicy,
) -> SlotUnavailable:
    alternatives = nearest_open_slots(
        uow,
        dealership_id=dealership_id,
        vehicle_id=vehicle_id,
        around=starts_at,
        preferred_staff_id=preferred_staff_id,
        ignoring=ignoring,
        policy=policy,
    )
    return SlotUnavailable("slot taken", alternatives)


def _claim(
    uow: UnitOfWork,
    dealership_id: int,
    vehicle_id: int,
    starts_at: datetime,
    preferred_staff_id: int | None,
    ignoring: int | None,
    policy: BookingPolicy,
) -> Slot:
    dealer = dealerships.get_dealership_by_id(uow, dealership_id=dealership_id)
    local_day = starts_at.astimezone(ZoneInfo(dealer.timezone)).date()
    slots = open_slots_on(
        uow,
        dealership_id=dealership_id,
        vehicle_id=vehicle_id,
        day=local_day,
        preferred_staff_id=preferred_staff_id,
        ignoring=ignoring,
        policy=policy,
    )
    match = next((s for s in slots if s.starts_at == starts_at), None)
    if match is not None:
        return match
    vehicle = vehicles.get_vehicle_by_id(uow, vehicle_id=vehicle_id)
    length = timedelta(minutes=dealer.test_drive_minutes)
    held = [
        a
        for a in _standing(uow, dealership_id, starts_at, starts_at + length)
        if a.id != ignoring and a.vehicle_id == vehicle_id
    ]
    if vehicle.status is not VehicleStatus.AVAILABLE:
        reason = f"vehicle is {vehicle.status.value}"
    elif held:
        reason = "slot taken"
    else:
        reason = "that time is not open"
    taken = _taken(uow, dealership_id, vehicle_id, starts_at, preferred_staff_id, ignoring, policy)
    raise SlotUnavailable(reason, taken.alternatives)


def _request(
    uow: UnitOfWork,
    dealership_id: int,
    vehicle_id: int,
    preferred_staff_id: int | None,
    ignoring: int | None,
    policy: BookingPolicy,
) -> Request | None:
    """What an availability question needs besides the appointments; None when the car is
    not `available` (then no day has a slot)."""
    dealer = dealerships.get_dealership_by_id(uow, dealership_id=dealership_id)
    vehicle = vehicles.get_vehicle_by_id(uow, vehicle_id=vehicle_id)
    if vehicle.status is not VehicleStatus.AVAILABLE:
        return None
    return Request(
        zone=ZoneInfo(dealer.timezone),
        hours=dealer.hours,
        length=timedelta(minutes=dealer.test_drive_minutes),
        vehicle_id=vehicle_id,
        reps=staff.list_staff(uow, dealership_id=dealership_id, role=Role.SALES),
        not_before=uow.now() + policy.lead_time,
        preferred_staff_id=preferred_staff_id,
        ignoring=ignoring,
        policy=policy,
    )


def _booked(
    uow: UnitOfWork, dealership_id: int, request: Request, days: list[date]
) -> list[Booked]:
    """The standing appointments of `days`, in one query (none when all are closed)."""
    spans = [span for day in days if (span := window(request, day)) is not None]
    if not spans:
        return []
    return _standing(uow, dealership_id, min(s for s, _ in spans), max(e for _, e in spans))


def _standing(uow: UnitOfWork, dealership_id: int, start: datetime, end: datetime) -> list[Booked]:
    """The dealership's appointments overlapping [start, end) that are not cancelled."""
    rows = uow.session.execute(
        sa.select(
            Appointment.id,
            Appointment.vehicle_id,
            Appointment.staff_id,
            Appointment.starts_at,
            Appointment.ends_at,
        ).where(
            Appointment.dealership_id == dealership_id,
            Appointment.status != AppointmentStatus.CANCELLED,
            Appointment.starts_at < end,
            Appointment.ends_at > start,
        )
    )
    return [Booked(*row) for row in rows]
