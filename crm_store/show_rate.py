"""The show rate, the KPI dealers judge test-drive booking by: of the appointments that were
due, how many shoppers came. One SQL query each, grouped per salesperson in the database;
`drives_by_channel` lists the test drives with where their booking came from, for the show
rate by source (`console.kpis`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from crm_store.errors import InvalidValue
from crm_store.models import Appointment, Conversation, OutreachAttempt
from crm_store.models.outreach import AttemptStatus
from crm_store.records import ShowRate
from crm_store.reports import ASSISTANT_SOURCE
from crm_store.types import AppointmentStatus, Channel
from crm_store.uow import UnitOfWork

STAFF = "staff"
OUTREACH = "outreach"
SOURCES = (Channel.SMS.value, Channel.WEB.value, OUTREACH, STAFF)
"""Where a test drive's booking came from, in the order the console lists them:

- `sms` / `web`: booked by the assistant, in a conversation of that channel;
- `outreach`: booked by the assistant in a conversation that had been sent an outreach text
  (`outreach_attempts`, sent) before the booking was made, whatever its channel: outreach
  may reuse the customer's open conversation rather than start one, so "after an outreach
  text" is what can be told;
- `staff`: any other `appointments.source` (a staff booking, a CRM import).

An assistant booking whose conversation was deleted has no channel left: it is `assistant`
(not in `SOURCES`, listed after them)."""


@dataclass(frozen=True, slots=True)
class SourcedDrive:
    """A test drive (not cancelled) of the period, with its conversation's public id (None:
    booked outside one) and where its booking came from (`booking_source`)."""

    public_id: str | None
    source: str
    status: AppointmentStatus


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
    status = Appointment.status
    return sa.select(
        sa.func.count(),
        sa.func.count(sa.case((status == AppointmentStatus.SHOWED, 1))),
        sa.func.count(sa.case((status == AppointmentStatus.NO_SHOW, 1))),
        sa.func.count(
            sa.case((status.in_([AppointmentStatus.BOOKED, AppointmentStatus.CONFIRMED]), 1))
        ),
    ).where(*_due(dealership_id, start, end))


def _due(dealership_id: int, start: datetime, end: datetime) -> tuple[sa.ColumnElement[bool], ...]:
    """The not-cancelled appointments starting in [start, end)."""
    check_period(start, end)
    return (
        Appointment.dealership_id == dealership_id,
        Appointment.starts_at >= start,
        Appointment.starts_at < end,
        Appointment.status != AppointmentStatus.CANCELLED,
    )


def check_period(start: datetime, end: datetime) -> None:
    """A period is two aware datetimes, `end` after `start` (else InvalidValue naming it)."""
    for name, value in (("start", start), ("end", end)):
        if value.tzinfo is None or value.utcoffset() is None:
            raise InvalidValue(name, value.isoformat(), "an aware datetime (UTC)")
    if end <= start:
        raise InvalidValue("end", end.isoformat(), f"a time after start ({start.isoformat()})")


def drives_by_channel(
    uow: UnitOfWork,
    *,
    dealership_id: int,
    start: datetime,
    end: datetime,
    staff_id: int | None = None,
) -> list[SourcedDrive]:
    """The test drives `overall` counts (starting in [start, end), not cancelled), each with
    where its booking came from, soonest first, in one query."""
    after_outreach = sa.exists().where(
        OutreachAttempt.conversation_id == Appointment.conversation_id,
        OutreachAttempt.status == AttemptStatus.SENT,
        OutreachAttempt.sent_at <= Appointment.created_at,
    )
    query = (
        sa.select(
            Conversation.public_id,
            Appointment.source,
            Conversation.channel,
            after_outreach,
            Appointment.status,
        )
        .select_from(Appointment)
        .outerjoin(Conversation, Conversation.id == Appointment.conversation_id)
        .where(*_due(dealership_id, start, end))
        .order_by(Appointment.starts_at, Appointment.id)
    )
    if staff_id is not None:
        query = query.where(Appointment.staff_id == staff_id)
    return [
        SourcedDrive(public_id, booking_source(source, channel, outreach=outreach), status)
        for public_id, source, channel, outreach, status in uow.session.execute(query)
    ]


def booking_source(source: str, channel: Channel | None, *, outreach: bool = False) -> str:
    """`SOURCES`' name for a booking by `source` in a conversation of `channel` (`outreach`:
    that had been sent an outreach text before the booking)."""
    if source != ASSISTANT_SOURCE:
        return STAFF
    if outreach:
        return OUTREACH
    return ASSISTANT_SOURCE if channel is None else Channel(channel).value
