"""A customer's lead score read from the store (SQLite and PostgreSQL): their events, test
drives, handoffs (reasons and summary), questions and last message, in the window only, and
in the same few queries however many events they have."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from contracts.clock import FrozenClock
from crm_store import (
    appointments,
    conversations,
    customers,
    handoffs,
    messages,
    shopper_events,
    vehicle_interest,
)
from crm_store.db import Store
from crm_store.shopper_events import NewShopperEvent
from crm_store.types import Author, Channel, Direction
from signals.score_facts import lead_score
from tests.factories import Lot, make_lot

H = timedelta(hours=1)
DAY = timedelta(days=1)


def views(store: Store, lot: Lot, customer_id: int, *ats: datetime) -> None:
    with store.unit_of_work() as uow:
        shopper_events.record_batch(
            uow,
            dealership_id=lot.dealer.id,
            events=[
                NewShopperEvent(type="vdp_view", at=at, customer_id=customer_id, stock="U2101")
                for at in ats
            ],
        )


def dana_history(store: Store, clock: FrozenClock) -> Lot:
    """Three views in two days (one 40 days back, outside the window), a text, a financing
    handoff whose summary has a budget, a question about the car, a test drive booked for
    Sunday and one cancelled; someone else's views of the same car. Then 3 hours pass."""
    lot = make_lot(store)
    t0 = clock.now()
    views(store, lot, lot.shopper.id, t0 - 48 * H, t0 - 24 * H, t0 - H, t0 - 40 * DAY)
    with store.unit_of_work() as uow:
        other = customers.create_customer(uow, dealership_id=lot.dealer.id, source="test")
        convo, _ = conversations.open_conversation(
            uow, dealership_id=lot.dealer.id, customer_id=lot.shopper.id, channel=Channel.SMS
        )
        messages.record_message(
            uow,
            conversation_id=convo.id,
            direction=Direction.INBOUND,
            author=Author.SHOPPER,
            body="what would my payments be?",
        )
        handoff = handoffs.create_handoff(
            uow,
            dealership_id=lot.dealer.id,
            conversation_id=convo.id,
            customer_id=lot.shopper.id,
            reasons=["financing"],
            confidence=0.9,
        )
        handoffs.set_summary(uow, handoff_id=handoff.id, summary={"budget": "up to $30,000"})
        vehicle_interest.record_asked(
            uow,
            dealership_id=lot.dealer.id,
            customer_id=lot.shopper.id,
            stocks=["U2101"],
            channel="sms",
        )
        for days in (2, 3):
            booked = appointments.create_appointment(
                uow,
                dealership_id=lot.dealer.id,
                vehicle_id=lot.car.id,
                starts_at=t0 + days * DAY,
                ends_at=t0 + days * DAY + H / 2,
                source="test",
                customer_id=lot.shopper.id,
            )
        appointments.cancel_appointment(uow, appointment_id=booked.id)
    views(store, lot, other.id, *(t0 - n * H for n in range(5)))
    clock.advance(3 * H)
    return lot


def test_the_score_of_a_customer_from_the_store(store: Store, clock: FrozenClock) -> None:
    lot = dana_history(store, clock)
    with store.reading() as uow:
        found = lead_score(uow, dealership_id=lot.dealer.id, customer_id=lot.shopper.id)
        said_now = lead_score(
            uow, dealership_id=lot.dealer.id, customer_id=lot.shopper.id, said=["trade_in"]
        )

    assert found.text() == (
        "79: booked test drive (+30), 3 views of U2101 this week (+14), financing asked (+10),"
        " last active 3 h ago (+9), asked about U2101 by text (+8), budget given (+8)"
    )
    # what the conversation being handed off says counts as said now (and as activity now)
    assert said_now.text().startswith("90: booked test drive (+30), 3 views of U2101 this")
    assert "trade-in mentioned (+10)" in said_now.text()
    assert "last active just now (+10)" in said_now.text()


def test_a_fortnight_later_the_signals_have_faded(store: Store, clock: FrozenClock) -> None:
    lot = dana_history(store, clock)
    clock.advance(14 * DAY)
    with store.reading() as uow:
        later = lead_score(uow, dealership_id=lot.dealer.id, customer_id=lot.shopper.id)

    # the test drive nobody marked fades from its start (12 days ago); what was said
    # two weeks ago rounds to nothing
    assert later.text() == "3: booked test drive (+2), 3 views of U2101 in the last 17 days (+1)"


def test_the_same_queries_however_many_events(store: Store, clock: FrozenClock) -> None:
    lot = dana_history(store, clock)

    def selects() -> list[str]:
        statements: list[str] = []

        def seen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
            statements.append(statement)

        with store.reading() as uow:
            sa.event.listen(store.engine, "before_cursor_execute", seen)
            try:
                lead_score(uow, dealership_id=lot.dealer.id, customer_id=lot.shopper.id)
            finally:
                sa.event.remove(store.engine, "before_cursor_execute", seen)
        return [s for s in statements if s.lstrip().upper().startswith("SELECT")]

    before = selects()
    now = clock.now()
    views(store, lot, lot.shopper.id, *(now - n * timedelta(minutes=10) for n in range(1, 60)))
    after = selects()

    assert len(before) == len(after) == 6
