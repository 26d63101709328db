"""Messages: stored first, idempotently by the channel's message id; delivery moves forward."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from crm_store import conversations, inbox
from crm_store.models import Message
from crm_store.records import Media, MessageRecord, StoredMessage, from_row
from crm_store.types import Author, DeliveryStatus, Direction
from crm_store.uow import UnitOfWork

# How far along each status is; a callback may only move a message forward.
_RANK = {
    DeliveryStatus.RECEIVED: 0,
    DeliveryStatus.QUEUED: 1,
    DeliveryStatus.SENT: 2,
    DeliveryStatus.DELIVERED: 3,
    DeliveryStatus.UNDELIVERED: 3,
    DeliveryStatus.FAILED: 3,
}


def record_message(
    uow: UnitOfWork,
    *,
    conversation_id: int,
    direction: Direction,
    author: Author,
    body: str,
    channel_message_id: str | None = None,
    media: Sequence[Media] = (),
    staff_id: int | None = None,
    delivery_status: DeliveryStatus | None = None,
) -> StoredMessage:
    """Store a message in its conversation.

    With a `channel_message_id` already stored for this channel (a retried webhook, a
    double-clicked send), nothing new is written and the stored message is returned with
    `created=False`; this holds under concurrency too (the UNIQUE key decides).
    """
    conversation = conversations.get_conversation(uow, conversation_id=conversation_id)
    if channel_message_id is not None:
        existing = _by_channel_id(uow, conversation.channel.value, channel_message_id)
        if existing is not None:
            return StoredMessage(_record(existing), created=False)
    now = uow.now()
    status = delivery_status or (
        DeliveryStatus.RECEIVED if direction is Direction.INBOUND else DeliveryStatus.QUEUED
    )
    row = Message(
        conversation_id=conversation_id,
        direction=direction,
        author=author,
        staff_id=staff_id,
        channel=conversation.channel,
        channel_message_id=channel_message_id,
        body=body,
        media=[{"url": m.url, "content_type": m.content_type} for m in media],
        delivery_status=status,
        created_at=now,
        updated_at=now,
    )
    try:
        with uow.session.begin_nested():
            uow.session.add(row)
    except IntegrityError:
        if channel_message_id is None:
            raise
        existing = _by_channel_id(uow, conversation.channel.value, channel_message_id)
        if existing is None:
            raise
        return StoredMessage(_record(existing), created=False)
    conversations.touch(uow, conversation_id=conversation_id)
    if author is Author.SHOPPER:
        inbox.reopen_for_shopper(uow, conversation_id=conversation_id)
    return StoredMessage(_record(row), created=True)


def update_delivery(
    uow: UnitOfWork,
    *,
    message_id: int,
    status: DeliveryStatus,
    channel_message_id: str | None = None,
    error_code: str | None = None,
) -> MessageRecord:
    """Move a message's delivery status forward only; a late "sent" never undoes "delivered".

    An error code is stored whenever one is given, even if the status itself cannot move.
    """
    row = uow.get(Message, message_id, "message")
    if _RANK[status] > _RANK[row.delivery_status]:
        row.delivery_status = status
    if channel_message_id and row.channel_message_id is None:
        row.channel_message_id = channel_message_id
    if error_code:
        row.error_code = error_code
    row.updated_at = uow.now()
    uow.flush()
    return _record(row)


def count_by_author(uow: UnitOfWork, *, conversation_id: int) -> dict[Author, int]:
    """How many messages each author has in the conversation (one query, any length)."""
    rows = uow.session.execute(
        sa.select(Message.author, sa.func.count(Message.id))
        .where(Message.conversation_id == conversation_id)
        .group_by(Message.author)
    ).all()
    return {author: int(count) for author, count in rows}


def count_since(uow: UnitOfWork, *, conversation_id: int, author: Author, since: datetime) -> int:
    """How many messages `author` wrote in the conversation at or after `since` (a rate
    counted from the store, so every process sees the same count)."""
    return (
        uow.session.scalar(
            sa.select(sa.func.count(Message.id)).where(
                Message.conversation_id == conversation_id,
                Message.author == author,
                Message.created_at >= since,
            )
        )
        or 0
    )


def shopper_run(
    uow: UnitOfWork, *, conversation_id: int, message_id: int, limit: int
) -> list[MessageRecord]:
    """The shopper's messages since the last message by anyone else that precedes
    `message_id` (so the run holds `message_id` and what the shopper sent after it), oldest
    first, at most `limit`."""
    floor = uow.session.scalar(
        sa.select(sa.func.max(Message.id)).where(
            Message.conversation_id == conversation_id,
            Message.author != Author.SHOPPER,
            Message.id < message_id,
        )
    )
    rows = uow.session.scalars(
        sa.select(Message)
        .where(
            Message.conversation_id == conversation_id,
            Message.author == Author.SHOPPER,
            Message.id > (floor or 0),
        )
        .order_by(Message.id)
        .limit(limit)
    )
    return [_record(row) for row in rows]


def find_by_channel_id(
    uow: UnitOfWork, *, channel: str, channel_message_id: str
) -> MessageRecord | None:
    row = _by_channel_id(uow, channel, channel_message_id)
    return None if row is None else _record(row)


def list_messages(uow: UnitOfWork, *, conversation_id: int) -> list[MessageRecord]:
    rows = uow.session.scalars(
        sa.select(Message)
        .where(Message.conversation_id == conversation_id)
        .order_by(Message.created_at, Message.id)
    )
    return [_record(row) for row in rows]


def _by_channel_id(uow: UnitOfWork, channel: str, channel_message_id: str) -> Message | None:
    return uow.session.scalar(
        sa.select(Message).where(
            Message.channel == channel, Message.channel_message_id == channel_message_id
        )
    )


def _record(row: Message) -> MessageRecord:
    return from_row(
        MessageRecord,
        row,
        media=tuple(Media(url=m["url"], content_type=m["content_type"]) for m in row.media),
    )
