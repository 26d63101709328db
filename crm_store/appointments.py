"""Test-drive appointments and their states. (Availability rules and the no-double-booking
guarantee are built on top of these rows by the booking service.)

States: booked -> confirmed -> showed / no_show, and booked or confirmed -> cancelled. Showed,
no_show and cancelled are final. `show_rate` counts how the appointments of a period turned
out.
"""

from __future__ import annotations

import secrets
from datetime import datetime

import sqlalchemy as sa

from crm_store import jobs
from crm_store.errors import InvalidValue, NotFound
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
    _changed(uow, row)
    return _record(row)


def get_by_token(uow: UnitOfWork, *, token: str) -> AppointmentRecord:
    """The appointment whose calendar link carries `token` (NotFound for any other)."""
    row = uow.session.scalar(sa.select(Appointment).where(Appointment.token == token))
    if row is None:
        raise NotFound("appointment not found")
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
    _changed(uow, row)
    return _record(row)


def cancel_appointment(
    uow: UnitOfWork, *, appointment_id: int, staff_id: int | None = None, note: str | None = None
) -> AppointmentRecord:
    """Cancel it (again: no change); its calendar SEQUENCE goes up by one.

    `staff_id` is the staff member who cancelled it; without one (the shopper cancelled) the
    timeline event carries the appointment's salesperson.
    """
    row = _get(uow, appointment_id)
    if row.status is not AppointmentStatus.CANCELLED:
        row.status = AppointmentStatus.CANCELLED
        row.sequence += 1
        row.updated_at = uow.now()
        uow.flush()
        data: dict[str, object] = {"appointment_id": row.id, "starts_at": row.starts_at.isoformat()}
        if note:
            data["note"] = note
        add_event(
            uow,
            dealership_id=row.dealership_id,
            customer_id=row.customer_id,
            conversation_id=row.conversation_id,
            staff_id=row.staff_id if staff_id is None else staff_id,
            kind="appointment_cancelled",
            data=data,
        )
        _changed(uow, row)
    return _record(row)


class TransitionRefused(InvalidValue):
    """A status change the state machine does not allow (an `InvalidValue` for `status`)."""

    def __init__(
        self, current: AppointmentStatus, value: AppointmentStatus, why: str, expected: str
    ) -> None:
        super().__init__("status", value.value, expected)
        self.current = current
        self.args = (
            f"status: cannot go from {current.value} to {value.value}{why}; expected {expected}",
        )


_NEXT: dict[AppointmentStatus, frozenset[AppointmentStatus]] = {
    AppointmentStatus.BOOKED: frozenset(
        {
            AppointmentStatus.CONFIRMED,
            AppointmentStatus.SHOWED,
            AppointmentStatus.NO_SHOW,
            AppointmentStatus.CANCELLED,
        }
    ),
    AppointmentStatus.CONFIRMED: frozenset(
        {AppointmentStatus.SHOWED, AppointmentStatus.NO_SHOW, AppointmentStatus.CANCELLED}
    ),
    AppointmentStatus.SHOWED: frozenset(),
    AppointmentStatus.NO_SHOW: frozenset(),
    AppointmentStatus.CANCELLED: frozenset(),
}
_BEFORE_START = frozenset({AppointmentStatus.CONFIRMED})
_AFTER_START = frozenset({AppointmentStatus.SHOWED, AppointmentStatus.NO_SHOW})


def set_status(
    uow: UnitOfWork,
    *,
    appointment_id: int,
    status: AppointmentStatus,
    staff_id: int | None = None,
    note: str | None = None,
) -> AppointmentRecord:
    """Move an appointment along its states, or refuse with `TransitionRefused` (an
    `InvalidValue` naming `status`).

    Allowed: booked -> confirmed (before it starts); booked or confirmed -> showed or no_show
    (once it has started, `uow.now() >= starts_at`); booked or confirmed -> cancelled (through
    `cancel_appointment`, which bumps the calendar SEQUENCE). Asking for the current status is
    a no-op: nothing changes and no event is added. Each change puts an `appointment_<status>`
    event on the customer's timeline carrying `staff_id` (who marked it; None for the shopper)
    and the `note`. The row is locked while deciding, so two staff members marking the same
    appointment at once cannot both win.
    """
    row = _get_for_update(uow, appointment_id)
    current = row.status
    if status is current:
        return _record(row)
    now = uow.now()
    started = now >= row.starts_at
    allowed = [s for s in AppointmentStatus if s in _NEXT[current] and _in_time(s, started)]
    if status not in allowed:
        raise _refusal(row, status, started, allowed)
    if status is AppointmentStatus.CANCELLED:
        return cancel_appointment(uow, appointment_id=row.id, staff_id=staff_id, note=note)
    row.status = status
    row.updated_at = now
    uow.flush()
    data: dict[str, object] = {
        "appointment_id": row.id,
        "from": current.value,
        "starts_at": row.starts_at.isoformat(),
    }
    if note:
        data["note"] = note
    add_event(
        uow,
        dealership_id=row.dealership_id,
        customer_id=row.customer_id,
        conversation_id=row.conversation_id,
        staff_id=staff_id,
        kind=f"appointment_{status.value}",
        data=data,
    )
    return _record(row)


def confirm(uow: UnitOfWork, *, appointment_id: int) -> AppointmentRecord:
    """The shopper's "C" / "confirm" reply: booked -> confirmed; already confirmed: unchanged.

    Refused (`TransitionRefused`) once the appointment has started or is over.
    """
    return set_status(uow, appointment_id=appointment_id, status=AppointmentStatus.CONFIRMED)


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


def _get_for_update(uow: UnitOfWork, appointment_id: int) -> Appointment:
    """The row, locked until the transaction ends (SELECT ... FOR UPDATE on PostgreSQL;
    SQLite writers are already serialised by the unit of work) and re-read, in case this
    session loaded it before the lock was taken."""
    row = uow.session.get(Appointment, appointment_id, with_for_update=True, populate_existing=True)
    if row is None:
        raise NotFound(f"appointment id {appointment_id} not found")
    return row


def _in_time(status: AppointmentStatus, started: bool) -> bool:
    """Confirmed only before the appointment starts; showed / no_show only once it has."""
    if status in _BEFORE_START:
        return not started
    if status in _AFTER_START:
        return started
    return True


def _refusal(
    row: Appointment,
    status: AppointmentStatus,
    started: bool,
    allowed: list[AppointmentStatus],
) -> TransitionRefused:
    current = row.status
    why = ""
    if status in _NEXT[current]:  # allowed, but not at this time
        when = "once the appointment has started" if started else "before the appointment starts"
        why = f" {when} (at {row.starts_at.isoformat()})"
    if allowed:
        expected = "one of " + ", ".join(repr(s.value) for s in [current, *allowed])
    else:
        expected = f"{current.value!r} (a {current.value} appointment is final)"
    return TransitionRefused(current, status, why, expected)


def _record(row: Appointment) -> AppointmentRecord:
    return from_row(AppointmentRecord, row)


CHANGED_JOB = "appointment_changed"


def _changed(uow: UnitOfWork, row: Appointment) -> None:
    """Queue, in the same transaction, what follows any booking, move or cancellation
    (calendar invites, reminders): a change can never be committed without its follow-up."""
    jobs.schedule(
        uow,
        kind=CHANGED_JOB,
        key=f"appointment:{row.id}:{row.sequence}",
        payload={"appointment_id": row.id, "sequence": row.sequence},
    )
