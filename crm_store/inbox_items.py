"""The staff inbox as lists, for one staff member of one dealership:

- waiting for me: handoffs paged to me that I have not acknowledged (first), then the open
  conversations assigned to me, newest message first;
- mine: my conversations in any other status (pending, snoozed, resolved), newest first;
- the unassigned queue: open conversations nobody (active) is assigned to that need a
  person: a live handoff nobody is being paged for right now (new, queued for opening hours,
  or let go of by whoever had it), or a conversation a person took over and then let go
  of. Urgent handoffs first, then whoever has waited longest. A conversation the assistant
  handles on its own waits for nobody and is in no list (transcript review shows those).

A conversation is in one list at most, and never in another dealership's. Each item carries
what a list row shows: the customer (their name, else their phone masked: a list never
shows a full number), channel, status, the last message's time and a preview, the live
handoff's reasons, and how many of the shopper's messages no one on staff has read or
answered yet.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from contracts.redact import mask
from crm_store.handoffs import LIVE
from crm_store.inbox import effective_status, is_open, is_status
from crm_store.models import Conversation, ConversationInbox, Customer, Handoff, Message, Staff
from crm_store.types import Author, Channel, ConversationMode, HandoffStatus, InboxStatus
from crm_store.uow import UnitOfWork

PREVIEW = 80  # characters of the last message shown in a list row
NOT_NAMED = "Web visitor"  # a customer with neither a name nor a phone


@dataclass(frozen=True, slots=True)
class InboxItem:
    conversation_id: int
    public_id: str
    customer_id: int
    customer: str  # display name: the name, else the masked phone
    channel: Channel
    mode: ConversationMode  # bot: the assistant answers; human: a person took it over
    status: InboxStatus
    snoozed_until: datetime | None
    assignee_staff_id: int | None
    last_message_at: datetime | None
    preview: str
    unread: int
    handoff_id: int | None  # the live handoff, if any
    handoff_reasons: tuple[str, ...]
    urgent: bool
    awaiting_ack: bool  # paged to the viewer, not acknowledged yet


@dataclass(frozen=True, slots=True)
class InboxSections:
    waiting: tuple[InboxItem, ...]
    mine: tuple[InboxItem, ...]
    queue: tuple[InboxItem, ...]


_Assignee = aliased(Staff)


def sections(
    uow: UnitOfWork,
    *,
    dealership_id: int,
    staff_id: int,
    status: InboxStatus | None = None,
    limit: int = 50,
) -> InboxSections:
    """The three lists of `staff_id`'s inbox (each at most `limit` items), only items in
    `status` when given."""
    now = uow.now()
    awaiting = sa.and_(
        Handoff.status == HandoffStatus.PAGED,
        Handoff.assigned_staff_id == staff_id,
        Handoff.acked_at.is_(None),
    )
    mine = ConversationInbox.assignee_staff_id == staff_id
    done = (InboxStatus.PENDING, InboxStatus.SNOOZED, InboxStatus.RESOLVED)
    nobodys = sa.or_(ConversationInbox.assignee_staff_id.is_(None), _Assignee.active.is_(False))
    not_being_paged = sa.or_(
        Handoff.id.is_(None), Handoff.status != HandoffStatus.PAGED, Handoff.acked_at.is_not(None)
    )
    needs_person = sa.and_(
        sa.or_(Handoff.id.is_not(None), Conversation.mode == ConversationMode.HUMAN),
        not_being_paged,
    )
    base = _query(dealership_id, awaiting)
    if status is not None:
        base = base.where(is_status(status, now))
    waiting = base.where(sa.or_(awaiting, sa.and_(mine, is_open(now)))).order_by(
        sa.case((awaiting, 0), else_=1),
        Conversation.last_message_at.desc().nulls_last(),
        Conversation.id.desc(),
    )
    others = base.where(mine, sa.or_(*(is_status(s, now) for s in done))).order_by(
        Conversation.last_message_at.desc().nulls_last(), Conversation.id.desc()
    )
    queue = base.where(nobodys, is_open(now), needs_person).order_by(
        sa.func.coalesce(Handoff.urgent, sa.false()).desc(),
        sa.func.coalesce(Handoff.created_at, Conversation.last_message_at).asc(),
        Conversation.id.asc(),
    )
    lists = [_rows(uow, query.limit(limit)) for query in (waiting, others, queue)]
    seen: set[int] = set()
    for rows in lists:  # one list per conversation: the first that holds it
        rows[:] = [r for r in rows if r.id not in seen]
        seen.update(r.id for r in rows)
    previews = _previews(uow, seen)
    unread = _unread(uow, seen)
    items = [
        tuple(_item(row, now, previews.get(row.id, ""), unread.get(row.id, 0)) for row in rows)
        for rows in lists
    ]
    return InboxSections(waiting=items[0], mine=items[1], queue=items[2])


def display_name(name: str | None, phone: str | None) -> str:
    return name or (mask(phone) if phone else NOT_NAMED)


def _query(dealership_id: int, awaiting: sa.ColumnElement[bool]) -> sa.Select[*tuple[Any, ...]]:
    """The rows an item is made of: conversation, customer, inbox row and live handoff."""
    return (
        sa.select(
            Conversation.id,
            Conversation.public_id,
            Conversation.customer_id,
            Conversation.channel,
            Conversation.mode,
            Conversation.last_message_at,
            Customer.name,
            Customer.phone,
            ConversationInbox.status,
            ConversationInbox.snoozed_until,
            ConversationInbox.assignee_staff_id,
            Handoff.id.label("handoff_id"),
            Handoff.reasons,
            Handoff.urgent,
            awaiting.label("awaiting_ack"),
        )
        .join(Customer, Customer.id == Conversation.customer_id)
        .outerjoin(ConversationInbox, ConversationInbox.conversation_id == Conversation.id)
        .outerjoin(_Assignee, _Assignee.id == ConversationInbox.assignee_staff_id)
        .outerjoin(
            Handoff,
            sa.and_(Handoff.conversation_id == Conversation.id, Handoff.status.in_(LIVE)),
        )
        .where(Conversation.dealership_id == dealership_id)
    )


def _rows(uow: UnitOfWork, query: sa.Select[*tuple[Any, ...]]) -> list[sa.Row[*tuple[Any, ...]]]:
    rows: dict[int, sa.Row[*tuple[Any, ...]]] = {}
    for row in uow.session.execute(query):
        rows.setdefault(row.id, row)  # a conversation has one live handoff; be safe anyway
    return list(rows.values())


def _previews(uow: UnitOfWork, ids: set[int]) -> dict[int, str]:
    """The start of each conversation's last message, on one line."""
    if not ids:
        return {}
    last = (
        sa.select(sa.func.max(Message.id))
        .where(Message.conversation_id.in_(ids))
        .group_by(Message.conversation_id)
    )
    rows = uow.session.execute(
        sa.select(Message.conversation_id, Message.body).where(Message.id.in_(last))
    )
    return {conversation_id: _preview(body) for conversation_id, body in rows}


def _preview(body: str) -> str:
    line = " ".join(body.split())
    return line if len(line) <= PREVIEW else line[: PREVIEW - 1].rstrip() + "…"


def _unread(uow: UnitOfWork, ids: set[int]) -> dict[int, int]:
    """The shopper's messages after both staff's last reply and their last read."""
    if not ids:
        return {}
    staff_last = (
        sa.select(Message.conversation_id, sa.func.max(Message.id).label("last"))
        .where(Message.conversation_id.in_(ids), Message.author == Author.STAFF)
        .group_by(Message.conversation_id)
        .subquery()
    )
    seen = ConversationInbox.seen_at
    rows = uow.session.execute(
        sa.select(Message.conversation_id, sa.func.count(Message.id))
        .outerjoin(staff_last, staff_last.c.conversation_id == Message.conversation_id)
        .outerjoin(ConversationInbox, ConversationInbox.conversation_id == Message.conversation_id)
        .where(
            Message.conversation_id.in_(ids),
            Message.author == Author.SHOPPER,
            Message.id > sa.func.coalesce(staff_last.c.last, 0),
            sa.or_(seen.is_(None), Message.created_at > seen),
        )
        .group_by(Message.conversation_id)
    )
    return {conversation_id: int(count) for conversation_id, count in rows}


def _item(row: sa.Row[*tuple[Any, ...]], now: datetime, preview: str, unread: int) -> InboxItem:
    status = effective_status(row.status, row.snoozed_until, now)
    reasons: Sequence[Any] = row.reasons or ()
    return InboxItem(
        conversation_id=row.id,
        public_id=row.public_id,
        customer_id=row.customer_id,
        customer=display_name(row.name, row.phone),
        channel=row.channel,
        mode=row.mode,
        status=status,
        snoozed_until=row.snoozed_until if status is InboxStatus.SNOOZED else None,
        assignee_staff_id=row.assignee_staff_id,
        last_message_at=row.last_message_at,
        preview=preview,
        unread=unread,
        handoff_id=row.handoff_id,
        handoff_reasons=tuple(str(r) for r in reasons),
        urgent=bool(row.urgent),
        awaiting_ack=bool(row.awaiting_ack),
    )
