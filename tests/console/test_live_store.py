"""The live stream's cursor in the store (`crm_store.console_changes`): new messages name
their conversations, a handoff paged, rerouted or reassigned to a staff member is theirs to
hear of (not when they took it themselves, not someone else's, not another dealership's),
and inbox changes move the mark; on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from contracts.clock import FrozenClock
from crm_store import console_changes, handoffs, inbox, staff
from crm_store.console_changes import Mark
from crm_store.db import Store
from crm_store.records import ConversationRecord, StaffRecord
from crm_store.types import Author, InboxStatus
from tests.factories import Lot, make_lot
from tests.store.test_inbox_state import _colleague, _conversation, _says


def _handoff(store: Store, convo: ConversationRecord) -> int:
    with store.unit_of_work() as uow:
        return handoffs.create_handoff(
            uow,
            dealership_id=convo.dealership_id,
            conversation_id=convo.id,
            customer_id=convo.customer_id,
            reasons=["financing", "trade_in"],
            confidence=0.9,
        ).id


def _mark(store: Store, lot: Lot) -> Mark:
    with store.reading() as uow:
        return console_changes.mark(uow, dealership_id=lot.dealer.id)


def _changes(store: Store, member: StaffRecord, since: Mark) -> console_changes.Changes:
    with store.reading() as uow:
        return console_changes.changes(
            uow, dealership_id=member.dealership_id, staff_id=member.id, since=since
        )


def test_new_messages_name_their_conversations_and_move_the_mark(store: Store) -> None:
    lot = make_lot(store)
    first, before = _conversation(store, lot), _mark(store, lot)
    assert _changes(store, lot.rep, before).conversations == ()
    with store.unit_of_work() as uow:
        _says(uow, first, Author.SHOPPER, "Is the Civic still there?")
    found = _changes(store, lot.rep, before)
    assert found.conversations == (first.public_id,)
    assert found.mark != before and found.mark.message_id > before.message_id
    assert _changes(store, lot.rep, found.mark).conversations == ()  # seen once only


def test_a_handoff_paged_to_me_is_mine_to_hear_of_not_my_colleagues(store: Store) -> None:
    lot = make_lot(store)
    tom = _colleague(store, lot)
    convo = _conversation(store, lot)
    before = _mark(store, lot)
    handoff_id = _handoff(store, convo)
    assert _changes(store, lot.rep, before).assigned == ()  # created, nobody paged yet
    with store.unit_of_work() as uow:
        handoffs.page(uow, handoff_id=handoff_id, staff_id=lot.rep.id, rule="owner")
    mine = _changes(store, lot.rep, before).assigned
    assert [(a.handoff_id, a.public_id, a.first_name, a.reasons) for a in mine] == [
        (handoff_id, convo.public_id, "Dana", ("financing", "trade_in"))
    ]
    assert _changes(store, tom, before).assigned == ()
    paged = _mark(store, lot)
    with store.unit_of_work() as uow:  # the ack timeout reroutes it to Tom
        handoffs.page(uow, handoff_id=handoff_id, staff_id=tom.id, rule="next")
    assert [a.handoff_id for a in _changes(store, tom, paged).assigned] == [handoff_id]
    assert _changes(store, lot.rep, paged).assigned == ()
    assert _changes(store, lot.rep, before).assigned == ()  # no longer hers


def test_a_handoff_i_gave_myself_is_no_news_one_a_manager_gave_me_is(store: Store) -> None:
    lot = make_lot(store)
    tom = _colleague(store, lot)
    handoff_id = _handoff(store, _conversation(store, lot))
    before = _mark(store, lot)
    with store.unit_of_work() as uow:
        handoffs.reassign(uow, handoff_id=handoff_id, staff_id=tom.id, by_staff_id=tom.id)
    assert _changes(store, tom, before).assigned == ()
    before = _mark(store, lot)
    with store.unit_of_work() as uow:
        handoffs.reassign(uow, handoff_id=handoff_id, staff_id=lot.rep.id, by_staff_id=tom.id)
    assert [a.handoff_id for a in _changes(store, lot.rep, before).assigned] == [handoff_id]


def test_another_dealerships_changes_are_not_seen(store: Store) -> None:
    lot, other = make_lot(store), make_lot(store, slug="other-motors")
    assert other.dealer.id != lot.dealer.id
    before = _mark(store, lot)
    with store.unit_of_work() as uow:
        member = staff.find_staff(uow, dealership_id=other.dealer.id, handle="maria")
    convo = _conversation(store, other)
    with store.unit_of_work() as uow:
        _says(uow, convo, Author.SHOPPER, "Hello?")
    with store.unit_of_work() as uow:
        handoffs.page(uow, handoff_id=_handoff(store, convo), staff_id=member.id, rule="owner")
    found = _changes(store, lot.rep, before)
    assert (found.mark, found.conversations, found.assigned) == (before, (), ())


def test_an_inbox_change_moves_the_mark(store: Store, clock: FrozenClock) -> None:
    lot = make_lot(store)
    convo = _conversation(store, lot)
    before = _mark(store, lot)
    clock.advance(timedelta(seconds=1))
    with store.unit_of_work() as uow:
        inbox.set_status(uow, conversation_id=convo.id, status=InboxStatus.PENDING)
    after = _mark(store, lot)
    assert after.inbox_us > before.inbox_us
    assert (after.message_id, after.step_id) == (before.message_id, before.step_id)


def test_a_mark_survives_its_token_and_nonsense_is_not_one() -> None:
    mark = Mark(12, 7, 1_764_000_000_000_000, 3)
    assert Mark.parse(mark.token()) == mark
    for bad in (None, "", "1.2", "1.2.3", "a.b.c.d", "1.2.3.4.5", "-1.2.3.4", "9" * 21 + ".1.1.1"):
        assert Mark.parse(bad) is None, bad
