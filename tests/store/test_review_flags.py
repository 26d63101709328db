"""Transcript review's store (crm_store/review.py) on SQLite and PostgreSQL: flags (a tag
from the fixed list, a bounded note, removed one at a time, gone with their conversation),
the text search, the review queue's reasons and a conversation's audit trail."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from contracts.clock import FrozenClock
from crm_store import audit, conversations, customers, handoffs, messages, review, timeline
from crm_store.db import Store
from crm_store.errors import InvalidValue, NotFound
from crm_store.models import Conversation
from crm_store.records import ConversationRecord
from crm_store.types import Author, Channel, Direction
from tests.factories import Lot, make_lot


def _conversation(
    store: Store, lot: Lot, text: str = "hello", phone: str = "5551230001"
) -> ConversationRecord:
    """The open conversation of the shopper with `phone` (new), in which they wrote `text`."""
    with store.unit_of_work() as uow:
        shopper = customers.upsert_customer(uow, dealership_id=lot.dealer.id, phone=phone)
        convo, _ = conversations.open_conversation(
            uow, dealership_id=lot.dealer.id, customer_id=shopper.id, channel=Channel.SMS
        )
        messages.record_message(
            uow,
            conversation_id=convo.id,
            direction=Direction.INBOUND,
            author=Author.SHOPPER,
            body=text,
        )
    return convo


def _day(clock: FrozenClock) -> tuple[datetime, datetime]:
    return clock.now() - timedelta(days=1), clock.now() + timedelta(days=1)


def test_flags_are_added_listed_and_removed_one_at_a_time(store: Store) -> None:
    lot = make_lot(store)
    convo = _conversation(store, lot)
    with store.unit_of_work() as uow:
        first = review.add_flag(
            uow, conversation_id=convo.id, staff_id=lot.rep.id, tag="tone", note="  pushy  "
        )
        review.add_flag(uow, conversation_id=convo.id, staff_id=None, tag="pricing", note="")
    with store.reading() as uow:
        found = review.flags(uow, conversation_id=convo.id)
        assert review.flagged(uow, conversation_ids=[convo.id, convo.id + 1]) == {convo.id}
    assert [(f.tag, f.note, f.staff_name) for f in found] == [
        ("tone", "pushy", lot.rep.name),
        ("pricing", "", None),
    ]
    with store.unit_of_work() as uow:
        with pytest.raises(NotFound):
            review.remove_flag(uow, conversation_id=convo.id + 1, flag_id=first.id)
        review.remove_flag(uow, conversation_id=convo.id, flag_id=first.id)
    with store.reading() as uow:
        assert [f.tag for f in review.flags(uow, conversation_id=convo.id)] == ["pricing"]


def test_a_flag_wants_a_known_tag_and_at_most_1000_characters_of_note(store: Store) -> None:
    lot = make_lot(store)
    convo = _conversation(store, lot)
    with store.unit_of_work() as uow:
        with pytest.raises(InvalidValue, match="tag"):
            review.add_flag(uow, conversation_id=convo.id, staff_id=None, tag="meh", note="")
        with pytest.raises(InvalidValue, match="note"):
            review.add_flag(
                uow, conversation_id=convo.id, staff_id=None, tag="tone", note="x" * 1001
            )
        review.add_flag(uow, conversation_id=convo.id, staff_id=None, tag="tone", note="x" * 1000)


def test_a_conversations_flags_go_with_it(store: Store) -> None:
    lot = make_lot(store)
    convo = _conversation(store, lot)
    with store.unit_of_work() as uow:
        review.add_flag(uow, conversation_id=convo.id, staff_id=lot.rep.id, tag="tone", note="")
        uow.session.execute(sa.delete(Conversation).where(Conversation.id == convo.id))
    with store.reading() as uow:
        assert review.flags(uow, conversation_id=convo.id) == []


def test_the_text_search_ignores_case_and_reads_wildcards_literally(
    store: Store, clock: FrozenClock
) -> None:
    lot = make_lot(store)
    financing = _conversation(store, lot, "Can I get 0% FINANCING_now?")
    with store.reading() as uow:
        lo, hi = _day(clock)

        def search(text: str) -> set[int]:
            return review.with_text(uow, dealership_id=lot.dealer.id, start=lo, end=hi, text=text)

        assert search("financing_NOW") == {financing.id}
        assert search("0%") == {financing.id}
        assert search("g_t") == set()  # "_" is not "any character"
        assert search("1%") == set()
        with pytest.raises(InvalidValue, match="q"):
            search("x" * 101)


def test_the_queue_says_why_each_conversation_is_in_it(store: Store, clock: FrozenClock) -> None:
    lot = make_lot(store)
    quiet, flagged, handed, blocked = (
        _conversation(store, lot, phone=f"555123001{n}") for n in range(4)
    )
    with store.unit_of_work() as uow:
        review.add_flag(uow, conversation_id=flagged.id, staff_id=None, tag="tone", note="")
        handoffs.create_handoff(
            uow,
            dealership_id=lot.dealer.id,
            conversation_id=handed.id,
            customer_id=handed.customer_id,
            reasons=["financing"],
            confidence=1.0,
        )
        for kind in ("guardrail_violation", "fallback_reply"):
            timeline.add_event(
                uow, dealership_id=lot.dealer.id, conversation_id=blocked.id, kind=kind
            )
    with store.reading() as uow:
        lo, hi = _day(clock)
        found = review.queue(uow, dealership_id=lot.dealer.id, start=lo, end=hi)
        later = review.queue(uow, dealership_id=lot.dealer.id, start=hi, end=hi + timedelta(1))
    assert {item.public_id: item.reasons for item in found} == {
        flagged.public_id: ("flagged",),
        handed.public_id: ("handed_off",),
        blocked.public_id: ("guardrail_blocked", "fallback"),
    }
    assert quiet.public_id not in {item.public_id for item in found}
    assert [item.public_id for item in later] == [flagged.public_id]  # flagged: whenever


def test_the_audit_trail_is_the_entries_on_the_given_targets_oldest_first(
    store: Store, clock: FrozenClock
) -> None:
    lot = make_lot(store)
    other = make_lot(store, slug="elsewhere-motors")
    with store.unit_of_work() as uow:
        for dealer_id, action, target in (
            (lot.dealer.id, "first", "conversation:7"),
            (lot.dealer.id, "unrelated", "conversation:8"),
            (other.dealer.id, "theirs", "conversation:7"),
            (lot.dealer.id, "second", "handoff:3"),
        ):
            clock.advance(timedelta(seconds=1))
            audit.record(
                uow, dealership_id=dealer_id, via="console", actor="x", action=action, target=target
            )
    with store.reading() as uow:
        trail = review.audit_trail(
            uow, dealership_id=lot.dealer.id, targets={"conversation:7", "handoff:3"}
        )
    assert [e.action for e in trail] == ["first", "second"]
