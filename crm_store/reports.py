"""The facts the KPI report is computed from: one bounded query per kind of fact, returning
one plain record per conversation, handoff or test drive of the period, each carrying the
conversation's public id so every figure can click through to the conversations behind it.

The figures themselves (percentiles, shares, per-day series) are shaped by `console.kpis`;
this module only decides which rows belong to a period and reads their timestamps. Every
query filters on the dealership and a time range (indexed together: `ix_*_dealership_created`,
`ix_appointments_dealership_starts`) and reads the first message times with correlated
`min()` subqueries over `messages(conversation_id, created_at)` (indexed), so the cost is a
fixed number of statements whatever the number of conversations (no per-row queries).

Periods are half-open `[start, end)` in aware datetimes (compared in UTC); the caller turns
local days into these bounds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from crm_store.errors import InvalidValue
from crm_store.models import (
    Appointment,
    Conversation,
    ConversationInbox,
    Customer,
    Handoff,
    HandoffStep,
    Message,
)
from crm_store.types import AppointmentStatus, Author, Channel
from crm_store.uow import UnitOfWork

_ASSISTANT = (Author.ASSISTANT,)
_REPLIES = (Author.ASSISTANT, Author.STAFF)
ASSISTANT_SOURCE = "assistant"
"""`appointments.source` of a test drive the assistant booked (`availability.book`'s default,
the only source the agent's booking tool writes). Nothing else records who booked a test
drive: every other source (a staff booking, a CRM import) is counted as booked by staff."""

PAGE_ACTIONS = ("paged", "rerouted")
"""The handoff steps that put the handoff to a person (`crm_store.handoffs.page`)."""


@dataclass(frozen=True, slots=True)
class ConversationFacts:
    """A conversation started in the period: its channel and shopper, how many messages it
    holds (shopper, assistant, staff, system), when the shopper first wrote, when the assistant
    first answered after that and when anyone (assistant or staff) did, and whether it led to a
    (not cancelled) test drive."""

    conversation_id: int
    public_id: str
    created_at: datetime
    channel: Channel
    customer_id: int | None
    messages: int
    first_shopper_at: datetime | None
    first_assistant_reply_at: datetime | None
    first_reply_at: datetime | None
    booked: bool


@dataclass(frozen=True, slots=True)
class HandoffFacts:
    """A handoff raised in the period: its reasons, when it was first put to a person (a page),
    when it was acknowledged (an ack, a claim or a reassignment by staff), and the first staff
    message in its conversation since it was raised. `staff_id` is the person holding it (who
    acknowledged it, or the last one paged or queued for)."""

    handoff_id: int
    public_id: str
    reasons: tuple[str, ...]
    created_at: datetime
    first_paged_at: datetime | None
    acked_at: datetime | None
    first_staff_reply_at: datetime | None
    staff_id: int | None


@dataclass(frozen=True, slots=True)
class AppointmentFacts:
    """A test drive (not cancelled) starting in the period; `public_id` is None when it was
    booked outside a conversation (a walk-in, an import)."""

    appointment_id: int
    public_id: str | None
    source: str
    status: AppointmentStatus
    staff_id: int | None
    starts_at: datetime

    @property
    def by_assistant(self) -> bool:
        return self.source == ASSISTANT_SOURCE


def conversations_started(
    uow: UnitOfWork,
    *,
    dealership_id: int,
    start: datetime,
    end: datetime,
    staff_id: int | None = None,
) -> list[ConversationFacts]:
    """The dealership's conversations created in [start, end), oldest first, in one query.

    With `staff_id`, only the conversations of that staff member: assigned to them in the
    inbox, or the customer is theirs (`assigned_staff_id`), or a handoff of the conversation is
    assigned to them, or a test drive (not cancelled) booked in it is with them.
    """
    _check_period(start, end)
    convo = Conversation
    first_shopper = (
        sa.select(sa.func.min(Message.created_at))
        .where(Message.conversation_id == convo.id, Message.author == Author.SHOPPER)
        .correlate_except(Message)  # to the conversation also when nested in `first_reply`
        .scalar_subquery()
    )
    first_reply, first_any_reply = (
        _first_after(convo, first_shopper, authors) for authors in (_ASSISTANT, _REPLIES)
    )
    messages = (
        sa.select(sa.func.count(Message.id))
        .where(Message.conversation_id == convo.id)
        .scalar_subquery()
    )
    booked = sa.exists().where(
        Appointment.conversation_id == convo.id,
        Appointment.status != AppointmentStatus.CANCELLED,
    )
    query = sa.select(
        convo.id,
        convo.public_id,
        convo.created_at,
        convo.channel,
        convo.customer_id,
        messages,
        first_shopper,
        first_reply,
        first_any_reply,
        booked,
    ).where(
        convo.dealership_id == dealership_id,
        convo.created_at >= start,
        convo.created_at < end,
    )
    if staff_id is not None:
        query = query.where(_of_staff(staff_id))
    rows = uow.session.execute(query.order_by(convo.created_at, convo.id))
    return [ConversationFacts(*row) for row in rows]


def handoffs_raised(
    uow: UnitOfWork,
    *,
    dealership_id: int,
    start: datetime,
    end: datetime,
    staff_id: int | None = None,
) -> list[HandoffFacts]:
    """The dealership's handoffs created in [start, end), oldest first, in one query; with
    `staff_id`, those assigned to that staff member."""
    _check_period(start, end)
    first_page = (
        sa.select(sa.func.min(HandoffStep.at))
        .where(HandoffStep.handoff_id == Handoff.id, HandoffStep.action.in_(PAGE_ACTIONS))
        .scalar_subquery()
    )
    first_staff = (
        sa.select(sa.func.min(Message.created_at))
        .where(
            Message.conversation_id == Handoff.conversation_id,
            Message.author == Author.STAFF,
            Message.created_at >= Handoff.created_at,
        )
        .scalar_subquery()
    )
    query = (
        sa.select(
            Handoff.id,
            Conversation.public_id,
            Handoff.reasons,
            Handoff.created_at,
            first_page,
            Handoff.acked_at,
            first_staff,
            Handoff.assigned_staff_id,
        )
        .join(Conversation, Conversation.id == Handoff.conversation_id)
        .where(
            Handoff.dealership_id == dealership_id,
            Handoff.created_at >= start,
            Handoff.created_at < end,
        )
    )
    if staff_id is not None:
        query = query.where(Handoff.assigned_staff_id == staff_id)
    rows = uow.session.execute(query.order_by(Handoff.created_at, Handoff.id))
    return [
        HandoffFacts(hid, public_id, tuple(str(r) for r in reasons), *rest)
        for hid, public_id, reasons, *rest in rows
    ]


def appointments_starting(
    uow: UnitOfWork,
    *,
    dealership_id: int,
    start: datetime,
    end: datetime,
    staff_id: int | None = None,
) -> list[AppointmentFacts]:
    """The dealership's test drives starting in [start, end), cancelled ones aside (the same
    rows `show_rate` counts), soonest first, in one query; with `staff_id`, those with that
    salesperson."""
    _check_period(start, end)
    query = (
        sa.select(
            Appointment.id,
            Conversation.public_id,
            Appointment.source,
            Appointment.status,
            Appointment.staff_id,
            Appointment.starts_at,
        )
        .outerjoin(Conversation, Conversation.id == Appointment.conversation_id)
        .where(
            Appointment.dealership_id == dealership_id,
            Appointment.starts_at >= start,
            Appointment.starts_at < end,
            Appointment.status != AppointmentStatus.CANCELLED,
        )
    )
    if staff_id is not None:
        query = query.where(Appointment.staff_id == staff_id)
    rows = uow.session.execute(query.order_by(Appointment.starts_at, Appointment.id))
    return [AppointmentFacts(*row) for row in rows]


def _of_staff(staff_id: int) -> sa.ColumnElement[bool]:
    """The conversation (`Conversation`, in the enclosing query) belongs to `staff_id`."""
    return sa.or_(
        sa.exists().where(
            ConversationInbox.conversation_id == Conversation.id,
            ConversationInbox.assignee_staff_id == staff_id,
        ),
        sa.exists().where(
            Customer.id == Conversation.customer_id, Customer.assigned_staff_id == staff_id
        ),
        sa.exists().where(
            Handoff.conversation_id == Conversation.id, Handoff.assigned_staff_id == staff_id
        ),
        sa.exists().where(
            Appointment.conversation_id == Conversation.id,
            Appointment.staff_id == staff_id,
            Appointment.status != AppointmentStatus.CANCELLED,
        ),
    )


def _first_after(
    convo: type[Conversation],
    first_shopper: sa.ScalarSelect[datetime],
    authors: tuple[Author, ...],
) -> sa.ScalarSelect[datetime]:
    """The first message by one of `authors` at or after the shopper's first message."""
    later = aliased(Message)
    return (
        sa.select(sa.func.min(later.created_at))
        .where(
            later.conversation_id == convo.id,
            later.author.in_(authors),
            later.created_at >= first_shopper,
        )
        .scalar_subquery()
    )


def _check_period(start: datetime, end: datetime) -> None:
    for name, value in (("start", start), ("end", end)):
        if value.tzinfo is None or value.utcoffset() is None:
            raise InvalidValue(name, value.isoformat(), "an aware datetime (UTC)")
    if end <= start:
        raise InvalidValue("end", end.isoformat(), f"a time after start ({start.isoformat()})")
