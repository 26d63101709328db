"""Service visits imported from a CSV file on both backends: each row a `service_visit`
event keyed by its repair order (a re-import stores nothing twice), the visit's mileage
recorded on the owned vehicle when newer (before the rules run, so the alert shows it), a
flagged customer's visit today alerting once; a bad file names every line and column (that
it writes nothing: the CLI test); the rules read a whole batch's ownership in two queries."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from contracts.clock import FrozenClock
from crm_store import alerts, customers
from crm_store.db import Store
from crm_store.ownership import list_ownerships
from signals.csv_rows import CsvProblems
from signals.events import ShopperEvent
from signals.ingest import ingest
from signals.owner_import import import_book_values, import_owners, parse_book_values, parse_owners
from signals.service_import import VisitsImported, import_service_visits, parse_service_visits
from tests.factories import Lot, make_lot
from tests.lifecycle.owners_csv import BOOK_VALUES, OWNERS

LA = ZoneInfo("America/Los_Angeles")
FRIDAY_9AM = datetime(2026, 12, 4, 9, 0, tzinfo=LA)  # Dana's lease ends in 3 months
VISITS = """\
ro_number,visit_at,phone,email,name,vin,mileage,advisor
R-1001,2026-12-04 08:30,555-123-0001,,,7FARW2H87ME012345,"43,500",Sam
R-1002,2026-12-04T08:45:00-08:00,,jane.ortiz@example.com,,1HGCV1F34LA123456,,
R-1003,2026-12-04 08:50,,lee.new@example.com,Lee New,,,
"""
DANA_REASON = (
    "Dana Ruiz is in service at 08:30; 2021 Honda CR-V EX, 43,500 mi; about $4,200 equity"
    " (18%) by book value table; lease ends in 3 months (Mar 5, 2027)"
)


@pytest.fixture
def lot(store: Store, clock: FrozenClock) -> Lot:
    """Dana (known) leasing a CR-V and Jane on a loan past 75% of its term, with the book
    values; Friday 9 AM in Ventura."""
    clock.set(FRIDAY_9AM)
    lot = make_lot(store)
    with store.unit_of_work() as uow:
        import_owners(uow, dealership_id=lot.dealer.id, rows=parse_owners(OWNERS.encode()))
        import_book_values(
            uow, dealership_id=lot.dealer.id, rows=parse_book_values(BOOK_VALUES.encode())
        )
    return lot


def visits(store: Store, lot: Lot, text: str) -> VisitsImported:
    with store.unit_of_work() as uow:
        rows = parse_service_visits(text.encode(), zone=LA, now=uow.now())
        return import_service_visits(uow, dealership_id=lot.dealer.id, rows=rows, zone=LA)


def test_visits_alert_once_with_the_new_mileage_and_a_reimport_stores_nothing(
    store: Store, lot: Lot
) -> None:
    assert visits(store, lot, VISITS) == VisitsImported(
        visits=3, duplicates=0, customers_created=1, mileages_updated=1, alerts=2
    )
    with store.reading() as uow:
        dana = alerts.list_alerts(uow, dealership_id=lot.dealer.id, customer_id=lot.shopper.id)
        fired = alerts.list_alerts(uow, dealership_id=lot.dealer.id)
        mileage = {
            o.vehicle.vin: o.vehicle.mileage
            for o in list_ownerships(uow, dealership_id=lot.dealer.id)
        }
        lee = customers.owners_of_contacts(
            uow, dealership_id=lot.dealer.id, phones=(), emails=["lee.new@example.com"]
        )
    assert [(a.rule, a.reason) for a in dana] == [("service_equity", DANA_REASON)]
    [jane] = [a for a in fired if a.customer_id != lot.shopper.id]
    assert jane.reason.startswith("Jane Ortiz is in service at 08:45; 2020 Honda Accord Sport")
    assert "loan 54 of 60 months in (90%)" in jane.reason
    assert mileage["7FARW2H87ME012345"] == 43_500 and len(lee) == 1  # Lee owns nothing
    assert visits(store, lot, VISITS) == VisitsImported(
        visits=0, duplicates=3, customers_created=0, mileages_updated=0, alerts=0
    )
    with store.reading() as uow:
        assert len(alerts.list_alerts(uow, dealership_id=lot.dealer.id)) == 2


def test_an_older_reading_leaves_the_mileage_and_an_old_visit_does_not_alert(
    store: Store, lot: Lot
) -> None:
    old = (
        "ro_number,visit_at,phone,vin,mileage\n"
        "R-900,2026-11-01 10:00,555-123-0001,7FARW2H87ME012345,39000\n"
    )
    assert visits(store, lot, old) == VisitsImported(
        visits=1, duplicates=0, customers_created=0, mileages_updated=0, alerts=0
    )
    with store.reading() as uow:
        [crv] = [
            o for o in list_ownerships(uow, dealership_id=lot.dealer.id) if o.vehicle.year == 2021
        ]
    assert crv.vehicle.mileage == 41_200  # read on Nov 20, after the visit


def problems(text: str) -> list[str]:
    with pytest.raises(CsvProblems) as caught:
        parse_service_visits(text.encode(), zone=LA, now=FRIDAY_9AM)
    return caught.value.problems


def test_a_bad_file_names_every_line_and_column() -> None:
    bad = (
        "ro_number,visit_at,phone,email,vin,mileage\n"
        "R-1,2026-12-04 08:30,555-123-0001,,7FARW2H87ME01234,\n"
        "R-2,2026-12-04 8:30 AM,555-123-0001,,,\n"
        "R-1,2026-12-04 08:40,,,,12k\n"
        ",2026-12-05 08:30,555-123-0001,,,\n"
    )
    assert problems(bad) == [
        "line 2, column vin: '7FARW2H87ME01234' is not a VIN; expected 17 letters and digits"
        " (no I, O or Q)",
        "line 3, column visit_at: '2026-12-04 8:30 AM' is not a time; expected 2026-05-12 10:00"
        " (dealership time) or ISO 8601",
        "line 4, column phone: empty, and so is email; expected the customer's phone or e-mail",
        "line 4, column mileage: '12k' is not a whole number in range; expected a whole number"
        " from 0 to 2,000,000",
        "line 5, column ro_number: empty; expected ro_number",
        "line 5, column visit_at: '2026-12-05 08:30' is in the future; expected a visit that"
        " happened (an appointment to come is a service_visit event with"
        " properties.appointment_at)",
    ]
    repeated = (
        "ro_number,visit_at,phone\n"
        "R-1,2026-12-04 08:30,5551230001\n"
        "R-1,2026-12-04 08:31,5551230001\n"
    )
    assert problems(repeated) == [
        "line 3, column ro_number: 'R-1' repeats line 2; expected each repair order once"
    ]


def test_the_rules_read_a_batchs_ownership_in_two_queries(store: Store, lot: Lot) -> None:
    people = [f"+1555123{n:04d}" for n in range(1, 30)]
    with store.unit_of_work() as uow:
        for phone in people[2:]:
            customers.upsert_customer(uow, dealership_id=lot.dealer.id, phone=phone)
    now = FRIDAY_9AM - timedelta(minutes=5)
    events = [
        ShopperEvent(type="service_visit", at=now, event_id=f"v{i}", phone=phone)
        for i, phone in enumerate(people)
    ]
    seen: list[str] = []

    def capture(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        if "FROM owned_vehicles" in statement or "FROM book_values" in statement:
            seen.append(statement)

    sa.event.listen(store.engine, "before_cursor_execute", capture)
    try:
        with store.unit_of_work() as uow:
            result = ingest(uow, dealership_id=lot.dealer.id, events=events)
    finally:
        sa.event.remove(store.engine, "before_cursor_execute", capture)
    assert result.alerts == 1  # Dana; Jane is not among them
    assert len(seen) == 2, seen
