"""The durable outbox: replies wait here until their channel confirms the hand-over."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from crm_store import messages
from crm_store.models import Message, OutboxItem
from crm_store.records import MessageRecord
from crm_store.types import Author, Channel, Direction, OutboxStatus
from crm_store.uow import UnitOfWork


def enqueue(
    uow: UnitOfWork, *, message_id: int, channel: Channel, recipient: str, body: str
) -> int:
    """Queue a stored outbound message for delivery now; returns the outbox item id."""
    now = uow.now()
    row = OutboxItem(
        message_id=message_id,
        channel=channel,
        recipient=recipient,
        body=body,
        status=OutboxStatus.PENDING,
        attempts=0,
        next_attempt_at=now,
        created_at=now,
        updated_at=now,
    )
    uow.session.add(row)
    uow.flush()
    return row.id


def send_message(
    uow: UnitOfWork,
    *,
    conversation_id: int,
    channel: Channel,
    recipient: str,
    body: str,
    author: Author = Author.ASSISTANT,
    staff_id: int | None = None,
) -> MessageRecord:
    """Store an outbound message in its conversation and queue it for delivery, together:
    nothing is queued that the transcript does not show, nothing shown that is not queued."""
    stored = messages.record_message(
        uow,
        conversation_id=conversation_id,
        direction=Direction.OUTBOUND,
        author=author,
        staff_id=staff_id,
        body=body,
    ).message
    enqueue(uow, message_id=stored.id, channel=channel, recipient=recipient, body=body)
    return stored


@dataclass(frozen=True, slots=True)
class Claimed:
    id: int
    message_id: int
    conversation_id: int
    channel: Channel
    recipient: str
    body: str
    attempts: int
    author: str


def pending(uow: UnitOfWork, *, channel: Channel) -> list[Claimed]:
    """Every item still waiting to be sent on `channel`, oldest first (read-only)."""
    query = (
        sa.select(OutboxItem, Message.conversation_id, Message.author)
        .join(Message, Message.id == OutboxItem.message_id)
        .where(OutboxItem.channel == channel, OutboxItem.status == OutboxStatus.PENDING)
        .order_by(OutboxItem.id)
    )
    return [
        _claimed(row, conversation_id, author.value)
        for row, conversation_id, author in uow.session.execute(query).all()
    ]


def _claimed(row: OutboxItem, conversation_id: int, author: str) -> Claimed:
    return Claimed(
        row.id,
        row.message_id,
        conversation_id,
        row.channel,
        row.recipient,
        row.body,
        row.attempts,
        author,
    )


def claim(uow: UnitOfWork, *, channel: Channel, lease: timedelta, limit: int = 50) -> list[Claimed]:
    """Take the pending items whose time has come, oldest first, for one sender.

    Claimed items are hidden from other senders for `lease` (their next attempt moves
    forward), so two workers never send the same message; if this worker dies mid-send,
    the item comes back when the lease runs out (a restart resumes pending sends).
    """
    now = uow.now()
    query = (
        sa.select(OutboxItem, Message.conversation_id, Message.author)
        .join(Message, Message.id == OutboxItem.message_id)
        .where(
            OutboxItem.channel == channel,
            OutboxItem.status == OutboxStatus.PENDING,
            OutboxItem.next_attempt_at <= now,
        )
        .order_by(OutboxItem.next_attempt_at, OutboxItem.id)
        .limit(limit)
    )
    if uow.session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True, of=OutboxItem)
    claimed: list[Claimed] = []
    for row, conversation_id, author in uow.session.execute(query).all():
        row.next_attempt_at = now + lease
        claimed.append(_claimed(row, conversation_id, author.value))
    uow.flush()
    return claimed


def mark_sent(uow: UnitOfWork, *, item_id: int) -> None:
    row = _get(uow, item_id)
    row.status = OutboxStatus.SENT
    row.attempts += 1
    row.updated_at = uow.now()


def mark_failed(uow: UnitOfWork, *, item_id: int, error: str, retry_at: datetime | None) -> None:
    """Record a failed attempt; `retry_at=None` means permanent (the item is dead)."""
    row = _get(uow, item_id)
    row.attempts += 1
    row.last_error = error[:500]
    row.updated_at = uow.now()
    if retry_at is None:
        row.status = OutboxStatus.DEAD
    else:
        row.next_attempt_at = retry_at


def total(uow: UnitOfWork) -> int:
    """Every item ever queued (benchmarks count replies by it)."""
    return uow.session.scalar(sa.select(sa.func.count(OutboxItem.id))) or 0


def pending_count(uow: UnitOfWork) -> int:
    return (
        uow.session.scalar(
            sa.select(sa.func.count()).where(OutboxItem.status == OutboxStatus.PENDING)
        )
        or 0
    )


def _get(uow: UnitOfWork, item_id: int) -> OutboxItem:
    return uow.get(OutboxItem, item_id, "outbox item")
