"""The durable outbox: replies wait here until their channel confirms the hand-over."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from crm_store.errors import NotFound
from crm_store.models import OutboxItem
from crm_store.types import Channel, OutboxStatus
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


def due(uow: UnitOfWork, *, channel: Channel, limit: int = 50) -> list[OutboxItem]:
    """Pending items whose next attempt time has come, oldest first (for the channel sender)."""
    query = (
        sa.select(OutboxItem)
        .where(
            OutboxItem.channel == channel,
            OutboxItem.status == OutboxStatus.PENDING,
            OutboxItem.next_attempt_at <= uow.now(),
        )
        .order_by(OutboxItem.next_attempt_at, OutboxItem.id)
        .limit(limit)
    )
    if uow.session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return list(uow.session.scalars(query))


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


def pending_count(uow: UnitOfWork) -> int:
    return (
        uow.session.scalar(
            sa.select(sa.func.count()).where(OutboxItem.status == OutboxStatus.PENDING)
        )
        or 0
    )


def _get(uow: UnitOfWork, item_id: int) -> OutboxItem:
    row = uow.session.get(OutboxItem, item_id)
    if row is None:
        raise NotFound(f"outbox item {item_id} not found")
    return row
