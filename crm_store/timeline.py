"""One timeline per customer: every notable thing that happened, in order."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from crm_store.models import TimelineEvent
from crm_store.records import TimelineEventRecord, from_row
from crm_store.uow import UnitOfWork


def add_event(
    uow: UnitOfWork,
    *,
    dealership_id: int,
    kind: str,
    customer_id: int | None = None,
    conversation_id: int | None = None,
    staff_id: int | None = None,
    data: dict[str, Any] | None = None,
) -> TimelineEventRecord:
    row = new_event(
        uow,
        dealership_id=dealership_id,
        kind=kind,
        customer_id=customer_id,
        conversation_id=conversation_id,
        staff_id=staff_id,
        data=data,
    )
    uow.session.add(row)
    uow.flush()
    return _record(row)


def new_event(
    uow: UnitOfWork,
    *,
    dealership_id: int,
    kind: str,
    customer_id: int | None = None,
    conversation_id: int | None = None,
    staff_id: int | None = None,
    data: dict[str, Any] | None = None,
) -> TimelineEvent:
    """A timeline event at now, not yet added to the session: for a caller that adds many
    at once and flushes them together (`add_event` adds and flushes one)."""
    return TimelineEvent(
        dealership_id=dealership_id,
        customer_id=customer_id,
        conversation_id=conversation_id,
        staff_id=staff_id,
        kind=kind,
        at=uow.now(),
        data=dict(data or {}),
    )


def customer_timeline(uow: UnitOfWork, *, customer_id: int) -> list[TimelineEventRecord]:
    rows = uow.session.scalars(
        sa.select(TimelineEvent)
        .where(TimelineEvent.customer_id == customer_id)
        .order_by(TimelineEvent.at, TimelineEvent.id)
    )
    return [_record(row) for row in rows]


def has_event_since(
    uow: UnitOfWork, *, customer_id: int, conversation_id: int, kind: str, since: datetime
) -> bool:
    """Whether the conversation has an event of `kind` at or after `since` (e.g. a notice
    recorded once per window)."""
    found = uow.session.scalar(
        sa.select(TimelineEvent.id)
        .where(
            TimelineEvent.customer_id == customer_id,
            TimelineEvent.conversation_id == conversation_id,
            TimelineEvent.kind == kind,
            TimelineEvent.at >= since,
        )
        .limit(1)
    )
    return found is not None


def _record(row: TimelineEvent) -> TimelineEventRecord:
    return from_row(TimelineEventRecord, row, data=dict(row.data))
