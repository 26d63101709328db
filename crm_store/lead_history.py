"""What one customer did that the lead score reads (`signals.score_facts`) and the other
services do not already give: their test drives, their handoffs and their last message, each
one query through an index on the customer (appointments.customer_id, handoffs.customer_id,
conversations.customer_id then messages by conversation), bounded by a start time.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from crm_store.models import Appointment, Conversation, Handoff, Message
from crm_store.records import AppointmentRecord, HandoffRecord, from_row
from crm_store.types import AppointmentStatus, Author
from crm_store.uow import UnitOfWork


def appointments_since(
    uow: UnitOfWork, *, customer_id: int, since: datetime
) -> list[AppointmentRecord]:
    """The customer's appointments starting at or after `since` (cancelled ones left out),
    in start order."""
    rows = uow.session.scalars(
        sa.select(Appointment)
        .where(
            Appointment.customer_id == customer_id,
            Appointment.starts_at >= since,
            Appointment.status != AppointmentStatus.CANCELLED,
        )
        .order_by(Appointment.starts_at, Appointment.id)
    )
    return [from_row(AppointmentRecord, row) for row in rows]


def handoffs_since(uow: UnitOfWork, *, customer_id: int, since: datetime) -> list[HandoffRecord]:
    """The customer's handoffs created at or after `since`, oldest first."""
    rows = uow.session.scalars(
        sa.select(Handoff)
        .where(Handoff.customer_id == customer_id, Handoff.created_at >= since)
        .order_by(Handoff.created_at, Handoff.id)
    )
    return [
        from_row(
            HandoffRecord,
            row,
            reasons=tuple(str(r) for r in row.reasons),
            summary=dict(row.summary),
        )
        for row in rows
    ]


def last_shopper_message(uow: UnitOfWork, *, customer_id: int) -> datetime | None:
    """When the customer last wrote, in any of their conversations (None: never)."""
    query = (
        sa.select(sa.func.max(Message.created_at))
        .join(Conversation, Message.conversation_id == Conversation.id)
        .where(Conversation.customer_id == customer_id, Message.author == Author.SHOPPER)
    )
    found: datetime | None = uow.session.scalar(query)
    return found
