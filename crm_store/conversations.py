"""Conversations: one thread per customer and channel, in bot, human or closed mode."""

from __future__ import annotations

import secrets
from collections.abc import Collection
from datetime import datetime

import sqlalchemy as sa

from crm_store.errors import NotFound
from crm_store.models import Conversation
from crm_store.records import ConversationRecord, from_row
from crm_store.timeline import add_event
from crm_store.types import Channel, ConversationMode
from crm_store.uow import UnitOfWork


def open_conversation(
    uow: UnitOfWork, *, dealership_id: int, customer_id: int, channel: Channel
) -> tuple[ConversationRecord, bool]:
    """The customer's open conversation on `channel`, or a new one; returns (record, created)."""
    row = uow.session.scalar(
        sa.select(Conversation)
        .where(
            Conversation.customer_id == customer_id,
            Conversation.channel == channel,
            Conversation.mode != ConversationMode.CLOSED,
        )
        .order_by(Conversation.id.desc())
        .limit(1)
    )
    if row is not None:
        return _record(row), False
    now = uow.now()
    row = Conversation(
        public_id=secrets.token_urlsafe(18),
        dealership_id=dealership_id,
        customer_id=customer_id,
        channel=channel,
        mode=ConversationMode.BOT,
        created_at=now,
        updated_at=now,
    )
    uow.session.add(row)
    uow.flush()
    add_event(
        uow,
        dealership_id=dealership_id,
        customer_id=customer_id,
        conversation_id=row.id,
        kind="conversation_started",
        data={"channel": channel.value},
    )
    return _record(row), True


def get_conversation(uow: UnitOfWork, *, conversation_id: int) -> ConversationRecord:
    return _record(_get(uow, conversation_id))


def get_by_public_id(uow: UnitOfWork, *, public_id: str) -> ConversationRecord:
    row = uow.session.scalar(sa.select(Conversation).where(Conversation.public_id == public_id))
    if row is None:
        raise NotFound("conversation not found")
    return _record(row)


def set_mode(
    uow: UnitOfWork, *, conversation_id: int, mode: ConversationMode, staff_id: int | None = None
) -> ConversationRecord:
    row = _get(uow, conversation_id)
    if row.mode != mode:
        previous = row.mode
        row.mode = mode
        row.updated_at = uow.now()
        uow.flush()
        add_event(
            uow,
            dealership_id=row.dealership_id,
            customer_id=row.customer_id,
            conversation_id=row.id,
            staff_id=staff_id,
            kind="conversation_mode_changed",
            data={"from": previous.value, "to": mode.value},
        )
    return _record(row)


def list_conversations(uow: UnitOfWork, *, customer_id: int) -> list[ConversationRecord]:
    rows = uow.session.scalars(
        sa.select(Conversation)
        .where(Conversation.customer_id == customer_id)
        .order_by(Conversation.id)
    )
    return [_record(row) for row in rows]


def last_talked(
    uow: UnitOfWork, *, customer_ids: Collection[int]
) -> dict[int, tuple[datetime, Channel]]:
    """When each of these customers' conversations last had a message, and on which channel
    (the newest of their conversations; a customer with no message is absent). One query."""
    if not customer_ids:
        return {}
    rows = uow.session.execute(
        sa.select(Conversation.customer_id, Conversation.last_message_at, Conversation.channel)
        .where(
            Conversation.customer_id.in_(set(customer_ids)),
            Conversation.last_message_at.is_not(None),
        )
        .order_by(Conversation.last_message_at, Conversation.id)
    )
    # newest last, so it is the one kept; the query left out conversations with no message
    return {customer_id: (at, channel) for customer_id, at, channel in rows if at is not None}


def touch(uow: UnitOfWork, *, conversation_id: int) -> None:
    """Mark the conversation as having a message now (for inbox ordering)."""
    row = _get(uow, conversation_id)
    row.last_message_at = row.updated_at = uow.now()


def _get(uow: UnitOfWork, conversation_id: int) -> Conversation:
    return uow.get(Conversation, conversation_id, "conversation")


def _record(row: Conversation) -> ConversationRecord:
    return from_row(ConversationRecord, row)
