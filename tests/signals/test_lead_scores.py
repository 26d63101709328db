"""Many customers' lead scores at once (SQLite and PostgreSQL), as the inbox reads them: the
same value and reasons as one customer's score, in the same number of queries for 3
customers as for 60, each customer's events capped on their own."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from contracts.clock import FrozenClock
from crm_store import (
    appointments,
    customers,
    handoffs,
    shopper_events,
    vehicle_interest,
)
from crm_store.db import Store
from crm_store.shopper_events import NewShopperEvent
from signals.score import Weights
from signals.score_facts import lead_score, lead_scores
from tests.console.test_inbox import _chat as chat
from tests.factories import Lot, make_lot
from tests.signals.test_score_facts import dana_history, views

H = timedelta(hours=1)
DAY = timedelta(days=1)


def new_customer(store: Store, lot: Lot, name: str) -> int:
    with store.unit_of_work() as uow:
        return customers.create_customer(
            uow, dealership_id=lot.dealer.id, source="test", name=name
        ).id


def test_many_scores_are_each_customers_own_score(store: Store, clock: FrozenClock) -> None:
    lot = dana_history(store, clock)  # views, a financing handoff with a budget, a drive
    t0 = clock.now()
    viewer = new_customer(store, lot, "Viewer")
    views(store, lot, viewer, t0 - 2 * H, t0 - DAY, t0 - 5 * DAY)
    driver = new_customer(store, lot, "Driver")
    with store.unit_of_work() as uow:
        appointments.create_appointment(
            uow,
            dealership_id=lot.dealer.id,
            vehicle_id=lot.car.id,
            starts_at=t0 + DAY,
            ends_at=t0 + DAY + H / 2,
            source="test",
            customer_id=driver,
        )
    convo = chat(store, clock, lot, "can I trade in my Civic?", phone=None, name="Financing")
    financing = convo.customer_id
    with store.unit_of_work() as uow:
        found = handoffs.create_handoff(
            uow,
            dealership_id=lot.dealer.id,
            conversation_id=convo.id,
            customer_id=financing,
            reasons=["trade_in", "purchase_intent"],
            confidence=0.9,
        )
        handoffs.set_summary(uow, handoff_id=found.id, summary={"financing": "yes"})
    asker = chat(store, clock, lot, "is U2101 still there?", phone=None, name="Asker").customer_id
    with store.unit_of_work() as uow:
        vehicle_interest.record_asked(
            uow, dealership_id=lot.dealer.id, customer_id=asker, stocks=["U2101"], channel="sms"
        )
    nobody = new_customer(store, lot, "Nobody")
    clock.advance(2 * H)
    everyone = [lot.shopper.id, viewer, driver, financing, asker, nobody]
    weights = Weights(test_drive_booked=40, half_life_hours=48)

    with store.reading() as uow:
        many = lead_scores(uow, dealership_id=lot.dealer.id, customer_ids=everyone, weights=weights)
        one = {
            cid: lead_score(uow, dealership_id=lot.dealer.id, customer_id=cid, weights=weights)
            for cid in everyone
        }

    assert set(many) == set(everyone)
    assert {cid: s.text() for cid, s in many.items()} == {cid: s.text() for cid, s in one.items()}
    assert many == one  # the reasons' codes and points too, not only their words
    # each customer's own facts, nobody else's (all six differ; the empty one scores 0)
    assert len({s.text() for s in many.values()}) == len(everyone)
    assert many[nobody].text() == "0: no signals"
    assert "booked test drive (+40)" in many[driver].text()
    assert "ready to buy" in many[financing].text()
    assert "financing asked" in many[financing].text()
    assert "asked about U2101 by text" in many[asker].text()
    assert "3 views of U2101" in many[viewer].text()


def test_another_dealerships_events_do_not_count(store: Store, clock: FrozenClock) -> None:
    lot = make_lot(store)
    elsewhere = make_lot(store, slug="elsewhere-motors")
    views(store, lot, lot.shopper.id, clock.now() - H)

    with store.reading() as uow:
        theirs = lead_scores(uow, dealership_id=elsewhere.dealer.id, customer_ids=[lot.shopper.id])
        ours = lead_scores(uow, dealership_id=lot.dealer.id, customer_ids=[lot.shopper.id])

    assert "view" not in theirs[lot.shopper.id].text()
    assert "1 view of U2101" in ours[lot.shopper.id].text()


@contextmanager
def counted(store: Store) -> Iterator[list[str]]:
    """The SQL statements run on the store's engine inside the block."""
    statements: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    sa.event.listen(store.engine, "before_cursor_execute", seen)
    try:
        yield statements
    finally:
        sa.event.remove(store.engine, "before_cursor_execute", seen)


def test_sixty_customers_cost_the_queries_of_three(store: Store, clock: FrozenClock) -> None:
    lot = make_lot(store)
    t0 = clock.now()
    ids = []
    for n in range(60):
        cid = chat(store, clock, lot, "still there?", phone=None, name=f"Shopper {n}").customer_id
        views(store, lot, cid, t0 - (n + 1) * H, t0 - (n + 2) * H)
        with store.unit_of_work() as uow:
            vehicle_interest.record_asked(
                uow, dealership_id=lot.dealer.id, customer_id=cid, stocks=["U2101"], channel="sms"
            )
        ids.append(cid)

    def statements(customer_ids: list[int]) -> list[str]:
        with store.reading() as uow, counted(store) as run:
            scores = lead_scores(uow, dealership_id=lot.dealer.id, customer_ids=customer_ids)
        assert all(s.value > 0 for s in scores.values()) and len(scores) == len(customer_ids)
        return run

    three, sixty = statements(ids[:3]), statements(ids)
    assert len(three) == len(sixty)
    assert len([s for s in sixty if s.lstrip().upper().startswith("SELECT")]) == 6


def test_each_customers_events_are_capped_on_their_own(store: Store, clock: FrozenClock) -> None:
    """A runaway sender's events do not crowd out another customer's: the cap is per
    customer, and each keeps their newest."""
    lot = make_lot(store)
    t0 = clock.now()
    quiet = new_customer(store, lot, "Quiet")
    views(store, lot, lot.shopper.id, *(t0 - n * H for n in range(1, 8)))
    views(store, lot, quiet, t0 - 30 * H)
    with store.unit_of_work() as uow:
        shopper_events.record_batch(
            uow,
            dealership_id=lot.dealer.id,
            events=[NewShopperEvent(type="vdp_view", at=t0 - H, stock="U2101")],  # anonymous
        )

    with store.reading() as uow:
        found = shopper_events.latest_events_of(
            uow,
            dealership_id=lot.dealer.id,
            customer_ids=[lot.shopper.id, quiet],
            since=t0 - 2 * DAY,
            limit_each=3,
        )

    assert [e.at for e in found[lot.shopper.id]] == [t0 - 3 * H, t0 - 2 * H, t0 - H]
    assert [e.at for e in found[quiet]] == [t0 - 30 * H]
