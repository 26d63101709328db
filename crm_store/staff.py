"""Staff members, their weekly shifts and their current status (available / busy / off)."""

from __future__ import annotations

from dataclasses import fields

import sqlalchemy as sa

from crm_store.errors import NotFound
from crm_store.models import Staff, StaffShift
from crm_store.records import StaffRecord, Weekly, from_row
from crm_store.timeline import add_event
from crm_store.types import Role, StaffStatus
from crm_store.uow import UnitOfWork
from crm_store.weekly import as_weekly, sync_weekly


def upsert_staff(
    uow: UnitOfWork,
    *,
    dealership_id: int,
    handle: str,
    name: str,
    role: Role,
    phone: str | None,
    email: str | None,
    shifts: Weekly,
) -> StaffRecord:
    """Create or update the staff member `handle`; shifts are replaced as a whole.

    A new staff member starts `available`; an existing one keeps their current status.
    """
    now = uow.now()
    row = _find(uow, dealership_id, handle)
    if row is None:
        row = Staff(
            dealership_id=dealership_id,
            handle=handle,
            status=StaffStatus.AVAILABLE,
            status_changed_at=now,
            active=True,
            created_at=now,
        )
        uow.session.add(row)
    row.name = name
    row.role = role
    row.phone = phone
    row.email = email
    row.updated_at = now
    sync_weekly(uow, row.shifts, shifts, StaffShift)
    uow.flush()
    return _record(row)


def set_staff_status(uow: UnitOfWork, *, staff_id: int, status: StaffStatus) -> StaffRecord:
    """Change a staff member's status; a real change is stamped and put on the timeline."""
    row = _get(uow, staff_id)
    if row.status != status:
        previous = row.status
        row.status = status
        row.status_changed_at = row.updated_at = uow.now()
        add_event(
            uow,
            dealership_id=row.dealership_id,
            kind="staff_status_changed",
            staff_id=row.id,
            data={"from": previous.value, "to": status.value},
        )
        uow.flush()
    return _record(row)


def get_staff(uow: UnitOfWork, *, staff_id: int) -> StaffRecord:
    return _record(_get(uow, staff_id))


def find_staff(uow: UnitOfWork, *, dealership_id: int, handle: str) -> StaffRecord:
    row = _find(uow, dealership_id, handle)
    if row is None:
        raise NotFound(f"staff member {handle!r} not found")
    return _record(row)


def find_staff_by_phone(uow: UnitOfWork, *, dealership_id: int, phone: str) -> StaffRecord | None:
    row = uow.session.scalar(
        sa.select(Staff).where(Staff.dealership_id == dealership_id, Staff.phone == phone)
    )
    return None if row is None else _record(row)


# The staff table's columns that make a StaffRecord (shifts come from their own table).
_COLUMNS = [getattr(Staff, f.name) for f in fields(StaffRecord) if f.name != "shifts"]


def list_staff(
    uow: UnitOfWork, *, dealership_id: int, role: Role | None = None
) -> list[StaffRecord]:
    """The dealership's active staff (of `role` when given) by id, with their shifts.

    Two column queries, no ORM objects: availability asks for the sales team on every question.
    """
    which = [Staff.dealership_id == dealership_id, Staff.active]
    if role is not None:
        which.append(Staff.role == role)
    shifts: dict[int, Weekly] = {}
    for staff_id, weekday, starts, ends in uow.session.execute(
        sa.select(StaffShift.staff_id, StaffShift.weekday, StaffShift.starts, StaffShift.ends)
        .join(Staff, Staff.id == StaffShift.staff_id)
        .where(*which)
        .order_by(StaffShift.staff_id, StaffShift.weekday)
    ):
        shifts.setdefault(staff_id, {})[weekday] = (starts, ends)
    rows = uow.session.execute(sa.select(*_COLUMNS).where(*which).order_by(Staff.id))
    return [from_row(StaffRecord, row, shifts=shifts.get(row.id, {})) for row in rows]


def _find(uow: UnitOfWork, dealership_id: int, handle: str) -> Staff | None:
    return uow.session.scalar(
        sa.select(Staff).where(Staff.dealership_id == dealership_id, Staff.handle == handle)
    )


def _get(uow: UnitOfWork, staff_id: int) -> Staff:
    return uow.get(Staff, staff_id, "staff")


def _record(row: Staff) -> StaffRecord:
    return from_row(StaffRecord, row, shifts=as_weekly(row.shifts))
