"""A conversation's place in the staff inbox: status (open, pending, snoozed, resolved), the
snooze, the assignee and when staff last read it (`models.ConversationInbox` says why the
assignee is the conversation's own and not the handoff's).

- open: someone on staff should look; pending: the assignee is on it, waiting on something
  other than the shopper (a manager's OK, an appraisal); resolved: done for now.
- snoozed: out of sight until a time, or with no time until the shopper writes. A snooze
  whose time has passed reads as open (worked out when read: no job wakes it).
- A shopper's new message reopens a snoozed or resolved conversation, in the transaction
  that stores the message (`crm_store.messages`): a shopper who writes is never left behind
  a snooze or a "done". A pending conversation stays pending; its unread count shows them.
- Claiming or acknowledging a handoff makes that person the assignee and reopens the
  conversation (`crm_store.handoffs`).

Staff actions are audited by their caller (`console.inbox`), not here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from crm_store.errors import InvalidValue
from crm_store.models import ConversationInbox
from crm_store.types import InboxStatus
from crm_store.uow import UnitOfWork

REOPENED_BY_SHOPPER = (InboxStatus.SNOOZED, InboxStatus.RESOLVED)


@dataclass(frozen=True, slots=True)
class InboxState:
    """A conversation's inbox state as of `now` (an expired snooze reads as open)."""

    conversation_id: int
    status: InboxStatus
    snoozed_until: datetime | None  # set while snoozed until a time; None: until the reply
    assignee_staff_id: int | None
    seen_at: datetime | None


def effective_status(
    status: InboxStatus | None, snoozed_until: datetime | None, now: datetime
) -> InboxStatus:
    """The status as staff see it at `now`: no row is open, an expired snooze is open."""
    if status is None:
        return InboxStatus.OPEN
    if status is InboxStatus.SNOOZED and snoozed_until is not None and snoozed_until <= now:
        return InboxStatus.OPEN
    return status


def is_open(now: datetime) -> sa.ColumnElement[bool]:
    """SQL: the conversation (outer-joined to its inbox row) reads as open at `now`."""
    row = ConversationInbox
    return sa.or_(
        row.status.is_(None),
        row.status == InboxStatus.OPEN,
        sa.and_(row.status == InboxStatus.SNOOZED, row.snoozed_until <= now),
    )


def is_status(status: InboxStatus, now: datetime) -> sa.ColumnElement[bool]:
    """SQL: the conversation reads as `status` at `now` (see `effective_status`)."""
    row = ConversationInbox
    if status is InboxStatus.OPEN:
        return is_open(now)
    if status is InboxStatus.SNOOZED:
        return sa.and_(
            row.status == InboxStatus.SNOOZED,
            sa.or_(row.snoozed_until.is_(None), row.snoozed_until > now),
        )
    return row.status == status


def state(uow: UnitOfWork, *, conversation_id: int) -> InboxState:
    row = uow.session.get(ConversationInbox, conversation_id)
    if row is None:
        return InboxState(conversation_id, InboxStatus.OPEN, None, None, None)
    return _state(row, uow.now())


def set_status(uow: UnitOfWork, *, conversation_id: int, status: InboxStatus) -> InboxState:
    """Open, pending or resolved (a snooze needs its terms: `snooze`)."""
    if status is InboxStatus.SNOOZED:
        raise InvalidValue("status", status.value, "open, pending or resolved (snooze to snooze)")
    row = _row(uow, conversation_id)
    row.status = status
    row.snoozed_until = None
    row.updated_at = uow.now()
    uow.flush()
    return _state(row, uow.now())


def snooze(uow: UnitOfWork, *, conversation_id: int, until: datetime | None) -> InboxState:
    """Snooze until `until` (a time in the future) or, with None, until the shopper writes."""
    now = uow.now()
    if until is not None and until <= now:
        raise InvalidValue("until", until.isoformat(), f"a time after {now.isoformat()}")
    row = _row(uow, conversation_id)
    row.status = InboxStatus.SNOOZED
    row.snoozed_until = until
    row.updated_at = now
    uow.flush()
    return _state(row, now)


def assign(uow: UnitOfWork, *, conversation_id: int, staff_id: int | None) -> InboxState:
    """Give the conversation to `staff_id` (None: back to the dealership's queue). The
    caller checks who may be assigned (`console.inbox`)."""
    row = _row(uow, conversation_id)
    row.assignee_staff_id = staff_id
    row.updated_at = uow.now()
    uow.flush()
    return _state(row, uow.now())


def take(uow: UnitOfWork, *, conversation_id: int, staff_id: int) -> InboxState:
    """`staff_id` took the conversation's handoff (claimed or acknowledged it): theirs, open."""
    row = _row(uow, conversation_id)
    row.assignee_staff_id = staff_id
    row.status = InboxStatus.OPEN
    row.snoozed_until = None
    row.updated_at = uow.now()
    uow.flush()
    return _state(row, uow.now())


def mark_seen(uow: UnitOfWork, *, conversation_id: int) -> InboxState:
    """Staff read the conversation now: the shopper's messages so far are no longer unread."""
    row = _row(uow, conversation_id)
    row.seen_at = row.updated_at = uow.now()
    uow.flush()
    return _state(row, uow.now())


def reopen_for_shopper(uow: UnitOfWork, *, conversation_id: int) -> None:
    """The shopper wrote: a snoozed or resolved conversation is open again (one UPDATE; a
    conversation without a row is open already)."""
    uow.session.execute(
        sa.update(ConversationInbox)
        .where(
            ConversationInbox.conversation_id == conversation_id,
            ConversationInbox.status.in_(REOPENED_BY_SHOPPER),
        )
        .values(status=InboxStatus.OPEN, snoozed_until=None, updated_at=uow.now())
        .execution_options(synchronize_session="fetch")
    )


def _row(uow: UnitOfWork, conversation_id: int) -> ConversationInbox:
    """The conversation's row, created (open, unassigned) on the first staff action; two
    first actions at once make one row (the loser of the primary-key race reads it)."""
    row = uow.session.get(ConversationInbox, conversation_id)
    if row is not None:
        return row
    row = ConversationInbox(
        conversation_id=conversation_id, status=InboxStatus.OPEN, updated_at=uow.now()
    )
    try:
        with uow.session.begin_nested():
            uow.session.add(row)
    except IntegrityError:
        return uow.get(ConversationInbox, conversation_id, "conversation inbox")
    return row


def _state(row: ConversationInbox, now: datetime) -> InboxState:
    status = effective_status(row.status, row.snoozed_until, now)
    until = row.snoozed_until if status is InboxStatus.SNOOZED else None
    return InboxState(row.conversation_id, status, until, row.assignee_staff_id, row.seen_at)
