"""Shopper events stored and stitched to customers, on SQLite and PostgreSQL: idempotent on
event_id, vehicles found by stock or VIN, customers by phone, e-mail or visitor id (a link
made by an earlier event, or the web chat's session), anonymous events joining a customer
when the visitor shows who they are, and the per-person counts the intent rules use."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from contracts.clock import FrozenClock
from crm_store import customers, shopper_events, timeline
from crm_store.db import Store
from crm_store.types import Channel, Consent
from signals.events import parse_batch
from signals.ingest import IngestResult, ingest
from tests.factories import Lot, make_lot


def send(store: Store, lot: Lot, *events: dict[str, Any]) -> IngestResult:
    now = store.clock.now()
    with store.unit_of_work() as uow:
        return ingest(uow, dealership_id=lot.dealer.id, events=parse_batch(list(events), now=now))


def ago(store: Store, minutes: int) -> str:
    return (store.clock.now() - timedelta(minutes=minutes)).isoformat()


def events_of(store: Store, lot: Lot, **who: Any) -> list[shopper_events.ShopperEventRecord]:
    with store.reading() as uow:
        return shopper_events.list_events(uow, dealership_id=lot.dealer.id, **who)


def test_a_batch_is_stored_once_however_often_it_is_sent(store: Store) -> None:
    lot = make_lot(store)
    batch = [
        {"type": "vdp_view", "at": ago(store, 30), "event_id": "e-1", "visitor_id": "v1"},
        {"type": "srp_search", "at": ago(store, 20), "event_id": "e-2", "visitor_id": "v1"},
        {"type": "vdp_view", "at": ago(store, 30), "event_id": "e-1", "visitor_id": "v1"},
        {"type": "vdp_view", "at": ago(store, 10), "visitor_id": "v1"},  # no id: always new
    ]
    first = send(store, lot, *batch)
    assert (first.accepted, first.duplicates) == (3, 1)  # the batch repeats e-1 itself
    again = send(store, lot, *batch[:3])
    assert (again.accepted, again.duplicates) == (0, 3)
    assert len(events_of(store, lot, visitor_id="v1")) == 3
    other = make_lot(store, slug="other-store")  # ids are per dealership
    assert send(store, other, batch[0]).accepted == 1


def test_vehicles_are_found_by_stock_or_vin_and_the_raw_values_kept(store: Store) -> None:
    lot = make_lot(store)
    view = {"type": "vdp_view", "visitor_id": "v2"}
    send(
        store,
        lot,
        {**view, "at": ago(store, 3), "vehicle": {"stock": "U2101"}},
        {**view, "at": ago(store, 2), "vehicle": {"vin": lot.car.vin}},
        {**view, "at": ago(store, 1), "vehicle": {"stock": "GONE1"}},
        {"type": "brochure_download", "at": ago(store, 1), "visitor_id": "v2"},
    )
    by_stock, by_vin, unknown, brochure = events_of(store, lot, visitor_id="v2")
    assert by_stock.vehicle_id == by_vin.vehicle_id == lot.car.id
    assert (by_vin.stock, by_vin.vin) == (None, lot.car.vin)
    assert (unknown.vehicle_id, unknown.stock) == (None, "GONE1")
    assert brochure.type == "brochure_download"  # unknown types are stored too


def test_a_known_customer_is_found_by_phone_or_email_in_any_form(store: Store) -> None:
    lot = make_lot(store)
    with store.unit_of_work() as uow:
        customers.update_contact(uow, customer_id=lot.shopper.id, email="Dana@Ex.com")
    result = send(
        store,
        lot,
        {"type": "price_watch", "at": ago(store, 5), "customer": {"phone": "555-123-0001"}},
        {"type": "trade_in_calculator", "at": ago(store, 4), "customer": {"email": "dana@EX.com"}},
    )
    assert (result.customers_linked, result.customers_created) == (1, 0)
    kinds = [e.type for e in events_of(store, lot, customer_id=lot.shopper.id)]
    assert kinds == ["price_watch", "trade_in_calculator"]


def test_a_visitor_who_chatted_is_the_chat_customer(store: Store) -> None:
    lot = make_lot(store)
    with store.unit_of_work() as uow:
        chatter, _ = customers.get_or_create_by_identity(
            uow, dealership_id=lot.dealer.id, channel=Channel.WEB, external_id="chat-77"
        )
    send(store, lot, {"type": "vdp_view", "at": ago(store, 1), "visitor_id": "chat-77"})
    [event] = events_of(store, lot, customer_id=chatter.id)
    assert event.visitor_id == "chat-77"


def test_anonymous_browsing_joins_the_customer_a_later_event_names(store: Store) -> None:
    lot = make_lot(store)
    anonymous = [
        {"type": "vdp_view", "at": ago(store, 90 - i), "visitor_id": "v3"} for i in range(3)
    ]
    assert send(store, lot, *anonymous).customers_linked == 0
    assert events_of(store, lot, visitor_id="v3")[0].customer_id is None
    named = send(
        store,
        lot,
        {"type": "srp_search", "at": ago(store, 30), "visitor_id": "v3"},  # before, same batch
        {
            "type": "price_watch",
            "at": ago(store, 20),
            "visitor_id": "v3",
            "customer": {"phone": "+15551230001"},
        },
        {"type": "vdp_view", "at": ago(store, 10), "visitor_id": "v3"},  # after: by the link
    )
    assert named.joined == 4 and named.customers_linked == 1
    mine = events_of(store, lot, customer_id=lot.shopper.id)
    assert len(mine) == 6 and {e.visitor_id for e in mine} == {"v3"}
    send(store, lot, {"type": "vdp_view", "at": ago(store, 5), "visitor_id": "v3"})  # later on
    assert len(events_of(store, lot, customer_id=lot.shopper.id)) == 7


def test_a_form_from_nobody_known_makes_a_lead_without_consent(store: Store) -> None:
    lot = make_lot(store)
    send(store, lot, {"type": "vdp_view", "at": ago(store, 9), "visitor_id": "v4"})
    form = {
        "type": "asc_form_submission",
        "at": ago(store, 8),
        "visitor_id": "v4",
        "customer": {"phone": "(805) 555-0199", "email": "new.lead@example.com"},
    }
    made = send(store, lot, form, {**form, "at": ago(store, 7)})  # submitted twice
    assert (made.customers_created, made.customers_linked, made.joined) == (1, 1, 1)
    with store.reading() as uow:
        lead = customers.find_by_phone(uow, dealership_id=lot.dealer.id, phone="+18055550199")
        assert lead is not None
        kinds = [e.kind for e in timeline.customer_timeline(uow, customer_id=lead.id)]
    assert lead.email == "new.lead@example.com" and lead.sms_consent is Consent.UNKNOWN
    assert "customer_created" in kinds
    assert [e.type for e in events_of(store, lot, customer_id=lead.id)] == [
        "vdp_view",
        "form_submission",
        "form_submission",
    ]
    assert send(store, lot, {"type": "form_submission", "at": ago(store, 1)}).customers_created == 0


def test_a_form_from_a_chat_visitor_gives_the_chat_customer_its_contacts(store: Store) -> None:
    lot = make_lot(store)
    with store.unit_of_work() as uow:
        chatter, _ = customers.get_or_create_by_identity(
            uow, dealership_id=lot.dealer.id, channel=Channel.WEB, external_id="chat-88"
        )
    form = {
        "type": "form_submission",
        "at": ago(store, 2),
        "visitor_id": "chat-88",
        "customer": {"email": "sam@example.com"},
    }
    assert send(store, lot, form).customers_created == 0
    with store.reading() as uow:
        assert customers.get_customer(uow, customer_id=chatter.id).email == "sam@example.com"


def test_web_chat_opened_later_takes_the_visitors_earlier_events(store: Store) -> None:
    lot = make_lot(store)
    send(
        store,
        lot,
        *[{"type": "vdp_view", "at": ago(store, 9 - i), "visitor_id": "w-1"} for i in range(2)],
    )
    with store.unit_of_work() as uow:
        chatter, _ = customers.get_or_create_by_identity(
            uow, dealership_id=lot.dealer.id, channel=Channel.WEB, external_id="w-1"
        )
        customers.update_contact(uow, customer_id=chatter.id, phone="805-555-0123")
    assert len(events_of(store, lot, customer_id=chatter.id)) == 2
    send(
        store,
        lot,
        {"type": "price_watch", "at": ago(store, 1), "customer": {"phone": "+18055550123"}},
    )
    assert len(events_of(store, lot, customer_id=chatter.id)) == 3


@pytest.mark.parametrize("who", ["customer", "visitor"])
def test_counts_by_type_vehicle_and_window(store: Store, clock: FrozenClock, who: str) -> None:
    lot = make_lot(store)
    other = make_lot(store, slug="other-store")
    person: dict[str, Any] = {"visitor_id": "v5"}
    if who == "customer":
        person["customer"] = {"phone": "+15551230001"}
    view = {"type": "vdp_view", "vehicle": {"stock": "U2101"}, **person}
    send(store, lot, *[{**view, "at": ago(store, m)} for m in (48 * 60, 47 * 60, 60, 1)])
    send(store, lot, {"type": "srp_search", "at": ago(store, 1), **person})
    send(store, other, {**view, "at": ago(store, 1)})  # another dealership's shopper
    key: dict[str, Any] = (
        {"customer_id": lot.shopper.id} if who == "customer" else {"visitor_id": "v5"}
    )

    def count(**more: Any) -> int:
        with store.reading() as uow:
            return shopper_events.count_events(uow, dealership_id=lot.dealer.id, **key, **more)

    since = clock.now() - timedelta(hours=48)
    assert count(type="vdp_view", vehicle_id=lot.car.id, since=since) == 4  # the edge counts
    assert count(type="vdp_view", vehicle_id=lot.car.id, since=since + timedelta(seconds=1)) == 3
    assert count(type="vdp_view", since=since, until=clock.now() - timedelta(minutes=1)) == 3
    assert count(type="srp_search") == 1 and count() == 5
    assert count(type="vdp_view", vehicle_id=other.car.id) == 0


def test_a_person_is_named_exactly_once(store: Store) -> None:
    lot = make_lot(store)
    with store.reading() as uow, pytest.raises(ValueError, match="exactly one"):
        shopper_events.count_events(uow, dealership_id=lot.dealer.id)


def test_over_the_limit_the_oldest_events_are_left_out(store: Store) -> None:
    lot = make_lot(store)
    views = [
        {"type": "vdp_view", "at": ago(store, 50 - i), "event_id": f"v-{i}", "visitor_id": "v9"}
        for i in range(5)
    ]
    send(store, lot, *views)
    with store.reading() as uow:
        latest = shopper_events.list_events(
            uow, dealership_id=lot.dealer.id, visitor_id="v9", limit=3
        )
    assert [e.event_id for e in latest] == ["v-2", "v-3", "v-4"]  # the newest, oldest first


def test_a_customers_window_is_read_through_its_own_index(store: Store) -> None:
    """The rules' read of one customer's events must not walk the dealership's (SQLite chose
    the dealership-and-time index before 0015: the read grew with every shopper's events)."""
    if store.engine.dialect.name != "sqlite":
        pytest.skip("the query plan checked is SQLite's (PostgreSQL picks by statistics)")
    lot = make_lot(store)
    seen: list[tuple[str, Any]] = []

    def capture(conn: Any, cursor: Any, statement: str, params: Any, *_: Any) -> None:
        if "FROM shopper_events" in statement:
            seen.append((statement, params))

    sa.event.listen(store.engine, "before_cursor_execute", capture)
    try:
        with store.reading() as uow:
            shopper_events.list_events(
                uow,
                dealership_id=lot.dealer.id,
                customer_id=lot.shopper.id,
                since=store.clock.now() - timedelta(days=17),
            )
    finally:
        sa.event.remove(store.engine, "before_cursor_execute", capture)
    (statement, params), *_ = seen
    with store.engine.connect() as conn:
        plan = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", params).all()
    assert "ix_shopper_events_customer_at" in " ".join(str(row) for row in plan), plan
