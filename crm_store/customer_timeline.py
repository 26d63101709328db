"""What one customer's timeline is read from, newest first, a page at a time.

`read_page` makes a fixed number of queries whatever the customer's history (one per source,
plus one for the appointments the timeline events name), each through an index on the
customer (or on a conversation of theirs): messages, staff notes, shopper events, alerts,
handoffs, and the timeline events that carry appointments and consent changes. Every source
is read `before` a time and cut at its own limit; `horizon` says down to when the merged page
is complete (at and below it a cut source has more), so a caller merges the rows newer
than the horizon and asks for the next page before the oldest row it used.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from crm_store.models import (
    Alert,
    Appointment,
    Conversation,
    ConversationNote,
    Customer,
    Dealership,
    Handoff,
    Message,
    ShopperEvent,
    Staff,
    TimelineEvent,
    Vehicle,
)
from crm_store.uow import UnitOfWork

APPOINTMENT_KINDS = (
    "appointment_booked",
    "appointment_rescheduled",
    "appointment_cancelled",
    "appointment_confirmed",
    "appointment_showed",
    "appointment_no_show",
)
KINDS = (*APPOINTMENT_KINDS, "consent_changed")
"""The timeline events read here; alerts and handoffs are read from their own tables (their
current status and who has them), messages and notes likewise."""


@dataclass(frozen=True, slots=True)
class VehicleName:
    id: int
    stock: str
    year: int
    model: str
    trim: str | None


@dataclass(frozen=True, slots=True)
class MessageRow:
    id: int
    at: datetime
    conversation: str  # public id
    channel: str
    direction: str
    author: str
    staff_name: str | None
    body: str


@dataclass(frozen=True, slots=True)
class NoteRow:
    id: int
    at: datetime
    conversation: str
    author_name: str | None
    body: str


@dataclass(frozen=True, slots=True)
class EventRow:
    id: int
    at: datetime
    type: str
    vehicle: VehicleName | None
    stock: str | None  # as sent, also when no vehicle of the dealership has it
    properties: dict[str, Any]


@dataclass(frozen=True, slots=True)
class AlertRow:
    id: int
    at: datetime  # fired
    rule: str
    reason: str
    status: str
    staff_name: str | None
    urgent: bool


@dataclass(frozen=True, slots=True)
class HandoffRow:
    id: int
    at: datetime
    conversation: str
    reasons: tuple[str, ...]
    status: str
    staff_name: str | None
    note: str | None


@dataclass(frozen=True, slots=True)
class AppointmentRow:
    id: int
    starts_at: datetime
    status: str  # now
    vehicle: VehicleName | None
    staff_name: str | None


@dataclass(frozen=True, slots=True)
class StepRow:
    """A timeline event: an appointment's booking, move or outcome, or a consent change."""

    id: int
    at: datetime
    kind: str
    data: dict[str, Any]
    staff_name: str | None
    appointment: AppointmentRow | None


@dataclass(frozen=True, slots=True)
class TimelinePage:
    messages: list[MessageRow] = field(default_factory=list)
    notes: list[NoteRow] = field(default_factory=list)
    events: list[EventRow] = field(default_factory=list)
    alerts: list[AlertRow] = field(default_factory=list)
    handoffs: list[HandoffRow] = field(default_factory=list)
    steps: list[StepRow] = field(default_factory=list)
    horizon: datetime | None = None  # a cut source's first row left out; None: all read


def read_page(
    uow: UnitOfWork,
    *,
    customer_id: int,
    before: datetime | None,
    limit: int,
    event_limit: int,
) -> TimelinePage:
    """Up to `limit` rows of each source (`event_limit` shopper events) older than `before`
    (all when None), newest first. Each source is read one row further: when that row exists
    the source has more, and its time is the source's part of the `horizon`."""
    cut: list[datetime] = []

    def take(rows: list[Any], n: int) -> list[Any]:
        if len(rows) > n:
            cut.append(rows[n].at)
        return rows[:n]

    messages = take(_messages(uow, customer_id, before, limit + 1), limit)
    notes = take(_notes(uow, customer_id, before, limit + 1), limit)
    events = take(_events(uow, customer_id, before, event_limit + 1), event_limit)
    alerts = take(_alerts(uow, customer_id, before, limit + 1), limit)
    handoffs = take(_handoffs(uow, customer_id, before, limit + 1), limit)
    steps = take(_steps(uow, customer_id, before, limit + 1), limit)
    return TimelinePage(messages, notes, events, alerts, handoffs, steps, max(cut, default=None))


def _older(column: Any, before: datetime | None) -> list[sa.ColumnElement[bool]]:
    return [] if before is None else [column < before]


def _messages(
    uow: UnitOfWork, customer_id: int, before: datetime | None, limit: int
) -> list[MessageRow]:
    query = (
        sa.select(Message, Conversation.public_id, Staff.name)
        .join(Conversation, Conversation.id == Message.conversation_id)
        .outerjoin(Staff, Staff.id == Message.staff_id)
        .where(Conversation.customer_id == customer_id, *_older(Message.created_at, before))
        .order_by(Message.created_at.desc(), Message.id.desc())
        .limit(limit)
    )
    return [
        MessageRow(
            m.id,
            m.created_at,
            public_id,
            m.channel.value,
            m.direction.value,
            m.author.value,
            name,
            m.body,
        )
        for m, public_id, name in uow.session.execute(query)
    ]


def _notes(uow: UnitOfWork, customer_id: int, before: datetime | None, limit: int) -> list[NoteRow]:
    query = (
        sa.select(ConversationNote, Conversation.public_id, Staff.name)
        .join(Conversation, Conversation.id == ConversationNote.conversation_id)
        .outerjoin(Staff, Staff.id == ConversationNote.author_staff_id)
        .where(
            Conversation.customer_id == customer_id, *_older(ConversationNote.created_at, before)
        )
        .order_by(ConversationNote.created_at.desc(), ConversationNote.id.desc())
        .limit(limit)
    )
    return [
        NoteRow(n.id, n.created_at, public_id, name, n.body)
        for n, public_id, name in uow.session.execute(query)
    ]


def _events(
    uow: UnitOfWork, customer_id: int, before: datetime | None, limit: int
) -> list[EventRow]:
    query = (
        sa.select(ShopperEvent, Vehicle)
        .outerjoin(Vehicle, Vehicle.id == ShopperEvent.vehicle_id)
        .where(ShopperEvent.customer_id == customer_id, *_older(ShopperEvent.at, before))
        .order_by(ShopperEvent.at.desc(), ShopperEvent.id.desc())
        .limit(limit)
    )
    return [
        EventRow(e.id, e.at, e.type, _name(v), e.stock, dict(e.properties or {}))
        for e, v in uow.session.execute(query)
    ]


def _alerts(
    uow: UnitOfWork, customer_id: int, before: datetime | None, limit: int
) -> list[AlertRow]:
    query = (
        sa.select(Alert, Staff.name)
        .outerjoin(Staff, Staff.id == Alert.assigned_staff_id)
        .where(Alert.customer_id == customer_id, *_older(Alert.fired_at, before))
        .order_by(Alert.fired_at.desc(), Alert.id.desc())
        .limit(limit)
    )
    return [
        AlertRow(a.id, a.fired_at, a.rule, a.reason, a.status.value, name, a.urgent)
        for a, name in uow.session.execute(query)
    ]


def _handoffs(
    uow: UnitOfWork, customer_id: int, before: datetime | None, limit: int
) -> list[HandoffRow]:
    query = (
        sa.select(Handoff, Conversation.public_id, Staff.name)
        .join(Conversation, Conversation.id == Handoff.conversation_id)
        .outerjoin(Staff, Staff.id == Handoff.assigned_staff_id)
        .where(Handoff.customer_id == customer_id, *_older(Handoff.created_at, before))
        .order_by(Handoff.created_at.desc(), Handoff.id.desc())
        .limit(limit)
    )
    return [
        HandoffRow(
            h.id,
            h.created_at,
            public_id,
            tuple(str(r) for r in h.reasons),
            h.status.value,
            name,
            h.note,
        )
        for h, public_id, name in uow.session.execute(query)
    ]


def _steps(uow: UnitOfWork, customer_id: int, before: datetime | None, limit: int) -> list[StepRow]:
    query = (
        sa.select(TimelineEvent, Staff.name)
        .outerjoin(Staff, Staff.id == TimelineEvent.staff_id)
        .where(
            TimelineEvent.customer_id == customer_id,
            TimelineEvent.kind.in_(KINDS),
            *_older(TimelineEvent.at, before),
        )
        .order_by(TimelineEvent.at.desc(), TimelineEvent.id.desc())
        .limit(limit)
    )
    found = list(uow.session.execute(query))
    ids = {int(e.data["appointment_id"]) for e, _ in found if "appointment_id" in e.data}
    booked = _appointments(uow, ids)
    return [
        StepRow(
            e.id, e.at, e.kind, dict(e.data), name, booked.get(int(e.data.get("appointment_id", 0)))
        )
        for e, name in found
    ]


def _appointments(uow: UnitOfWork, ids: set[int]) -> dict[int, AppointmentRow]:
    if not ids:
        return {}
    salesperson = aliased(Staff)
    query = (
        sa.select(Appointment, Vehicle, salesperson.name)
        .outerjoin(Vehicle, Vehicle.id == Appointment.vehicle_id)
        .outerjoin(salesperson, salesperson.id == Appointment.staff_id)
        .where(Appointment.id.in_(ids))
    )
    return {
        a.id: AppointmentRow(a.id, a.starts_at, a.status.value, _name(v), name)
        for a, v, name in uow.session.execute(query)
    }


def _name(vehicle: Vehicle | None) -> VehicleName | None:
    if vehicle is None:
        return None
    return VehicleName(vehicle.id, vehicle.stock, vehicle.year, vehicle.model, vehicle.trim)


@dataclass(frozen=True, slots=True)
class CustomerMatch:
    customer_id: int
    dealership_slug: str


def find_customers(
    uow: UnitOfWork,
    *,
    phone: str | None = None,
    email: str | None = None,
    dealership_slug: str | None = None,
) -> list[CustomerMatch]:
    """The customers with this E.164 `phone` (or this e-mail, any case), in every dealership
    or only `dealership_slug`'s; oldest first."""
    if (phone is None) == (email is None):
        raise ValueError("give exactly one of phone and email")
    match = Customer.phone == phone if phone is not None else _email_is(email or "")
    query = (
        sa.select(Customer.id, Dealership.slug)
        .join(Dealership, Dealership.id == Customer.dealership_id)
        .where(match)
        .order_by(Customer.id)
    )
    if dealership_slug is not None:
        query = query.where(Dealership.slug == dealership_slug)
    return [CustomerMatch(cid, slug) for cid, slug in uow.session.execute(query)]


def _email_is(email: str) -> sa.ColumnElement[bool]:
    return sa.func.lower(Customer.email) == email.strip().lower()
