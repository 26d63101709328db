"""What customers did that the lead score reads (`signals.score_facts`) and the other
services do not already give: their test drives, their handoffs and their last message.

Each function reads MANY customers in one query through an index on the customer
(appointments.customer_id, handoffs.customer_id, conversations.customer_id then messages by
conversation), bounded by a start time, and answers per customer id; a customer with nothing
is absent. The caller keeps `customer_ids` to a few thousand (one IN list; the scorer chunks).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from datetime import datetime

import sqlalchemy as sa

from crm_store.models import Appointment, Conversation, Handoff, Message
from crm_store.records import AppointmentRecord, HandoffRecord, from_row
from crm_store.types import AppointmentStatus, Author
from crm_store.uow import UnitOfWork


def appointments_since(
    uow: UnitOfWork, *, customer_ids: Collection[int], since: datetime
) -> dict[int, list[AppointmentRecord]]:
    """Each customer's appointments starting at or after `since` (cancelled ones left out),
    in start order."""
    if not customer_ids:
        return {}
    found: dict[int, list[AppointmentRecord]] = defaultdict(list)
    rows = uow.session.scalars(
        sa.select(Appointment)
        .where(
            Appointment.customer_id.in_(set(customer_ids)),
            Appointment.starts_at >= since,
            Appointment.status != AppointmentStatus.CANCELLED,
        )
        .order_by(Appointment.starts_at, Appointment.id)
    )
    for row in rows:
        if row.customer_id is not None:  # always: the IN list holds no null
            found[row.customer_id].append(from_row(AppointmentRecord, row))
    return dict(found)


def handoffs_since(
    uow: UnitOfWork, *, customer_ids: Collection[int], since: datetime
) -> dict[int, list[HandoffRecord]]:
    """Each customer's handoffs created at or after `since`, oldest first."""
    if not customer_ids:
        return {}
    found: dict[int, list[HandoffRecord]] = defaultdict(list)
    rows = uow.session.scalars(
        sa.select(Handoff)
        .where(Handoff.customer_id.in_(set(customer_ids)), Handoff.created_at >= since)
        .order_by(Handoff.created_at, Handoff.id)
    )
    for row in rows:
        found[row.customer_id].append(
            from_row(
                HandoffRecord,
                row,
                reasons=tuple(str(r) for r in row.reasons),
                summary=dict(row.summary),
            )
        )
    return dict(found)


def last_shopper_messages(uow: UnitOfWork, *, customer_ids: Collection[int]) -> dict[int, datetime]:
    """When each customer last wrote, in any of their conversations (absent: never)."""
    if not customer_ids:
        return {}
    query = (
        sa.select(Conversation.customer_id, sa.func.max(Message.created_at))
        .join(Conversation, Message.conversation_id == Conversation.id)
        .where(Conversation.customer_id.in_(set(customer_ids)), Message.author == Author.SHOPPER)
        .group_by(Conversation.customer_id)
    )
    return {cid: at for cid, at in uow.session.execute(query) if at is not None}
