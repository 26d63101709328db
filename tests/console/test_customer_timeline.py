"""A customer's timeline (`console.timeline`) on SQLite and PostgreSQL: every kind of entry,
website views collapsed per vehicle and day, newest first, in the dealership's time, paged
without losing or repeating an entry, read in the same few queries however long the
history, and another dealership's customer not found."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa

from console.timeline import Timeline, read_timeline
from console.timeline_entries import Entry
from contracts.clock import FrozenClock
from crm_store import customers, shopper_events, vehicles
from crm_store.db import Store
from crm_store.errors import NotFound
from crm_store.shopper_events import NewShopperEvent
from crm_store.types import Condition, VehicleStatus
from tests.console.customer_story import Story, at, tell
from tests.factories import Lot, make_lot

CIVIC = "2021 Civic EX (U2101)"
OUTBACK = "2026 Outback Wilderness (S6012)"
EXPECTED = [
    ("03-06 09:00", "service_visit", "Service visit: ro: R-1182; work: oil change; mileage: 28900"),
    ("03-05 18:00", "consent", "SMS consent revoked (sms_stop)"),
    ("03-05 14:40", "appointment", f"Showed for the test drive: {CIVIC}, Thu Mar 5 14:00"),
    ("03-05 11:50", "appointment", f"Test drive booked: {CIVIC}, Thu Mar 5 14:00"),
    ("03-05 11:45", "appointment", f"Test drive booked: {OUTBACK}, Sat Mar 7 11:00"),
    ("03-05 11:40", "handoff", "Handed to a person: ready to buy"),
    ("03-05 11:30", "alert", "Alert: 5th view in 40 min"),
    ("03-05 11:20", "note", "Note by Maria Lopez"),
    ("03-05 11:10", "activity", f"viewed {CIVIC} x2, Mar 5 11:00-11:10"),
    ("03-05 10:45", "activity", f"viewed {OUTBACK} x5, Mar 5 10:05-10:45"),
    ("03-05 10:30", "message", "Shopper (web chat)"),
    ("03-05 10:01", "message", "Assistant (SMS)"),
    ("03-05 10:00", "message", "Shopper (SMS)"),
]


def told(store: Store, clock: FrozenClock) -> tuple[Lot, Story]:
    lot = make_lot(store)
    with store.unit_of_work() as uow:
        outback = vehicles.upsert_vehicle(
            uow,
            dealership_id=lot.dealer.id,
            stock="S6012",
            vin="4S4BTGUD0T3100001",
            year=2026,
            make="Subaru",
            model="Outback",
            trim="Wilderness",
            condition=Condition.NEW,
            body="wagon",
            color="Green",
            mileage=5,
            price=Decimal("41995"),
            status=VehicleStatus.AVAILABLE,
            features=[],
        )
    story = tell(store, clock, dealer_id=lot.dealer.id, rep_id=lot.rep.id, cars=(outback, lot.car))
    return lot, story


def read(store: Store, customer_id: int, **options: Any) -> Timeline:
    with store.reading() as uow:
        return read_timeline(uow, customer_id=customer_id, **options)


def lines(entries: tuple[Entry, ...] | list[Entry]) -> list[tuple[str, str, str]]:
    return [(f"{e.at:%m-%d %H:%M}", e.kind, e.title) for e in entries]


def test_every_kind_newest_first_with_views_collapsed(store: Store, clock: FrozenClock) -> None:
    lot, story = told(store, clock)
    shown = read(store, story.customer_id, dealership_id=lot.dealer.id)
    assert lines(shown.entries) == EXPECTED
    assert shown.more_before is None
    assert all(str(e.at.tzinfo) == "America/Los_Angeles" for e in shown.entries)
    by_kind = {e.kind: e for e in reversed(shown.entries)}  # the newest of each kind
    assert by_kind["message"].text == "Does it have CarPlay?"
    assert by_kind["message"].conversation == story.web
    assert by_kind["note"].text == "Call after 5." and by_kind["note"].conversation == story.sms
    assert by_kind["handoff"].meta == "paged, Maria Lopez"
    assert by_kind["alert"].fields["status"] == "new"
    showed, booked = shown.entries[2], shown.entries[3]
    assert showed.meta == booked.meta == "with Maria Lopez · now showed"
    assert shown.entries[4].meta == "with Maria Lopez · now booked"
    assert shown.entries[9].as_json() == {
        "at": "2026-03-05T10:45:00-08:00",
        "kind": "activity",
        "title": f"viewed {OUTBACK} x5, Mar 5 10:05-10:45",
        "type": "vdp_view",
        "vehicle": OUTBACK,
        "stock": "S6012",
        "count": 5,
        "first": "2026-03-05T10:05:00-08:00",
        "last": "2026-03-05T10:45:00-08:00",
    }
    assert (shown.customer.name, shown.customer.email) == ("Dana Ruiz", "dana.ruiz@example.com")


def test_pages_of_one_entry_add_up_to_the_whole_timeline(store: Store, clock: FrozenClock) -> None:
    """Nothing lost or shown twice from one page to the next."""
    _lot, story = told(store, clock)
    seen: list[Entry] = []
    before: datetime | None = None
    for _ in range(len(EXPECTED) + 1):
        page = read(store, story.customer_id, before=before, limit=1)
        assert len(page.entries) == 1
        seen.extend(page.entries)
        if page.more_before is None:
            break
        before = page.more_before
    # a run of views cut by a page's end goes on as its own entry on the next page
    others = [line for line in lines(seen) if line[1] != "activity"]
    assert others == [line for line in EXPECTED if line[1] != "activity"]
    runs = [(e.fields["stock"], e.fields["count"]) for e in seen if e.kind == "activity"]
    assert runs == [("U2101", 2), ("S6012", 2), ("S6012", 3)]  # the web chat came between


def test_a_long_run_of_views_is_paged_without_losing_one(store: Store, clock: FrozenClock) -> None:
    """45 views of one car in a morning, 20 raw events read per entry of a page: pages of one
    entry show the run in parts whose counts add up to 45, then the message before them."""
    lot, story = told(store, clock)
    with store.unit_of_work() as uow:
        other = customers.upsert_customer(uow, dealership_id=lot.dealer.id, phone="8055550199")
        views = [
            NewShopperEvent(
                type="vdp_view",
                at=at(6, 8) + timedelta(minutes=i),
                customer_id=other.id,
                stock=lot.car.stock,
            )
            for i in range(45)
        ]
        shopper_events.record_batch(uow, dealership_id=lot.dealer.id, events=views)
    seen: list[Entry] = []
    before: datetime | None = None
    while len(seen) < 10:
        page = read(store, other.id, before=before, limit=1)
        seen.extend(page.entries)
        if page.more_before is None:
            break
        before = page.more_before
    assert [e.kind for e in seen] == ["activity"] * len(seen)
    assert sum(e.fields["count"] for e in seen) == 45
    assert seen[0].fields["last"] == "2026-03-06T08:44:00-08:00"
    assert seen[-1].fields["first"] == "2026-03-06T08:00:00-08:00"
    assert len(seen) > 1  # the run did not fit one page's reads
    assert story.customer_id != other.id


def test_another_dealerships_customer_is_not_found(store: Store, clock: FrozenClock) -> None:
    _lot, story = told(store, clock)
    other = make_lot(store, slug="desert-sun-toyota")
    with pytest.raises(NotFound):
        read(store, story.customer_id, dealership_id=other.dealer.id)
    with pytest.raises(NotFound):
        read(store, 999_999, dealership_id=other.dealer.id)


@contextmanager
def counted(store: Store) -> Iterator[list[str]]:
    statements: list[str] = []

    def seen(*args: Any) -> None:
        statements.append(str(args[2]))

    sa.event.listen(store.engine, "before_cursor_execute", seen)
    try:
        yield statements
    finally:
        sa.event.remove(store.engine, "before_cursor_execute", seen)


def selects(statements: list[str]) -> list[str]:
    return [s for s in statements if s.lstrip().upper().startswith("SELECT")]


def test_the_same_few_queries_however_long_the_history(store: Store, clock: FrozenClock) -> None:
    lot, story = told(store, clock)
    with counted(store) as first:
        read(store, story.customer_id)
    cars = (lot.car, lot.car)
    tell(store, clock, dealer_id=lot.dealer.id, rep_id=lot.rep.id, cars=cars, days=7)
    with counted(store) as second:
        again = read(store, story.customer_id)
    assert len(again.entries) > len(EXPECTED) + 5  # the story twice (the views collapse)
    # the customer, the dealership and its hours, then one per source and the appointments
    assert len(selects(second)) == len(selects(first)) == 10
