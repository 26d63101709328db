"""Handoffs to a human: why, triggered by which message, and the structured summary."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from crm_store.models import Handoff
from crm_store.records import HandoffRecord, from_row
from crm_store.timeline import add_event
from crm_store.types import HandoffStatus
from crm_store.uow import UnitOfWork


def create_handoff(
    uow: UnitOfWork,
    *,
    dealership_id: int,
    conversation_id: int,
    customer_id: int,
    reasons: Sequence[str],
    confidence: float,
    trigger_message_id: int | None = None,
    note: str | None = None,
    summary: dict[str, Any] | None = None,
) -> HandoffRecord:
    """Record a handoff and put its summary on the customer's timeline."""
    now = uow.now()
    row = Handoff(
        dealership_id=dealership_id,
        conversation_id=conversation_id,
        customer_id=customer_id,
        reasons=list(reasons),
        trigger_message_id=trigger_message_id,
        confidence=confidence,
        note=note,
        status=HandoffStatus.OPEN,
        summary=dict(summary or {}),
        created_at=now,
        updated_at=now,
    )
    uow.session.add(row)
    uow.flush()
    add_event(
        uow,
        dealership_id=dealership_id,
        customer_id=customer_id,
        conversation_id=conversation_id,
        kind="handoff_created",
        data={"handoff_id": row.id, "reasons": list(reasons), "summary": row.summary},
    )
    return _record(row)


def list_handoffs(
    uow: UnitOfWork, *, dealership_id: int, conversation_id: int | None = None
) -> list[HandoffRecord]:
    query = sa.select(Handoff).where(Handoff.dealership_id == dealership_id)
    if conversation_id is not None:
        query = query.where(Handoff.conversation_id == conversation_id)
    return [_record(row) for row in uow.session.scalars(query.order_by(Handoff.id))]


def _record(row: Handoff) -> HandoffRecord:
    return from_row(
        HandoffRecord, row, reasons=tuple(str(r) for r in row.reasons), summary=dict(row.summary)
    )
