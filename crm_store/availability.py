"""Open test-drive slots and booking against vehicle and salesperson calendars.

A slot is open when the dealership is open for the whole drive, it starts after the minimum
lead time, the vehicle is `available` and has no standing appointment overlapping it, and a
sales rep is on shift, not `off`, and free (the shopper's assigned rep first, otherwise the
on-shift rep with the fewest bookings that day).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from crm_store import appointments, dealerships, staff, vehicles
from crm_store.errors import StoreError
from crm_store.models import Appointment
from crm_store.records import AppointmentRecord, StaffRecord
from crm_store.types import AppointmentStatus, Role, StaffStatus, VehicleStatus
from crm_store.uow import UnitOfWork

SEARCH_DAYS = 14


@dataclass(frozen=True, slots=True)
class BookingPolicy:
    """The dealership's booking rules (settings): slots start every `step`, no sooner than
    `lead_time` from now, with `buffer` kept free before and after each drive of the same car
    or salesperson (to bring the car back, clean it, and meet the next shopper)."""

    lead_time: timedelta = timedelta(hours=1)
    buffer: timedelta = timedelta(0)
    step: timedelta = timedelta(minutes=30)


DEFAULT_POLICY = BookingPolicy()


@dataclass(frozen=True, slots=True)
class Slot:
    starts_at: datetime
    ends_at: datetime
    staff_id: int | None


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
    dealer = dealerships.get_dealership_by_id(uow, dealership_id=dealership_id)
    vehicle = vehicles.get_vehicle_by_id(uow, vehicle_id=vehicle_id)
    if vehicle.status is not VehicleStatus.AVAILABLE or day.weekday() not in dealer.hours:
        return []
    zone = ZoneInfo(dealer.timezone)
    length = timedelta(minutes=dealer.test_drive_minutes)
    opens, closes = dealer.hours[day.weekday()]
    start = datetime.combine(day, opens, tzinfo=zone)
    end_of_day = datetime.combine(day, closes, tzinfo=zone)
    not_before = uow.now() + policy.lead_time
    pad = policy.buffer
    busy = [
        a for a in _standing(uow, dealership_id, start - pad, end_of_day + pad) if a.id != ignoring
    ]
    reps = [
        s
        for s in staff.list_staff(uow, dealership_id=dealership_id, role=Role.SALES)
        if s.status is not StaffStatus.OFF and day.weekday() in s.shifts
    ]
    slots: list[Slot] = []
    while start + length <= end_of_day:
        ends = start + length
        if start >= not_before and not any(
            a.vehicle_id == vehicle_id and _overlaps(a, start - pad, ends + pad) for a in busy
        ):
            rep = _pick_rep(reps, busy, zone, start, ends, preferred_staff_id, pad)
            if rep is not None or not reps:
                slots.append(Slot(start, ends, rep.id if rep else None))
        start += policy.step
    return slots


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
    """The `count` open slots closest in time to `around` (same day first, then later days)."""
    dealer = dealerships.get_dealership_by_id(uow, dealership_id=dealership_id)
    local = around.astimezone(ZoneInfo(dealer.timezone))
    found: list[Slot] = []
    for offset in range(SEARCH_DAYS):
        day = local.date() + timedelta(days=offset)
        found += open_slots_on(
            uow,
            dealership_id=dealership_id,
            vehicle_id=vehicle_id,
            day=day,
            preferred_staff_id=preferred_staff_id,
            ignoring=ignoring,
            policy=policy,
        )
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


def _standing(
    uow: UnitOfWork, dealership_id: int, start: datetime, end: datetime
) -> list[Appointment]:
    return list(
        uow.session.scalars(
            sa.select(Appointment).where(
                Appointment.dealership_id == dealership_id,
                Appointment.status != AppointmentStatus.CANCELLED,
                Appointment.starts_at < end,
                Appointment.ends_at > start,
            )
        )
    )


def _overlaps(appointment: Appointment, start: datetime, end: datetime) -> bool:
    return appointment.starts_at < end and appointment.ends_at > start


def _pick_rep(
    reps: list[StaffRecord],
    busy: list[Appointment],
    zone: ZoneInfo,
    start: datetime,
    end: datetime,
    preferred: int | None,
    pad: timedelta,
) -> StaffRecord | None:
    local_start, local_end = start.astimezone(zone).time(), end.astimezone(zone).time()

    def free(rep: StaffRecord) -> bool:
        shift = rep.shifts[start.astimezone(zone).weekday()]
        on_shift = shift[0] <= local_start and local_end <= (shift[1] or time.max)
        return on_shift and not any(
            a.staff_id == rep.id and _overlaps(a, start - pad, end + pad) for a in busy
        )

    candidates = [r for r in reps if free(r)]
    for rep in candidates:
        if rep.id == preferred:
            return rep
    load = {r.id: sum(1 for a in busy if a.staff_id == r.id) for r in candidates}
    return min(candidates, key=lambda r: (load[r.id], r.id), default=None)
