"""Transcript review's store: managers' flags on conversations (a tag from `TAGS` and a
note), what the review list reads of a period's conversations besides
`crm_store.reports.conversations_started` (text in their messages, their handoffs' reasons,
their shoppers), the review queue's reasons, and a conversation's audit trail.

Every query filters on the dealership and is bounded (a period, a limit), so a review page
costs a fixed number of statements whatever the size of the dealership's history.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from crm_store.audit import AuditRecord
from crm_store.errors import InvalidValue, NotFound
from crm_store.models import (
    AuditEntry,
    Conversation,
    Customer,
    Handoff,
    Message,
    Staff,
    TimelineEvent,
)
from crm_store.models.inbox import ConversationFlag
from crm_store.uow import UnitOfWork

TAGS = ("wrong_answer", "missed_handoff", "tone", "compliance", "pricing", "good_example", "other")
"""What a flag says about the conversation (a small fixed list, so the queue can be read
at a glance and counted)."""
MAX_NOTE = 1000
MAX_SEARCH = 100  # characters of a text search
GUARDRAIL_EVENT = "guardrail_violation"  # a drafted reply the guardrail replaced
FALLBACK_EVENT = "fallback_reply"  # the assistant could not answer; the fallback was sent
QUEUE_REASONS = ("flagged", "handed_off", "guardrail_blocked", "fallback")


@dataclass(frozen=True, slots=True)
class FlagRecord:
    id: int
    conversation_id: int
    tag: str
    note: str
    staff_id: int | None
    staff_name: str | None  # None once the staff member is gone
    created_at: datetime


@dataclass(frozen=True, slots=True)
class QueueItem:
    """A conversation in the review queue and why (`QUEUE_REASONS`), newest reason first."""

    conversation_id: int
    public_id: str
    reasons: tuple[str, ...]
    latest_at: datetime


def add_flag(
    uow: UnitOfWork, *, conversation_id: int, staff_id: int | None, tag: str, note: str
) -> FlagRecord:
    """Flag the conversation; `InvalidValue` on `tag` (not in `TAGS`) or `note` (over
    `MAX_NOTE` characters)."""
    if tag not in TAGS:
        raise InvalidValue("tag", tag, "one of " + ", ".join(TAGS))
    note = note.strip()
    if len(note) > MAX_NOTE:
        raise InvalidValue("note", f"{len(note)} characters", f"at most {MAX_NOTE} characters")
    row = ConversationFlag(
        conversation_id=conversation_id,
        tag=tag,
        note=note,
        staff_id=staff_id,
        created_at=uow.now(),
    )
    uow.session.add(row)
    uow.flush()
    return _one(uow, row.id)


def remove_flag(uow: UnitOfWork, *, conversation_id: int, flag_id: int) -> FlagRecord:
    """Remove one flag of the conversation (`NotFound` when it has no such flag)."""
    found = _one(uow, flag_id)
    if found.conversation_id != conversation_id:
        raise NotFound("flag not found")
    uow.session.execute(sa.delete(ConversationFlag).where(ConversationFlag.id == flag_id))
    return found


def flags(uow: UnitOfWork, *, conversation_id: int) -> list[FlagRecord]:
    """The conversation's flags, oldest first."""
    return _flags(uow, ConversationFlag.conversation_id == conversation_id)


def flagged(uow: UnitOfWork, *, conversation_ids: Collection[int]) -> set[int]:
    """Which of `conversation_ids` carry a flag."""
    if not conversation_ids:
        return set()
    rows = uow.session.scalars(
        sa.select(ConversationFlag.conversation_id)
        .where(ConversationFlag.conversation_id.in_(set(conversation_ids)))
        .distinct()
    )
    return set(rows)


def with_text(
    uow: UnitOfWork, *, dealership_id: int, start: datetime, end: datetime, text: str
) -> set[int]:
    """The dealership's conversations started in [start, end) with a message containing
    `text` (case-insensitive; at most `MAX_SEARCH` characters, else `InvalidValue`)."""
    text = text.strip()
    if not text or len(text) > MAX_SEARCH:
        raise InvalidValue("q", text, f"1 to {MAX_SEARCH} characters")
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    rows = uow.session.scalars(
        sa.select(Message.conversation_id)
        .join(Conversation, Conversation.id == Message.conversation_id)
        .where(
            Conversation.dealership_id == dealership_id,
            Conversation.created_at >= start,
            Conversation.created_at < end,
            sa.func.lower(Message.body).like(f"%{escaped}%", escape="\\"),
        )
        .distinct()
    )
    return set(rows)


def handed_off(
    uow: UnitOfWork, *, dealership_id: int, start: datetime, end: datetime
) -> dict[int, tuple[str, ...]]:
    """The reasons (sorted, each once) of every handoff of the dealership's conversations
    started in [start, end), by conversation id; a conversation never handed off is absent."""
    rows = uow.session.execute(
        sa.select(Handoff.conversation_id, Handoff.reasons)
        .join(Conversation, Conversation.id == Handoff.conversation_id)
        .where(
            Conversation.dealership_id == dealership_id,
            Conversation.created_at >= start,
            Conversation.created_at < end,
        )
    )
    found: dict[int, set[str]] = defaultdict(set)
    for conversation_id, reasons in rows:
        found[conversation_id].update(str(r) for r in reasons)
    return {cid: tuple(sorted(reasons)) for cid, reasons in found.items()}


def shoppers(
    uow: UnitOfWork, *, dealership_id: int, start: datetime, end: datetime
) -> dict[int, tuple[str | None, str | None]]:
    """(name, phone) of the shopper of each of the dealership's conversations started in
    [start, end), by customer id."""
    rows = uow.session.execute(
        sa.select(Customer.id, Customer.name, Customer.phone)
        .join(Conversation, Conversation.customer_id == Customer.id)
        .where(
            Conversation.dealership_id == dealership_id,
            Conversation.created_at >= start,
            Conversation.created_at < end,
        )
        .distinct()
    )
    return {cid: (name, phone) for cid, name, phone in rows}


def queue(
    uow: UnitOfWork, *, dealership_id: int, start: datetime, end: datetime, limit: int = 200
) -> list[QueueItem]:
    """The review queue: the dealership's conversations flagged (whenever), handed off, with
    a guardrail-blocked reply or with a fallback reply in [start, end); the newest first,
    at most `limit`."""
    found: dict[int, dict[str, datetime]] = defaultdict(dict)
    convo = Conversation
    sources = (
        (
            "flagged",
            sa.select(ConversationFlag.conversation_id, sa.func.max(ConversationFlag.created_at))
            .join(convo, convo.id == ConversationFlag.conversation_id)
            .where(convo.dealership_id == dealership_id)
            .group_by(ConversationFlag.conversation_id),
        ),
        (
            "handed_off",
            sa.select(Handoff.conversation_id, sa.func.max(Handoff.created_at))
            .where(
                Handoff.dealership_id == dealership_id,
                Handoff.created_at >= start,
                Handoff.created_at < end,
            )
            .group_by(Handoff.conversation_id),
        ),
    )
    for reason, query in sources:
        for conversation_id, at in uow.session.execute(query):
            found[conversation_id][reason] = at
    events = {GUARDRAIL_EVENT: "guardrail_blocked", FALLBACK_EVENT: "fallback"}
    rows = uow.session.execute(
        sa.select(TimelineEvent.conversation_id, TimelineEvent.kind, sa.func.max(TimelineEvent.at))
        .where(
            TimelineEvent.dealership_id == dealership_id,
            TimelineEvent.kind.in_(events),
            TimelineEvent.conversation_id.is_not(None),
            TimelineEvent.at >= start,
            TimelineEvent.at < end,
        )
        .group_by(TimelineEvent.conversation_id, TimelineEvent.kind)
    )
    for event_convo, kind, at in rows:
        if event_convo is not None:  # (the query asks for conversations' events only)
            found[event_convo][events[kind]] = at
    public: dict[int, str] = {}
    if found:
        ids = sa.select(convo.id, convo.public_id).where(convo.id.in_(set(found)))
        public = {cid: pid for cid, pid in uow.session.execute(ids)}
    items = [
        QueueItem(
            conversation_id,
            public[conversation_id],
            tuple(r for r in QUEUE_REASONS if r in why),
            max(why.values()),
        )
        for conversation_id, why in found.items()
    ]
    items.sort(key=lambda item: (item.latest_at, item.conversation_id), reverse=True)
    return items[:limit]


def audit_trail(
    uow: UnitOfWork, *, dealership_id: int, targets: Collection[str], limit: int = 200
) -> list[AuditRecord]:
    """The dealership's audit entries on any of `targets` (e.g. "conversation:12",
    "handoff:3"), oldest first, at most the newest `limit`."""
    if not targets:
        return []
    rows = uow.session.scalars(
        sa.select(AuditEntry)
        .where(AuditEntry.dealership_id == dealership_id, AuditEntry.target.in_(set(targets)))
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(limit)
    )
    return [
        AuditRecord(
            r.id,
            r.dealership_id,
            r.at,
            r.via,
            r.actor,
            r.staff_id,
            r.token_id,
            r.action,
            r.target,
            dict(r.detail),
        )
        for r in reversed(list(rows))
    ]


def _one(uow: UnitOfWork, flag_id: int) -> FlagRecord:
    found = _flags(uow, ConversationFlag.id == flag_id)
    if not found:
        raise NotFound("flag not found")
    return found[0]


def _flags(uow: UnitOfWork, where: sa.ColumnElement[bool]) -> list[FlagRecord]:
    rows = uow.session.execute(
        sa.select(ConversationFlag, Staff.name)
        .outerjoin(Staff, Staff.id == ConversationFlag.staff_id)
        .where(where)
        .order_by(ConversationFlag.created_at, ConversationFlag.id)
    )
    return [
        FlagRecord(f.id, f.conversation_id, f.tag, f.note, f.staff_id, name, f.created_at)
        for f, name in rows
    ]
