"""The show rate, the KPI dealers judge test-drive booking by: of the appointments that were
due, how many shoppers came. One SQL query each, grouped per salesperson in the database."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from crm_store.errors import InvalidValue
from crm_store.models import Appointment
from crm_store.records import ShowRate
from crm_store.types import AppointmentStatus
from crm_store.uow import UnitOfWork


def overall(
    uow: UnitOfWork,
    *,
    dealership_id: int,
    start: datetime,
    end: datetime,
    staff_id: int | None = None,
) -> ShowRate:
    """How the appointments starting in [start, end) turned out, for one salesperson or all.

    `start` and `end` are aware datetimes (compared in UTC); the caller turns a local period
    ("this week in the dealership's time zone") into these bounds. Cancelled appointments are
    left out; appointments with no salesperson count only in the overall figures.
    """
    query = _tally(dealership_id, start, end)
    if staff_id is not None:
        query = query.where(Appointment.staff_id == staff_id)
    booked, showed, no_show, pending = uow.session.execute(query).one()
    return ShowRate(booked=booked, showed=showed, no_show=no_show, pending=pending)


def by_staff(
    uow: UnitOfWork, *, dealership_id: int, start: datetime, end: datetime
) -> dict[int, ShowRate]:
    """`overall` per salesperson id, in one grouped query; only salespeople with at least one
    (not cancelled) appointment starting in [start, end) appear."""
    query = (
        _tally(dealership_id, start, end)
        .add_columns(Appointment.staff_id)
        .where(Appointment.staff_id.is_not(None))
        .group_by(Appointment.staff_id)
    )
    return {
        staff_id: ShowRate(booked=booked, showed=showed, no_show=no_show, pending=pending)
        for booked, showed, no_show, pending, staff_id in uow.session.execute(query)
    }


def by_source(
    uow: UnitOfWork,
    *,
    dealership_id: int,
    start: datetime,
    end: datetime,
    staff_id: int | None = None,
) -> dict[str, ShowRate]:
    """`overall` per `appointments.source` (who or what booked it: `assistant` for the
    assistant), in one grouped query; only sources with at least one appointment appear."""
    query = (
        _tally(dealership_id, start, end)
        .add_columns(Appointment.source)
        .group_by(Appointment.source)
    )
    if staff_id is not None:
        query = query.where(Appointment.staff_id == staff_id)
    return {
        source: ShowRate(booked=booked, showed=showed, no_show=no_show, pending=pending)
        for booked, showed, no_show, pending, source in uow.session.execute(query)
    }


def _tally(dealership_id: int, start: datetime, end: datetime) -> sa.Select[int, int, int, int]:
    """booked, showed, no_show, pending over the not-cancelled appointments starting in
    [start, end); one row, or one per group when the caller groups it."""
    for name, value in (("start", start), ("end", end)):
        if value.tzinfo is None or value.utcoffset() is None:
            raise InvalidValue(name, value.isoformat(), "an aware datetime (UTC)")
    if end <= start:
        raise InvalidValue("end", end.isoformat(), f"a time after start ({start.isoformat()})")
    status = Appointment.status
    return sa.select(
        sa.func.count(),
        sa.func.count(sa.case((status == AppointmentStatus.SHOWED, 1))),
        sa.func.count(sa.case((status == AppointmentStatus.NO_SHOW, 1))),
        sa.func.count(
            sa.case((status.in_([AppointmentStatus.BOOKED, AppointmentStatus.CONFIRMED]), 1))
        ),
    ).where(
        Appointment.dealership_id == dealership_id,
        Appointment.starts_at >= start,
        Appointment.starts_at < end,
        status != AppointmentStatus.CANCELLED,
    )
