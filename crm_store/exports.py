"""Reads for the exports: for a conversation saved as a QA scenario, the appointments that
stood when it began; for the conversations CSV, the shoppers, handoffs and test drives of the
conversations started in a period (the conversations themselves are `crm_store.reports`'),
one query each, bounded by the period's conversations (indexed by dealership and start), not
by the dealership's whole history."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from crm_store.models import Appointment, Conversation, Customer, Handoff
from crm_store.records import AppointmentRecord, CustomerRecord, HandoffRecord, from_row
from crm_store.types import AppointmentStatus, Author
from crm_store.uow import UnitOfWork

_REPLIES = (Author.ASSISTANT, Author.STAFF)


@dataclass(frozen=True, slots=True)
class PeriodParties:
    """Who and what the conversations started in a period involve: their shoppers by id,
    and by conversation id their handoffs (oldest first) and test drives (not cancelled,
    soonest first)."""

    customers: dict[int, CustomerRecord]
    handoffs: dict[int, list[HandoffRecord]]
    appointments: dict[int, list[AppointmentRecord]]


def period_parties(
    uow: UnitOfWork, *, dealership_id: int, start: datetime, end: datetime
) -> PeriodParties:
    """The shoppers, handoffs and test drives of the dealership's conversations created in
    [start, end) (the rows `reports.conversations_started` lists), in three queries."""
    started = sa.select(Conversation.id).where(
        Conversation.dealership_id == dealership_id,
        Conversation.created_at >= start,
        Conversation.created_at < end,
    )
    shoppers = sa.select(Conversation.customer_id).where(Conversation.id.in_(started))
    people = uow.session.scalars(
        sa.select(Customer).where(Customer.id.in_(shoppers)).order_by(Customer.id)
    )
    raised: dict[int, list[HandoffRecord]] = defaultdict(list)
    for found in uow.session.scalars(
        sa.select(Handoff).where(Handoff.conversation_id.in_(started)).order_by(Handoff.id)
    ):
        raised[found.conversation_id].append(_handoff(found))
    booked: dict[int, list[AppointmentRecord]] = defaultdict(list)
    for drive in uow.session.scalars(
        sa.select(Appointment)
        .where(
            Appointment.conversation_id.in_(started),
            Appointment.status != AppointmentStatus.CANCELLED,
        )
        .order_by(Appointment.starts_at, Appointment.id)
    ):
        if drive.conversation_id is not None:  # always, by the filter
            booked[drive.conversation_id].append(from_row(AppointmentRecord, drive))
    return PeriodParties({c.id: _customer(c) for c in people}, dict(raised), dict(booked))


def _customer(row: Customer) -> CustomerRecord:
    """As `crm_store.customers` returns it."""
    extra = tuple(str(c.get("value")) for c in row.extra_contacts or [] if c.get("value"))
    return from_row(CustomerRecord, row, extra_contacts=extra)


def _handoff(row: Handoff) -> HandoffRecord:
    """As `crm_store.handoffs` returns it."""
    reasons = tuple(str(r) for r in row.reasons)
    return from_row(HandoffRecord, row, reasons=reasons, summary=dict(row.summary))


def appointments_standing_at(
    uow: UnitOfWork, *, dealership_id: int, at: datetime
) -> list[AppointmentRecord]:
    """The dealership's appointments that were booked before `at`, start after it and are not
    cancelled now: the calendar a conversation beginning at `at` met (as far as the store
    can tell; when a later-cancelled one was cancelled is not recorded)."""
    rows = uow.session.scalars(
        sa.select(Appointment)
        .where(
            Appointment.dealership_id == dealership_id,
            Appointment.created_at < at,
            Appointment.starts_at > at,
            Appointment.status != AppointmentStatus.CANCELLED,
        )
        .order_by(Appointment.starts_at, Appointment.id)
    )
    return [from_row(AppointmentRecord, row) for row in rows]
