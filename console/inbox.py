"""The salesperson's inbox: what is waiting for me, my other conversations and the
dealership's unassigned queue (`crm_store.inbox_items` says what goes where), one
conversation's page (the handoff summary card, the customer's timeline, internal notes),
and the staff actions on a conversation: set its status, snooze it, assign or reassign it,
add a note. Every action is audited.

Each call acts as a signed-in staff member (their console `SessionRecord`) and only ever
sees or touches their own dealership: another dealership's conversation is `NotFound`,
exactly like one that does not exist. Conversations are named by their public id.

Claiming, replying to the shopper and handing back to the assistant are the handoff's own
flows (the signed handoff page's too: `handoff.takeover.take_over` / `give_back`,
`handoff.staff_messages.send_to_shopper`), not repeated here; claiming makes the claimer the
conversation's assignee.

The inbox page shows each listed customer's lead score (`signals.score`, weighed by the
dealership's `signals: {score: ...}`) and may order each list by it: then a list is the top
`limit` by score of its first `CANDIDATES` in the default order (ties keep that order; pages
awaiting the viewer's acknowledgement stay first), so a
strong lead past the first page is not missed and the page stays bounded. A page's scores
are read in a constant number of queries (`signals.score_facts.lead_scores`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from crm_store import audit, conversations, customers, handoffs, inbox, notes, staff, timeline
from crm_store.db import Store
from crm_store.errors import InvalidValue, NotFound
from crm_store.inbox import InboxState
from crm_store.inbox_items import InboxItem, InboxSections, display_name, sections
from crm_store.notes import NoteRecord
from crm_store.records import (
    ConversationRecord,
    HandoffRecord,
    StaffRecord,
    TimelineEventRecord,
)
from crm_store.staff_sessions import SessionRecord
from crm_store.types import InboxStatus
from crm_store.uow import UnitOfWork
from signals import alerting
from signals.score import Score
from signals.score_facts import lead_scores

VIA = "console"
CANDIDATES = 500  # per list, scored when the lists are ordered by score


class Sort(StrEnum):
    RECENT = "recent"  # each list's own order (`crm_store.inbox_items`)
    SCORE = "score"  # lead score, highest first


@dataclass(frozen=True, slots=True)
class ScoredSections:
    """The inbox's three lists and the lead score now of each customer they show."""

    sections: InboxSections
    scores: Mapping[int, Score]  # by customer id


@dataclass(frozen=True, slots=True)
class ConversationView:
    """One conversation's page, the transcript aside (the HTTP layer adds it)."""

    conversation: ConversationRecord
    customer: str  # display name (the summary card has the contact details)
    state: InboxState
    assignee: StaffRecord | None
    handoff: HandoffRecord | None  # the live one, else the latest: its summary is the card
    notes: tuple[NoteRecord, ...]
    timeline: tuple[TimelineEventRecord, ...]  # the customer's, across conversations


class Inbox:
    def __init__(self, store: Store) -> None:
        self.store = store

    def sections(
        self, acting: SessionRecord, *, status: InboxStatus | None = None, limit: int = 50
    ) -> InboxSections:
        """Waiting for me, mine, and the unassigned queue; only `status` when given."""
        with self.store.reading() as uow:
            return sections(
                uow,
                dealership_id=acting.dealership_id,
                staff_id=acting.staff_id,
                status=status,
                limit=limit,
            )

    def scored(
        self,
        acting: SessionRecord,
        *,
        status: InboxStatus | None = None,
        sort: Sort = Sort.RECENT,
        limit: int = 50,
    ) -> ScoredSections:
        """`sections` with each shown customer's lead score, in the order `sort` names."""
        by_score = sort is Sort.SCORE
        with self.store.reading() as uow:
            lists = sections(
                uow,
                dealership_id=acting.dealership_id,
                staff_id=acting.staff_id,
                status=status,
                limit=CANDIDATES if by_score else limit,
            )
            weights = alerting.load(uow, dealership_id=acting.dealership_id).config.score
            scores = lead_scores(
                uow,
                dealership_id=acting.dealership_id,
                customer_ids={item.customer_id for item in _items(lists)},
                weights=weights,
            )
        if by_score:
            lists = InboxSections(
                waiting=_top(lists.waiting, scores, limit),
                mine=_top(lists.mine, scores, limit),
                queue=_top(lists.queue, scores, limit),
            )
        shown = {item.customer_id for item in _items(lists)}
        return ScoredSections(lists, {cid: s for cid, s in scores.items() if cid in shown})

    def conversation(self, acting: SessionRecord, public_id: str) -> ConversationView:
        with self.store.reading() as uow:
            convo = conversation_of(uow, acting, public_id)
            shopper = customers.get_customer(uow, customer_id=convo.customer_id)
            state = inbox.state(uow, conversation_id=convo.id)
            live = handoffs.live_for_conversation(uow, conversation_id=convo.id)
            every = handoffs.list_handoffs(
                uow, dealership_id=convo.dealership_id, conversation_id=convo.id
            )
            return ConversationView(
                conversation=convo,
                customer=display_name(shopper.name, shopper.phone),
                state=state,
                assignee=_staff(uow, state.assignee_staff_id),
                handoff=live or (every[-1] if every else None),
                notes=tuple(notes.list_notes(uow, conversation_id=convo.id)),
                timeline=tuple(timeline.customer_timeline(uow, customer_id=shopper.id)),
            )

    def mark_seen(self, acting: SessionRecord, public_id: str) -> InboxState:
        """The assignee (or, for an unassigned conversation, anyone) read it: the shopper's
        messages so far stop counting as unread. Someone else looking in changes nothing."""
        with self.store.unit_of_work() as uow:
            convo = conversation_of(uow, acting, public_id)
            current = inbox.state(uow, conversation_id=convo.id)
            if current.assignee_staff_id not in (None, acting.staff_id):
                return current
            return inbox.mark_seen(uow, conversation_id=convo.id)

    def set_status(self, acting: SessionRecord, public_id: str, status: InboxStatus) -> InboxState:
        """Open, pending or resolved (`snooze` snoozes); `InvalidValue` on `status` else."""
        with self.store.unit_of_work() as uow:
            convo = conversation_of(uow, acting, public_id)
            state = inbox.set_status(uow, conversation_id=convo.id, status=status)
            _audit(uow, acting, "inbox_status", convo, {"status": status.value})
            return state

    def snooze(
        self, acting: SessionRecord, public_id: str, *, until: datetime | None
    ) -> InboxState:
        """Snooze until `until` (in the future, else `InvalidValue` on `until`) or, with
        None, until the shopper writes again."""
        with self.store.unit_of_work() as uow:
            convo = conversation_of(uow, acting, public_id)
            state = inbox.snooze(uow, conversation_id=convo.id, until=until)
            detail = {"until": until.isoformat() if until else "reply"}
            _audit(uow, acting, "inbox_snooze", convo, detail)
            return state

    def assign(self, acting: SessionRecord, public_id: str, staff_id: int | None) -> InboxState:
        """Give the conversation to an active staff member of the same dealership (else
        `InvalidValue` on `staff_id`), or with None back to the unassigned queue. A live
        handoff goes along to the new assignee, so the routing ladder pages nobody else for
        it (unassigning leaves the handoff as it is)."""
        with self.store.unit_of_work() as uow:
            convo = conversation_of(uow, acting, public_id)
            if staff_id is not None:
                _assignable(uow, acting, staff_id)
            before = inbox.state(uow, conversation_id=convo.id).assignee_staff_id
            state = inbox.assign(uow, conversation_id=convo.id, staff_id=staff_id)
            live = handoffs.live_for_conversation(uow, conversation_id=convo.id)
            if live is not None and staff_id is not None:
                handoffs.reassign(
                    uow, handoff_id=live.id, staff_id=staff_id, by_staff_id=acting.staff_id
                )
            _audit(uow, acting, "inbox_assign", convo, {"from": before, "to": staff_id})
            return state

    def add_note(self, acting: SessionRecord, public_id: str, text: str) -> NoteRecord:
        """An internal note, for staff only (never sent); `InvalidValue` on `text` when
        empty or over 4,000 characters."""
        with self.store.unit_of_work() as uow:
            convo = conversation_of(uow, acting, public_id)
            note = notes.add_note(
                uow, conversation_id=convo.id, staff_id=acting.staff_id, text=text
            )
            _audit(uow, acting, "inbox_note", convo, {"note": note.id})
            return note

    def list_notes(self, acting: SessionRecord, public_id: str) -> list[NoteRecord]:
        with self.store.reading() as uow:
            convo = conversation_of(uow, acting, public_id)
            return notes.list_notes(uow, conversation_id=convo.id)

    def team(self, acting: SessionRecord) -> list[StaffRecord]:
        """Whom a conversation may be assigned to: the dealership's active staff."""
        with self.store.reading() as uow:
            return staff.list_staff(uow, dealership_id=acting.dealership_id)


def conversation_of(uow: UnitOfWork, acting: SessionRecord, public_id: str) -> ConversationRecord:
    """The conversation `public_id` of the acting staff member's dealership, else
    `NotFound` (another dealership's conversation is not told apart from a missing one)."""
    convo = conversations.get_by_public_id(uow, public_id=public_id)
    if convo.dealership_id != acting.dealership_id:
        raise NotFound("conversation not found")
    return convo


def _items(lists: InboxSections) -> tuple[InboxItem, ...]:
    return (*lists.waiting, *lists.mine, *lists.queue)


def _top(
    items: tuple[InboxItem, ...], scores: Mapping[int, Score], limit: int
) -> tuple[InboxItem, ...]:
    """The `limit` highest-scored of `items`, highest first, except that a page still waiting
    for the viewer's acknowledgement stays on top (the ladder reroutes it if they sit on it);
    ties keep their order (a stable sort of a list already in the default order)."""

    def key(item: InboxItem) -> tuple[bool, int]:
        return (not item.awaiting_ack, -scores[item.customer_id].value)

    return tuple(sorted(items, key=key)[:limit])


def _assignable(uow: UnitOfWork, acting: SessionRecord, staff_id: int) -> StaffRecord:
    expected = "an active staff member of this dealership"
    try:
        member = staff.get_staff(uow, staff_id=staff_id)
    except NotFound:
        raise InvalidValue("staff_id", staff_id, expected) from None
    if member.dealership_id != acting.dealership_id or not member.active:
        raise InvalidValue("staff_id", staff_id, expected)
    return member


def _staff(uow: UnitOfWork, staff_id: int | None) -> StaffRecord | None:
    return None if staff_id is None else staff.get_staff(uow, staff_id=staff_id)


def audit_action(
    uow: UnitOfWork, acting: SessionRecord, action: str, target: str, detail: dict[str, Any]
) -> None:
    """Put a console action of the acting staff member in the audit log (ids, no text)."""
    audit.record(
        uow,
        dealership_id=acting.dealership_id,
        via=VIA,
        actor=f"{acting.staff_name} ({acting.staff_handle})",
        staff_id=acting.staff_id,
        action=action,
        target=target,
        detail=detail,
    )


def _audit(
    uow: UnitOfWork,
    acting: SessionRecord,
    action: str,
    convo: ConversationRecord,
    detail: dict[str, Any],
) -> None:
    audit_action(uow, acting, action, f"conversation:{convo.id}", detail)
