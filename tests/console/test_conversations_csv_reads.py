"""The conversations CSV reads only what its rows need: the shoppers, handoffs and test drives
of the conversations started in the period, not every one of the dealership's (a dealership
with years of history would otherwise load all of it for one week's CSV). On both backends."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

from console.conversations_csv import conversations_csv, guard
from contracts.clock import FrozenClock
from crm_store import appointments, conversations, handoffs
from crm_store.db import Store
from crm_store.types import Author, ConversationMode
from crm_store.uow import UnitOfWork
from tests.console.test_conversations_csv import rows, say, start_conversation
from tests.factories import Lot, make_lot

LA = ZoneInfo("America/Los_Angeles")
SATURDAY, SUNDAY = datetime(2026, 3, 7, tzinfo=LA), datetime(2026, 3, 8, tzinfo=LA)


def handed_off_and_booked(store: Store, lot: Lot, convo: int, reason: str, at: datetime) -> None:
    """A handoff of `convo` for `reason`, paged to Maria, and a test drive at `at` booked in it."""
    with store.unit_of_work() as uow:
        shopper = conversations.get_conversation(uow, conversation_id=convo).customer_id
        raised = handoffs.create_handoff(
            uow,
            dealership_id=lot.dealer.id,
            conversation_id=convo,
            customer_id=shopper,
            reasons=[reason],
            confidence=0.9,
        )
        handoffs.page(uow, handoff_id=raised.id, staff_id=lot.rep.id, rule="owner")
        book(uow, lot, at, shopper, convo)


def book(uow: UnitOfWork, lot: Lot, at: datetime, shopper: int, convo: int | None) -> None:
    appointments.create_appointment(
        uow,
        dealership_id=lot.dealer.id,
        vehicle_id=lot.car.id,
        customer_id=shopper,
        conversation_id=convo,
        starts_at=at,
        ends_at=at + timedelta(minutes=30),
        source="assistant",
    )


@contextmanager
def loaded(uow: UnitOfWork) -> Iterator[Counter[str]]:
    """How many rows of each table the session turned into objects meanwhile."""
    counts: Counter[str] = Counter()

    def count(session: Session, instance: object) -> None:
        counts[type(instance).__tablename__] += 1  # type: ignore[attr-defined]

    sa.event.listen(uow.session, "loaded_as_persistent", count)
    try:
        yield counts
    finally:
        sa.event.remove(uow.session, "loaded_as_persistent", count)


def test_history_outside_the_period_is_neither_listed_nor_read(
    store: Store, clock: FrozenClock
) -> None:
    lot = make_lot(store)
    # Friday evening, before the period: Early Bird is handed off and books for Monday
    early, _ = start_conversation(store, lot, "+15551230011", "Early Bird")
    say(store, early, Author.SHOPPER, "what's my trade worth?")
    handed_off_and_booked(store, lot, early, "trade_in", datetime(2026, 3, 9, 11, tzinfo=LA))
    # Saturday, in the period: Ina asks about financing and books; Early Bird writes again
    clock.set(datetime(2026, 3, 7, 10, 0, tzinfo=LA))
    inside, inside_id = start_conversation(store, lot, "+15551230012", "Ina Side")
    say(store, inside, Author.SHOPPER, "can I get financing?")
    clock.advance(timedelta(seconds=5))
    say(store, inside, Author.ASSISTANT, "Let me get our finance team.")
    handed_off_and_booked(store, lot, inside, "financing", datetime(2026, 3, 7, 15, tzinfo=LA))
    clock.set(datetime(2026, 3, 7, 12, 0, tzinfo=LA))
    with store.unit_of_work() as uow:  # Friday's is over: Early Bird's text starts a new one
        conversations.set_mode(uow, conversation_id=early, mode=ConversationMode.CLOSED)
    again, again_id = start_conversation(store, lot, "+15551230011")
    say(store, again, Author.SHOPPER, "is the Civic still there?")
    # Sunday, after the period: Late Comer; and a walk-in drive for Dana, in no conversation
    clock.set(datetime(2026, 3, 8, 9, 0, tzinfo=LA))
    late, _ = start_conversation(store, lot, "+15551230013", "Late Comer")
    handed_off_and_booked(store, lot, late, "price", datetime(2026, 3, 8, 14, tzinfo=LA))
    with store.unit_of_work() as uow:
        book(uow, lot, datetime(2026, 3, 10, 10, tzinfo=LA), lot.shopper.id, None)

    with store.reading() as uow, loaded(uow) as counts:
        text = conversations_csv(uow, dealership_id=lot.dealer.id, start=SATURDAY, end=SUNDAY)

    assert rows(text) == [
        {
            "conversation": guard(inside_id),
            "channel": "sms",
            "started_at": "2026-03-07T10:00:00-08:00",
            "customer": "Ina Side",
            "messages": "2",
            "outcome": "booked; handed off (financing)",
            "salesperson": "Maria Lopez",
            "after_hours": "n",
            "first_reply_seconds": "5",
        },
        {
            "conversation": guard(again_id),
            "channel": "sms",
            "started_at": "2026-03-07T12:00:00-08:00",
            "customer": "Early Bird",
            "messages": "1",
            "outcome": "no action",  # Friday's handoff and drive were another conversation's
            "salesperson": "",
            "after_hours": "n",
            "first_reply_seconds": "",
        },
    ]
    # the two shoppers of the period, Ina's handoff and her drive: nothing of Friday or Sunday
    read = {table: counts[table] for table in ("customers", "handoffs", "appointments")}
    assert read == {"customers": 2, "handoffs": 1, "appointments": 1}
