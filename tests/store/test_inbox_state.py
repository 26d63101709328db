"""The inbox's state in the store: statuses, snoozes, the shopper reopening a conversation,
the assignee taken by claiming or acknowledging a handoff, notes and canned replies; on
SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
import sqlalchemy as sa

from contracts.clock import FrozenClock
from crm_store import canned, conversations, handoffs, inbox, messages, migrate, notes, staff
from crm_store.db import Store
from crm_store.errors import InvalidValue
from crm_store.models import ConversationInbox, Handoff
from crm_store.records import ConversationRecord, StaffRecord
from crm_store.types import Author, Channel, Direction, HandoffStatus, InboxStatus, Role
from crm_store.uow import UnitOfWork
from tests.factories import Lot, make_lot


def _conversation(store: Store, lot: Lot) -> ConversationRecord:
    with store.unit_of_work() as uow:
        convo, _ = conversations.open_conversation(
            uow, dealership_id=lot.dealer.id, customer_id=lot.shopper.id, channel=Channel.SMS
        )
    return convo


def _says(uow: UnitOfWork, convo: ConversationRecord, author: Author, text: str) -> None:
    messages.record_message(
        uow,
        conversation_id=convo.id,
        direction=Direction.INBOUND if author is Author.SHOPPER else Direction.OUTBOUND,
        author=author,
        body=text,
    )


def _status(store: Store, convo: ConversationRecord) -> InboxStatus:
    with store.reading() as uow:
        return inbox.state(uow, conversation_id=convo.id).status


def _colleague(store: Store, lot: Lot, handle: str = "tom") -> StaffRecord:
    with store.unit_of_work() as uow:
        return staff.upsert_staff(
            uow,
            dealership_id=lot.dealer.id,
            handle=handle,
            name=f"{handle.title()} Nguyen",
            role=Role.SALES,
            phone=None,
            email=f"{handle}@harborpoint.example",
            shifts={0: (time(9), time(18))},
        )


def test_a_conversation_nobody_touched_is_open_and_unassigned(store: Store) -> None:
    convo = _conversation(store, make_lot(store))
    with store.reading() as uow:
        state = inbox.state(uow, conversation_id=convo.id)
    assert (state.status, state.assignee_staff_id, state.snoozed_until) == (
        InboxStatus.OPEN,
        None,
        None,
    )


def test_the_shopper_reopens_a_resolved_or_snoozed_conversation_not_a_pending_one(
    store: Store,
) -> None:
    convo = _conversation(store, make_lot(store))
    with store.unit_of_work() as uow:
        inbox.set_status(uow, conversation_id=convo.id, status=InboxStatus.RESOLVED)
        _says(uow, convo, Author.ASSISTANT, "Anything else?")
    assert _status(store, convo) is InboxStatus.RESOLVED  # our own messages reopen nothing
    with store.unit_of_work() as uow:
        _says(uow, convo, Author.SHOPPER, "Actually, one more question")
    assert _status(store, convo) is InboxStatus.OPEN

    with store.unit_of_work() as uow:
        inbox.snooze(uow, conversation_id=convo.id, until=None)
        _says(uow, convo, Author.STAFF, "I'll wait for your trade-in photos")
    assert _status(store, convo) is InboxStatus.SNOOZED
    with store.unit_of_work() as uow:
        _says(uow, convo, Author.SHOPPER, "here they are")
    assert _status(store, convo) is InboxStatus.OPEN

    with store.unit_of_work() as uow:
        inbox.set_status(uow, conversation_id=convo.id, status=InboxStatus.PENDING)
        _says(uow, convo, Author.SHOPPER, "any news?")
    assert _status(store, convo) is InboxStatus.PENDING


def test_the_reopening_is_part_of_storing_the_message(store: Store) -> None:
    """A message that is not stored (its transaction failed) reopens nothing."""
    convo = _conversation(store, make_lot(store))
    with store.unit_of_work() as uow:
        inbox.set_status(uow, conversation_id=convo.id, status=InboxStatus.RESOLVED)
    with pytest.raises(RuntimeError), store.unit_of_work() as uow:
        _says(uow, convo, Author.SHOPPER, "hello?")
        raise RuntimeError("the turn job could not be queued")
    assert _status(store, convo) is InboxStatus.RESOLVED
    with store.reading() as uow:
        assert messages.list_messages(uow, conversation_id=convo.id) == []


def test_a_snooze_until_a_time_reads_open_once_it_has_passed(
    store: Store, clock: FrozenClock
) -> None:
    convo = _conversation(store, make_lot(store))
    wake = clock.now() + timedelta(hours=2)
    with store.unit_of_work() as uow:
        state = inbox.snooze(uow, conversation_id=convo.id, until=wake)
    assert (state.status, state.snoozed_until) == (InboxStatus.SNOOZED, wake)
    clock.advance(timedelta(hours=1, minutes=59))
    assert _status(store, convo) is InboxStatus.SNOOZED
    clock.advance(timedelta(minutes=1))
    with store.reading() as uow:
        state = inbox.state(uow, conversation_id=convo.id)
    assert (state.status, state.snoozed_until) == (InboxStatus.OPEN, None)


def test_a_snooze_must_end_in_the_future_and_snoozing_needs_its_terms(
    store: Store, clock: FrozenClock
) -> None:
    convo = _conversation(store, make_lot(store))
    with pytest.raises(InvalidValue) as past, store.unit_of_work() as uow:
        inbox.snooze(uow, conversation_id=convo.id, until=clock.now())
    with pytest.raises(InvalidValue) as bare, store.unit_of_work() as uow:
        inbox.set_status(uow, conversation_id=convo.id, status=InboxStatus.SNOOZED)
    assert (past.value.field, bare.value.field) == ("until", "status")
    assert _status(store, convo) is InboxStatus.OPEN


def test_acknowledging_or_claiming_a_handoff_takes_the_conversation(store: Store) -> None:
    lot = make_lot(store)
    tom = _colleague(store, lot)
    convo = _conversation(store, lot)
    with store.unit_of_work() as uow:
        inbox.set_status(uow, conversation_id=convo.id, status=InboxStatus.RESOLVED)
        found = handoffs.create_handoff(
            uow,
            dealership_id=lot.dealer.id,
            conversation_id=convo.id,
            customer_id=lot.shopper.id,
            reasons=["financing"],
            confidence=0.9,
        )
        handoffs.page(uow, handoff_id=found.id, staff_id=lot.rep.id, rule="owner")
    with store.reading() as uow:
        assert inbox.state(uow, conversation_id=convo.id).assignee_staff_id is None  # paged only
    with store.unit_of_work() as uow:
        handoffs.ack(uow, handoff_id=found.id, staff_id=lot.rep.id, via="sms")
    with store.reading() as uow:
        state = inbox.state(uow, conversation_id=convo.id)
    assert (state.assignee_staff_id, state.status) == (lot.rep.id, InboxStatus.OPEN)
    with store.unit_of_work() as uow:
        handoffs.claim(uow, handoff_id=found.id, staff_id=tom.id)
    with store.reading() as uow:
        assert inbox.state(uow, conversation_id=convo.id).assignee_staff_id == tom.id


def test_notes_are_trimmed_bounded_and_listed_oldest_first(
    store: Store, clock: FrozenClock
) -> None:
    lot = make_lot(store)
    convo = _conversation(store, lot)
    with store.unit_of_work() as uow:
        first = notes.add_note(
            uow, conversation_id=convo.id, staff_id=lot.rep.id, text="  Wants 0% APR  "
        )
        clock.advance(timedelta(minutes=1))
        notes.add_note(uow, conversation_id=convo.id, staff_id=lot.rep.id, text="x" * 4000)
    for text in ("   ", "x" * 4001):
        with pytest.raises(InvalidValue) as refused, store.unit_of_work() as uow:
            notes.add_note(uow, conversation_id=convo.id, staff_id=lot.rep.id, text=text)
        assert refused.value.field == "text"
    with store.reading() as uow:
        listed = notes.list_notes(uow, conversation_id=convo.id)
    assert [(n.body[:8], n.author_name) for n in listed] == [
        ("Wants 0%", "Maria Lopez"),
        ("xxxxxxxx", "Maria Lopez"),
    ]
    assert listed[0] == first


def test_canned_titles_are_unique_per_owner(store: Store) -> None:
    lot = make_lot(store)
    other = make_lot(store, slug="other-lot")
    tom = _colleague(store, lot)

    def add(dealership_id: int, owner: int | None, title: str = "Hours") -> None:
        with store.unit_of_work() as uow:
            canned.create(
                uow, dealership_id=dealership_id, owner_staff_id=owner, title=title, body="9 to 6"
            )

    add(lot.dealer.id, None)
    add(lot.dealer.id, lot.rep.id)  # a personal one may share a dealership-wide title
    add(lot.dealer.id, tom.id)
    add(other.dealer.id, None)  # another dealership's own
    for owner in (None, lot.rep.id):
        with pytest.raises(InvalidValue) as taken:
            add(lot.dealer.id, owner, title=" Hours ")
        assert taken.value.field == "title"
    with pytest.raises(InvalidValue) as long_title:
        add(lot.dealer.id, None, title="x" * 81)
    assert long_title.value.field == "title"
    with store.reading() as uow:
        mine = canned.list_for(uow, dealership_id=lot.dealer.id, staff_id=lot.rep.id)
    assert [(r.title, r.owner_staff_id) for r in mine] == [
        ("Hours", None),
        ("Hours", lot.rep.id),
    ]


def test_the_migration_gives_claimed_conversations_to_their_claimer(
    store: Store, db_url: str
) -> None:
    lot = make_lot(store)
    convo = _conversation(store, lot)
    quiet = _conversation(store, make_lot(store, slug="lot-b"))
    migrate.downgrade(db_url, "0008")
    with store.unit_of_work() as uow:
        for conversation, customer in ((convo, lot.shopper.id), (quiet, quiet.customer_id)):
            found = handoffs.create_handoff(
                uow,
                dealership_id=conversation.dealership_id,
                conversation_id=conversation.id,
                customer_id=customer,
                reasons=["negotiation"],
                confidence=0.8,
            )
            row = uow.session.get(Handoff, found.id)
            assert row is not None
            if conversation is convo:  # claimed by Maria before the inbox existed
                row.status, row.assigned_staff_id = HandoffStatus.CLAIMED, lot.rep.id
    migrate.upgrade(db_url)
    with store.reading() as uow:
        rows = uow.session.execute(
            sa.select(ConversationInbox.conversation_id, ConversationInbox.assignee_staff_id)
        ).all()
    assert [tuple(r) for r in rows] == [(convo.id, lot.rep.id)]
