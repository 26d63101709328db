"""The vehicles a customer asked about in a conversation: stored one row per customer and
vehicle (SQLite and PostgreSQL), written by the real pipeline after an assistant turn
(offline engine, demo dealership), and read by a later alert's reason."""

from __future__ import annotations

from datetime import timedelta

from contracts.clock import FrozenClock
from crm_store import alerts, customers, dealerships, vehicle_interest
from crm_store.db import Store
from nightshift.runtime import Runtime
from signals.events import parse_batch
from signals.ingest import ingest
from tests.demo import SLUG, chat
from tests.factories import make_lot

DANA = "+18055550142"


def test_one_row_per_customer_and_vehicle_keeps_first_and_last(store: Store) -> None:
    lot = make_lot(store)
    clock = store.clock
    assert isinstance(clock, FrozenClock)
    first = clock.now()

    def ask(*stocks: str, channel: str = "sms", customer_id: int = lot.shopper.id) -> int:
        with store.unit_of_work() as uow:
            return vehicle_interest.record_asked(
                uow,
                dealership_id=lot.dealer.id,
                customer_id=customer_id,
                stocks=stocks,
                channel=channel,
            )

    assert ask("U2101", "GONE1") == 1  # a stock number not in the inventory is skipped
    clock.advance(timedelta(days=2))
    assert ask("U2101", channel="web") == 1
    with store.unit_of_work() as uow:
        other = customers.create_customer(uow, dealership_id=lot.dealer.id, source="test")
    assert ask("U2101", customer_id=other.id) == 1
    with store.reading() as uow:
        [row] = vehicle_interest.asked_by(uow, customer_id=lot.shopper.id)
        everyone = vehicle_interest.interested_in(
            uow, vehicle_id=lot.car.id, types=("vdp_view",), since=first
        )
    assert (row.vehicle_id, row.channel) == (lot.car.id, "web")
    assert (row.first_at, row.last_at) == (first, clock.now())
    assert sorted(a.customer_id for a in everyone.asked) == sorted([lot.shopper.id, other.id])


def test_a_question_by_text_shows_in_a_later_alerts_reason(
    runtime: Runtime, clock: FrozenClock
) -> None:
    chat(runtime, DANA, "is the N26101 still available?")
    store = runtime.store
    with store.reading() as uow:
        dealer_id = dealerships.id_for_slug(uow, slug=SLUG)
        dana = customers.find_by_phone(uow, dealership_id=dealer_id, phone=DANA)
        assert dana is not None
        [asked] = vehicle_interest.asked_by(uow, customer_id=dana.id)
    assert (asked.channel, asked.first_at) == ("sms", clock.now())
    clock.advance(timedelta(days=1))
    views = [
        {
            "type": "vdp_view",
            "at": (clock.now() - timedelta(hours=3 - i)).isoformat(),
            "customer": {"phone": DANA},
            "vehicle": {"stock": "N26101"},
        }
        for i in range(4)
    ]
    with store.unit_of_work() as uow:
        result = ingest(
            uow, dealership_id=dana.dealership_id, events=parse_batch(views, now=clock.now())
        )
    assert result.alerts == 1
    with store.reading() as uow:
        [alert] = alerts.list_alerts(uow, dealership_id=dana.dealership_id, customer_id=dana.id)
    assert alert.reason == (
        "4th view of the 2026 Civic LX (N26101) in 3 h, last just now; "
        "asked about it by text on Mar 6"
    )
