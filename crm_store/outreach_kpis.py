"""The facts behind the outreach KPIs: per outreach text sent in a period, its conversation
and when, after it, the shopper first wrote in that conversation and when a test drive (not
cancelled) was first booked in it. `console.kpis` turns them into reply and booking rates
within a number of days; this module only reads the times.

One query whatever the volume: the dealership's sent attempts are read through
`ix_outreach_attempts_dealership_status_send` (dealership, status), the first reply with a
correlated `min()` over `messages(conversation_id, created_at)` and the first booking over
the appointments of the conversation (`appointments.conversation_id`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from crm_store.models import Appointment, Conversation, Customer, Message, OutreachAttempt
from crm_store.models.outreach import AttemptStatus
from crm_store.show_rate import check_period
from crm_store.types import AppointmentStatus, Author
from crm_store.uow import UnitOfWork


@dataclass(frozen=True, slots=True)
class OutreachFacts:
    """An outreach text sent in the period (`public_id`: its conversation's)."""

    attempt_id: int
    public_id: str | None
    sent_at: datetime
    first_reply_at: datetime | None
    first_booking_at: datetime | None


def outreach_sent(
    uow: UnitOfWork,
    *,
    dealership_id: int,
    start: datetime,
    end: datetime,
    staff_id: int | None = None,
) -> list[OutreachFacts]:
    """The dealership's outreach texts sent in [start, end), oldest first; with `staff_id`,
    those to customers assigned to that salesperson."""
    check_period(start, end)
    attempt = OutreachAttempt
    first_reply = (
        sa.select(sa.func.min(Message.created_at))
        .where(
            Message.conversation_id == attempt.conversation_id,
            Message.author == Author.SHOPPER,
            Message.created_at > attempt.sent_at,
        )
        .scalar_subquery()
    )
    first_booking = (
        sa.select(sa.func.min(Appointment.created_at))
        .where(
            Appointment.conversation_id == attempt.conversation_id,
            Appointment.status != AppointmentStatus.CANCELLED,
            Appointment.created_at >= attempt.sent_at,
        )
        .scalar_subquery()
    )
    query = (
        sa.select(attempt.id, Conversation.public_id, attempt.sent_at, first_reply, first_booking)
        .outerjoin(Conversation, Conversation.id == attempt.conversation_id)
        .where(
            attempt.dealership_id == dealership_id,
            attempt.status == AttemptStatus.SENT,
            attempt.sent_at >= start,
            attempt.sent_at < end,
        )
    )
    if staff_id is not None:
        query = query.where(
            sa.exists().where(
                Customer.id == attempt.customer_id, Customer.assigned_staff_id == staff_id
            )
        )
    rows = uow.session.execute(query.order_by(attempt.sent_at, attempt.id))
    return [
        OutreachFacts(attempt_id, public_id, sent_at, reply_at, booking_at)
        for attempt_id, public_id, sent_at, reply_at, booking_at in rows
        if sent_at is not None  # never, by the period filter; for the type
    ]
