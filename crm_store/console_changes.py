"""What changed in a dealership's console since a staff member last looked: the live
stream's cursor (`console.live`).

A `Mark` is where the stream stands: the dealership's latest message id, its latest handoff
step id (every routing move, ack, claim, reassignment and hand-back writes a step), the
latest change of its conversations' inbox rows and its latest alert step id (an alert
fired, paged, queued, acked or resolved). Reading it is one query of four indexed maxima;
only when it moved are the details read (`changes`). The store is the truth: a bus event
only says "look now", so a missed one costs a poll interval, never an update.

A handoff is newly assigned to a staff member when a step since the mark pages, reroutes,
queues or reassigns it to them, by anyone but themselves, and it is still live and theirs.
An intent alert is newly for a staff member when a step since the mark pages, reroutes or
queues it to them and it is still theirs, paged or queued. What is returned names the
conversation by public id, the customer by id and first name only, and an alert by its
reason in words: no phone, e-mail or message text.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from crm_store import alerts, handoffs
from crm_store.models import (
    Alert,
    AlertStep,
    Conversation,
    ConversationInbox,
    Customer,
    Handoff,
    HandoffStep,
    Message,
)
from crm_store.step_trail import Trail
from crm_store.types import AlertStatus
from crm_store.uow import UnitOfWork

ASSIGNING = ("paged", "rerouted", "queued", "reassigned")
ALERTING = ("paged", "rerouted", "queued")
ALERT_WAITING = (AlertStatus.PAGED, AlertStatus.QUEUED)
LIMIT = 20  # conversations or handoffs named per change (the page refetches its lists anyway)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICRO = timedelta(microseconds=1)


@dataclass(frozen=True, slots=True)
class Mark:
    message_id: int = 0
    step_id: int = 0
    inbox_us: int = 0  # the latest inbox row change, in microseconds since the epoch
    alert_step_id: int = 0

    def token(self) -> str:
        """The mark as an SSE event id (a reconnecting browser sends it back)."""
        return f"{self.message_id}.{self.step_id}.{self.inbox_us}.{self.alert_step_id}"

    @classmethod
    def parse(cls, token: str | None) -> Mark | None:
        """The mark of `token`, or None when it is not one (then the stream starts now)."""
        parts = (token or "").strip().split(".")
        if len(parts) != 4 or not all(p.isdigit() and len(p) <= 20 for p in parts):
            return None
        return cls(int(parts[0]), int(parts[1]), int(parts[2]), int(parts[3]))


@dataclass(frozen=True, slots=True)
class Assigned:
    """A handoff newly assigned to the staff member."""

    handoff_id: int
    public_id: str  # its conversation
    first_name: str | None  # the shopper's, when known
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Alerted:
    """An intent alert newly paged, rerouted or queued to the staff member."""

    alert_id: int
    customer_id: int
    first_name: str | None  # the customer's, when known
    reason: str  # the rule's words ("4th view of ... in 36 h")


@dataclass(frozen=True, slots=True)
class Changes:
    mark: Mark  # where the reader stands now
    conversations: tuple[str, ...]  # public ids with new messages, oldest change first
    assigned: tuple[Assigned, ...]
    alerted: tuple[Alerted, ...] = ()

    @property
    def any(self) -> bool:
        return bool(self.conversations or self.assigned or self.alerted)


def mark(uow: UnitOfWork, *, dealership_id: int) -> Mark:
    """Where the dealership's console stands now (one query)."""
    mine = Conversation.dealership_id == dealership_id
    message = (
        sa.select(sa.func.max(Message.id))
        .join(Conversation, Conversation.id == Message.conversation_id)
        .where(mine)
        .scalar_subquery()
    )
    inbox_at = (
        sa.select(sa.func.max(ConversationInbox.updated_at))
        .join(Conversation, Conversation.id == ConversationInbox.conversation_id)
        .where(mine)
        .scalar_subquery()
    )
    step = _latest_step(handoffs.TRAIL, dealership_id)
    alert_step = _latest_step(alerts.TRAIL, dealership_id)
    found = uow.session.execute(sa.select(message, step, inbox_at, alert_step)).one()
    at: datetime | None = found[2]
    return Mark(found[0] or 0, found[1] or 0, _micros(at), found[3] or 0)


def changes(uow: UnitOfWork, *, dealership_id: int, staff_id: int, since: Mark) -> Changes:
    """What changed for `staff_id` of `dealership_id` after `since` (see the module
    docstring); `mark` is where they stand once they have seen it."""
    now = mark(uow, dealership_id=dealership_id)
    talked: tuple[str, ...] = ()
    if now.message_id > since.message_id:
        talked = _talked(uow, dealership_id, since.message_id, now.message_id)
    assigned: tuple[Assigned, ...] = ()
    if now.step_id > since.step_id:
        assigned = _assigned(uow, dealership_id, staff_id, since.step_id, now.step_id)
    alerted: tuple[Alerted, ...] = ()
    if now.alert_step_id > since.alert_step_id:
        alerted = _alerted(uow, dealership_id, staff_id, since.alert_step_id, now.alert_step_id)
    return Changes(now, talked, assigned, alerted)


def _talked(uow: UnitOfWork, dealership_id: int, after: int, upto: int) -> tuple[str, ...]:
    latest = sa.func.max(Message.id)
    rows = uow.session.execute(
        sa.select(Conversation.public_id, latest)
        .join(Message, Message.conversation_id == Conversation.id)
        .where(
            Conversation.dealership_id == dealership_id,
            Message.id > after,
            Message.id <= upto,
        )
        .group_by(Conversation.public_id)
        .order_by(latest.desc())
        .limit(LIMIT)
    ).all()
    return tuple(row[0] for row in reversed(rows))


def _assigned(
    uow: UnitOfWork, dealership_id: int, staff_id: int, after: int, upto: int
) -> tuple[Assigned, ...]:
    theirs = _newly_theirs(
        handoffs.TRAIL, ASSIGNING, handoffs.LIVE, dealership_id, staff_id, after, upto
    )
    rows = uow.session.execute(
        sa.select(HandoffStep.detail, Handoff.id, Handoff.reasons, Conversation.public_id)
        .add_columns(Customer.name)
        .join(Handoff, Handoff.id == HandoffStep.handoff_id)
        .join(Conversation, Conversation.id == Handoff.conversation_id)
        .join(Customer, Customer.id == Handoff.customer_id)
        .where(*theirs)
        .order_by(HandoffStep.id)
        .limit(LIMIT)
    ).all()
    found: dict[int, Assigned] = {}
    for detail, handoff_id, reasons, public_id, name in rows:
        if (detail or {}).get("by") == staff_id:
            continue  # they gave it to themselves
        found.setdefault(
            handoff_id,
            Assigned(handoff_id, public_id, _first(name), tuple(map(str, reasons or ()))),
        )
    return tuple(found.values())


def _alerted(
    uow: UnitOfWork, dealership_id: int, staff_id: int, after: int, upto: int
) -> tuple[Alerted, ...]:
    theirs = _newly_theirs(
        alerts.TRAIL, ALERTING, ALERT_WAITING, dealership_id, staff_id, after, upto
    )
    rows = uow.session.execute(
        sa.select(Alert.id, Alert.customer_id, Customer.name, Alert.reason)
        .join(AlertStep, AlertStep.alert_id == Alert.id)
        .join(Customer, Customer.id == Alert.customer_id)
        .where(*theirs)
        .order_by(AlertStep.id)
        .limit(LIMIT)
    ).all()
    found: dict[int, Alerted] = {}
    for alert_id, customer_id, name, reason in rows:
        found.setdefault(alert_id, Alerted(alert_id, customer_id, _first(name), reason))
    return tuple(found.values())


def _latest_step(trail: Trail[Any], dealership_id: int) -> sa.ScalarSelect[Any]:
    """The id of the latest step of the dealership's items of `trail`'s kind."""
    step, item = trail.step, trail.item
    return (
        sa.select(sa.func.max(step.id))
        .join(item, item.id == trail.item_column())
        .where(item.dealership_id == dealership_id)
        .scalar_subquery()
    )


def _newly_theirs(
    trail: Trail[Any],
    actions: Collection[str],
    statuses: Collection[Any],
    dealership_id: int,
    staff_id: int,
    after: int,
    upto: int,
) -> tuple[sa.ColumnElement[bool], ...]:
    """A step of `trail` after `after`, up to `upto`, that gave `staff_id` one of the
    dealership's items (one of `actions`), which is still theirs and in one of `statuses`:
    the item is newly theirs (module docstring)."""
    step, item = trail.step, trail.item
    return (
        item.dealership_id == dealership_id,
        step.id > after,
        step.id <= upto,
        step.staff_id == staff_id,
        step.action.in_(actions),
        item.assigned_staff_id == staff_id,
        item.status.in_(statuses),
    )


def _first(name: str | None) -> str | None:
    return name.split()[0] if name and name.strip() else None


def _micros(at: datetime | None) -> int:
    if at is None:
        return 0
    return (at - _EPOCH) // _MICRO
