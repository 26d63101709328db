"""Service retention (crm_store.retention) on SQLite and PostgreSQL: who counts as sold to and
as back for service at the edges of both windows (a sale exactly N years before, a visit
exactly 12 months before, the end itself excluded), a customer with two vehicles counted
once, vehicles bought elsewhere or undated left out, other event types ignored, another
dealership's data never counted, one salesperson's customers, and the drill-down lists."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from itertools import count

import pytest

from crm_store import customers, ownership, shopper_events
from crm_store.db import Store
from crm_store.errors import InvalidValue
from crm_store.ownership import OwnedVehicleFacts
from crm_store.retention import (
    RetainedCustomer,
    Retention,
    Which,
    Window,
    retention_customers,
    service_retention,
)
from crm_store.shopper_events import NewShopperEvent
from tests.factories import Lot, make_lot
from tests.kpi_world import local

# as of the end of Wed 4 Mar 2026 (Los Angeles): sales since 5 Mar 2023, visits since 5 Mar 2025
WINDOW = Window(
    sold_from=date(2023, 3, 5),
    sold_until=date(2026, 3, 5),
    since=local("2025-03-05 00:00"),
    until=local("2026-03-05 00:00"),
)
_VINS = count(1)


@dataclass(frozen=True)
class Book:
    a: int  # sold exactly 3 years before; a visit exactly 12 months before
    c: int  # two vehicles in the window; a visit one second too early
    e: int  # sold in December; a visit last week
    f: int  # sold in February; a page view, and a visit at the end itself (not counted)
    rep: int


def _customer(store: Store, lot: Lot, name: str, staff_id: int | None = None) -> int:
    with store.unit_of_work() as uow:
        return customers.upsert_customer(
            uow,
            dealership_id=lot.dealer.id,
            phone=f"+1805555{next(_VINS):04d}",
            name=name,
            assigned_staff_id=staff_id,
        ).id


def _sold(store: Store, lot: Lot, customer_id: int, on: date | None, *, here: bool = True) -> None:
    vehicle = OwnedVehicleFacts(
        vin=f"1HGCV1F3XLA{next(_VINS):06d}",
        year=2022,
        make="Honda",
        model="Accord",
        purchased_on=on,
        bought_here=here,
    )
    with store.unit_of_work() as uow:
        ownership.save_owned_vehicle(
            uow, dealership_id=lot.dealer.id, customer_id=customer_id, vehicle=vehicle
        )


def _event(
    store: Store, lot: Lot, customer_id: int, at: datetime, kind: str = "service_visit"
) -> None:
    with store.unit_of_work() as uow:
        shopper_events.record_batch(
            uow,
            dealership_id=lot.dealer.id,
            events=[NewShopperEvent(type=kind, at=at, customer_id=customer_id)],
        )


@pytest.fixture
def book(store: Store) -> Book:
    lot, other = make_lot(store), make_lot(store, slug="other-lot")
    a = _customer(store, lot, "Ana Exact", lot.rep.id)
    _sold(store, lot, a, date(2023, 3, 5))
    _event(store, lot, a, local("2025-03-05 00:00"))

    b = _customer(store, lot, "Ben Early")  # sold a day before the window: not counted
    _sold(store, lot, b, date(2023, 3, 4))
    _event(store, lot, b, local("2026-01-10 09:00"))

    c = _customer(store, lot, "Cam Twice")
    _sold(store, lot, c, date(2024, 1, 10))
    _sold(store, lot, c, date(2025, 6, 1))
    _event(store, lot, c, local("2025-03-04 23:59:59"))

    d = _customer(store, lot, "Dee Elsewhere")  # bought elsewhere: not counted
    _sold(store, lot, d, date(2025, 1, 1), here=False)
    _event(store, lot, d, local("2026-02-01 09:00"))

    e = _customer(store, lot, "Eve Recent")
    _sold(store, lot, e, date(2025, 12, 1))
    _event(store, lot, e, local("2026-02-26 10:00"))

    f = _customer(store, lot, "Fay Lapsed", lot.rep.id)
    _sold(store, lot, f, date(2026, 2, 1))
    _event(store, lot, f, local("2026-02-20 10:00"), kind="page_view")
    _event(store, lot, f, local("2026-03-05 00:00"))

    g = _customer(store, lot, "Gus Today")  # sold on the end day (excluded) or undated
    _sold(store, lot, g, date(2026, 3, 5))
    _sold(store, lot, g, None)
    _event(store, lot, g, local("2026-03-01 10:00"))

    far = _customer(store, other, "Other Lot")  # the other dealership's sale and visit
    _sold(store, other, far, date(2025, 5, 5))
    _event(store, other, far, local("2026-01-05 10:00"))
    return Book(a, c, e, f, lot.rep.id)


def _counts(store: Store, staff_id: int | None = None) -> Retention:
    with store.reading() as uow:
        return service_retention(uow, dealership_id=1, window=WINDOW, staff_id=staff_id)


def _listed(
    store: Store, which: Which, staff_id: int | None = None, limit: int = 100
) -> list[RetainedCustomer]:
    with store.reading() as uow:
        return retention_customers(
            uow, dealership_id=1, window=WINDOW, which=which, staff_id=staff_id, limit=limit
        )


def test_sold_and_returned_at_the_edges_of_both_windows(store: Store, book: Book) -> None:
    found = _counts(store)
    assert found == Retention(sold=4, returned=2)  # a, c, e, f sold; a and e came back
    assert found.rate == 0.5


def test_the_lists_behind_the_figure_latest_sale_first(store: Store, book: Book) -> None:
    sold = _listed(store, "sold")
    assert [(r.customer_id, r.last_sold_on) for r in sold] == [
        (book.f, date(2026, 2, 1)),
        (book.e, date(2025, 12, 1)),
        (book.c, date(2025, 6, 1)),  # two vehicles, one row, the latest sale
        (book.a, date(2023, 3, 5)),
    ]
    assert [r.name for r in sold] == ["Fay Lapsed", "Eve Recent", "Cam Twice", "Ana Exact"]
    assert _listed(store, "returned") == [
        RetainedCustomer(book.e, "Eve Recent", date(2025, 12, 1), local("2026-02-26 10:00")),
        RetainedCustomer(book.a, "Ana Exact", date(2023, 3, 5), local("2025-03-05 00:00")),
    ]
    assert [(r.customer_id, r.last_visit_at) for r in _listed(store, "lapsed")] == [
        (book.f, None),
        (book.c, None),
    ]
    assert [r.customer_id for r in _listed(store, "sold", limit=1)] == [book.f]


def test_one_salespersons_customers(store: Store, book: Book) -> None:
    assert _counts(store, book.rep) == Retention(sold=2, returned=1)
    assert [r.customer_id for r in _listed(store, "lapsed", book.rep)] == [book.f]


def test_another_dealerships_data_never_counts(store: Store, book: Book) -> None:
    with store.reading() as uow:
        other = service_retention(uow, dealership_id=2, window=WINDOW)
        listed = retention_customers(uow, dealership_id=2, window=WINDOW, which="returned")
    assert other == Retention(sold=1, returned=1)
    assert [r.name for r in listed] == ["Other Lot"]


def test_nothing_sold_is_an_undefined_rate_not_zero(store: Store) -> None:
    make_lot(store)
    found = _counts(store)
    assert (found, found.rate) == (Retention(0, 0), None)


@pytest.mark.parametrize(
    "window",
    [
        Window(date(2026, 3, 5), date(2026, 3, 5), WINDOW.since, WINDOW.until),
        Window(WINDOW.sold_from, WINDOW.sold_until, WINDOW.until, WINDOW.since),
        Window(WINDOW.sold_from, WINDOW.sold_until, datetime(2025, 3, 5), WINDOW.until),
    ],
)
def test_a_window_must_be_aware_and_not_empty(store: Store, window: Window) -> None:
    make_lot(store)
    with store.reading() as uow, pytest.raises(InvalidValue):
        service_retention(uow, dealership_id=1, window=window)
