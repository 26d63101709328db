"""Handoffs to a human: why, triggered by which message, the structured summary, and the
audit trail of routing (paged whom, when, by which rule; acks, reroutes, claims, hand-backs).

A conversation has at most one live handoff (open, paged or claimed): a second escalation
adds its reasons to it instead of paging again. Creating one queues its routing job in the
same transaction, so no handoff is ever left unrouted, even across a restart.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from crm_store import conversations, inbox, jobs, step_trail
from crm_store.errors import InvalidValue
from crm_store.models import Handoff, HandoffStep
from crm_store.records import HandoffRecord, from_row
from crm_store.timeline import add_event
from crm_store.types import ConversationMode, HandoffStatus
from crm_store.uow import UnitOfWork

ROUTE_JOB = "handoff_route"
LIVE = (HandoffStatus.OPEN, HandoffStatus.PAGED, HandoffStatus.CLAIMED)


@dataclass(frozen=True, slots=True)
class HandoffStepRecord:
    id: int
    handoff_id: int
    at: datetime
    action: str  # created | paged | queued | acked | rerouted | claimed | replied | handed_back
    staff_id: int | None
    rule: str | None
    detail: dict[str, Any] = field(default_factory=dict)


TRAIL = step_trail.Trail(Handoff, HandoffStep, "handoff_id", HandoffStepRecord)


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
    urgent: bool = False,
) -> HandoffRecord:
    """Record a handoff (or add the reasons to the conversation's live one) and queue its
    routing; the handoff is on the customer's timeline either way."""
    live = _live_row(uow, conversation_id)
    if live is not None:
        added = [r for r in reasons if r not in live.reasons]
        if added:
            live.reasons = [*live.reasons, *added]
            live.urgent = live.urgent or urgent
            live.updated_at = uow.now()
            record_step(uow, handoff_id=live.id, action="reasons_added", detail={"reasons": added})
        return _record(live)
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
        urgent=urgent,
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
        data={"handoff_id": row.id, "reasons": list(reasons), "note": note},
    )
    record_step(uow, handoff_id=row.id, action="created", detail={"reasons": list(reasons)})
    jobs.schedule(
        uow, kind=ROUTE_JOB, key=f"handoff:{row.id}:route:0", payload={"handoff_id": row.id}
    )
    return _record(row)


def create_for_failure(
    uow: UnitOfWork,
    *,
    conversation_id: int,
    trigger_message_id: int | None,
    note: str,
    fallback: str | None = None,
) -> HandoffRecord:
    """The handoff (reason `other`) for a shopper's message the assistant could not handle
    (the model or a tool failed, the turn kept crashing): a person must reply. With
    `fallback` (why: "timeout" or "error"), the shopper got the safe fallback reply instead:
    a `fallback_reply` timeline event says so, for the managers' review queue."""
    convo = conversations.get_conversation(uow, conversation_id=conversation_id)
    if fallback is not None:
        add_event(
            uow,
            dealership_id=convo.dealership_id,
            customer_id=convo.customer_id,
            conversation_id=convo.id,
            kind="fallback_reply",
            data={"why": fallback},
        )
    return create_handoff(
        uow,
        dealership_id=convo.dealership_id,
        conversation_id=convo.id,
        customer_id=convo.customer_id,
        reasons=["other"],
        confidence=1.0,
        trigger_message_id=trigger_message_id,
        note=note,
    )


def get_handoff(uow: UnitOfWork, *, handoff_id: int) -> HandoffRecord:
    return _record(_get(uow, handoff_id))


def live_for_conversation(uow: UnitOfWork, *, conversation_id: int) -> HandoffRecord | None:
    row = _live_row(uow, conversation_id)
    return None if row is None else _record(row)


def set_summary(uow: UnitOfWork, *, handoff_id: int, summary: dict[str, Any]) -> HandoffRecord:
    """Write the structured summary into the handoff and onto the customer's timeline."""
    row = _get(uow, handoff_id)
    row.summary = dict(summary)
    row.updated_at = uow.now()
    add_event(
        uow,
        dealership_id=row.dealership_id,
        customer_id=row.customer_id,
        conversation_id=row.conversation_id,
        kind="handoff_summary",
        data={"handoff_id": row.id, "summary": dict(summary)},
    )
    return _record(row)


def page(uow: UnitOfWork, *, handoff_id: int, staff_id: int, rule: str) -> HandoffRecord:
    """The handoff is now waiting for `staff_id` to acknowledge the page."""
    row = _get(uow, handoff_id)
    action = step_trail.page_action(assigned_staff_id=row.assigned_staff_id, staff_id=staff_id)
    row.status = HandoffStatus.PAGED
    row.assigned_staff_id = staff_id
    row.acked_at = None
    row.updated_at = uow.now()
    record_step(uow, handoff_id=row.id, action=action, staff_id=staff_id, rule=rule)
    return _record(row)


def queue(
    uow: UnitOfWork, *, handoff_id: int, until: datetime, staff_id: int | None, rule: str
) -> HandoffRecord:
    """Nobody is paged now (after hours): the handoff waits for `staff_id` at `until`."""
    row = _get(uow, handoff_id)
    row.status = HandoffStatus.OPEN
    row.assigned_staff_id = staff_id
    row.updated_at = uow.now()
    record_step(
        uow,
        handoff_id=row.id,
        action="queued",
        staff_id=staff_id,
        rule=rule,
        detail={"until": until.isoformat()},
    )
    return _record(row)


def ack(uow: UnitOfWork, *, handoff_id: int, staff_id: int, via: str) -> HandoffRecord:
    """The paged person has it (idempotent); no reroute will follow."""
    row = _get(uow, handoff_id)
    if row.acked_at is None:
        row.acked_at = uow.now()
        row.assigned_staff_id = staff_id
        row.updated_at = uow.now()
        record_step(uow, handoff_id=row.id, action="acked", staff_id=staff_id, detail={"via": via})
        inbox.take(uow, conversation_id=row.conversation_id, staff_id=staff_id)
    return _record(row)


def claim(uow: UnitOfWork, *, handoff_id: int, staff_id: int) -> HandoffRecord:
    """A person takes over the conversation: the assistant stays silent in it from now."""
    row = _get(uow, handoff_id)
    if row.status is HandoffStatus.RESOLVED:
        raise InvalidValue("status", row.status.value, "a handoff that is still open")
    now = uow.now()
    if row.acked_at is None:
        row.acked_at = now
    row.status = HandoffStatus.CLAIMED
    row.assigned_staff_id = staff_id
    row.claimed_at = row.claimed_at or now
    row.updated_at = now
    conversations.set_mode(
        uow, conversation_id=row.conversation_id, mode=ConversationMode.HUMAN, staff_id=staff_id
    )
    record_step(uow, handoff_id=row.id, action="claimed", staff_id=staff_id)
    inbox.take(uow, conversation_id=row.conversation_id, staff_id=staff_id)
    return _record(row)


def reassign(uow: UnitOfWork, *, handoff_id: int, staff_id: int, by_staff_id: int) -> HandoffRecord:
    """Someone on staff gave the handoff to `staff_id` (the inbox's reassign): a person
    decided who has it, so it counts as acknowledged and no ack timeout reroutes it."""
    row = _get(uow, handoff_id)
    if row.assigned_staff_id == staff_id and row.acked_at is not None:
        return _record(row)
    now = uow.now()
    row.assigned_staff_id = staff_id
    row.acked_at = row.acked_at or now
    row.updated_at = now
    record_step(
        uow, handoff_id=row.id, action="reassigned", staff_id=staff_id, detail={"by": by_staff_id}
    )
    return _record(row)


def hand_back(uow: UnitOfWork, *, handoff_id: int, staff_id: int) -> HandoffRecord:
    """The person hands the conversation back to the assistant; the handoff is resolved."""
    row = _get(uow, handoff_id)
    now = uow.now()
    row.status = HandoffStatus.RESOLVED
    row.resolved_at = now
    row.updated_at = now
    conversations.set_mode(
        uow, conversation_id=row.conversation_id, mode=ConversationMode.BOT, staff_id=staff_id
    )
    record_step(uow, handoff_id=row.id, action="handed_back", staff_id=staff_id)
    return _record(row)


def awaiting_ack_by(uow: UnitOfWork, *, staff_id: int) -> HandoffRecord | None:
    """The latest handoff paged to `staff_id` that they have not acknowledged yet."""
    row = uow.session.scalar(
        sa.select(Handoff)
        .where(
            Handoff.assigned_staff_id == staff_id,
            Handoff.status == HandoffStatus.PAGED,
            Handoff.acked_at.is_(None),
        )
        .order_by(Handoff.updated_at.desc(), Handoff.id.desc())
        .limit(1)
    )
    return None if row is None else _record(row)


def record_step(
    uow: UnitOfWork,
    *,
    handoff_id: int,
    action: str,
    staff_id: int | None = None,
    rule: str | None = None,
    detail: dict[str, Any] | None = None,
) -> HandoffStepRecord:
    return step_trail.record(
        uow, TRAIL, item_id=handoff_id, action=action, staff_id=staff_id, rule=rule, detail=detail
    )


def steps(uow: UnitOfWork, *, handoff_id: int) -> list[HandoffStepRecord]:
    return step_trail.steps(uow, TRAIL, item_id=handoff_id)


def paged_staff(uow: UnitOfWork, *, handoff_id: int) -> list[int]:
    """Everyone paged for this handoff so far, in order (the ladder moves past them)."""
    return [
        s.staff_id
        for s in steps(uow, handoff_id=handoff_id)
        if s.action in step_trail.PAGED and s.staff_id is not None
    ]


def live_load(uow: UnitOfWork, *, dealership_id: int) -> dict[int, int]:
    """How many live handoffs each staff member holds (fair rotation pages the least loaded)."""
    return step_trail.load(uow, TRAIL, dealership_id=dealership_id, statuses=LIVE)


def last_paged(uow: UnitOfWork, *, dealership_id: int) -> dict[int, datetime]:
    """When each staff member was last paged for any of the dealership's handoffs (fair
    rotation: with equal load, whoever has waited longest gets the next page)."""
    return step_trail.last_paged(uow, TRAIL, dealership_id=dealership_id)


def list_handoffs(
    uow: UnitOfWork, *, dealership_id: int, conversation_id: int | None = None
) -> list[HandoffRecord]:
    query = sa.select(Handoff).where(Handoff.dealership_id == dealership_id)
    if conversation_id is not None:
        query = query.where(Handoff.conversation_id == conversation_id)
    return [_record(row) for row in uow.session.scalars(query.order_by(Handoff.id))]


def _live_row(uow: UnitOfWork, conversation_id: int) -> Handoff | None:
    return uow.session.scalar(
        sa.select(Handoff)
        .where(Handoff.conversation_id == conversation_id, Handoff.status.in_(LIVE))
        .order_by(Handoff.id.desc())
        .limit(1)
    )


def _get(uow: UnitOfWork, handoff_id: int) -> Handoff:
    return uow.get(Handoff, handoff_id, "handoff")


def _record(row: Handoff) -> HandoffRecord:
    return from_row(
        HandoffRecord, row, reasons=tuple(str(r) for r in row.reasons), summary=dict(row.summary)
    )
