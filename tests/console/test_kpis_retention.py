"""The retention part of the KPI report (console.kpis) on SQLite and PostgreSQL: the show rate
by source over the hand-checked week, with the conversations behind each number; service
retention as of the period's end (a standing figure, the same for any period ending that
day; one salesperson's customers); and the retention window in the dealership's days."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from console import kpi_view
from console.kpi_figures import Bookings, Tally
from console.kpi_lifecycle import SourceBookings
from console.kpis import KpiReport, dealership_kpis, retention_window
from contracts.clock import FrozenClock
from crm_store import customers, ownership, shopper_events
from crm_store.db import Store
from crm_store.errors import InvalidValue
from crm_store.ownership import OwnedVehicleFacts
from crm_store.records import ShowRate
from crm_store.retention import Retention, Window
from crm_store.shopper_events import NewShopperEvent
from tests.factories import Lot, make_lot
from tests.kpi_world import Week, build_week, local

MON, WED, THU = date(2026, 3, 2), date(2026, 3, 4), date(2026, 3, 5)
LA = ZoneInfo("America/Los_Angeles")
NONE = Tally(0, ())


def _report(
    store: Store, lot: Lot, start: date, end: date, staff_id: int | None = None
) -> KpiReport:
    with store.reading() as uow:
        return dealership_kpis(uow, lot.dealer.id, start, end, staff_id=staff_id, ack_minutes=5)


@pytest.fixture
def lot(store: Store) -> Lot:
    return make_lot(store)


@pytest.fixture
def week(store: Store, clock: FrozenClock, lot: Lot) -> Week:
    return build_week(store, clock, lot, make_lot(store, slug="other-lot"))


def _owner(store: Store, lot: Lot, phone: str, sold: date, visit: datetime | None) -> int:
    """A customer sold a vehicle here on `sold`, with a service visit at `visit`."""
    with store.unit_of_work() as uow:
        who = customers.upsert_customer(
            uow, dealership_id=lot.dealer.id, phone=phone, assigned_staff_id=lot.rep.id
        )
        vehicle = OwnedVehicleFacts(
            vin=f"5J6RW2H8{phone[-9:]}", year=2023, make="Honda", model="CR-V",
            purchased_on=sold, bought_here=True,
        )  # fmt: skip
        ownership.save_owned_vehicle(
            uow, dealership_id=lot.dealer.id, customer_id=who.id, vehicle=vehicle
        )
        if visit is not None:
            event = NewShopperEvent(type="service_visit", at=visit, customer_id=who.id)
            shopper_events.record_batch(uow, dealership_id=lot.dealer.id, events=[event])
    return who.id


def test_show_rate_by_source_with_the_conversations_behind_it(
    store: Store, lot: Lot, week: Week
) -> None:
    c1, c2, c3 = (c.public_id for c in (week.c1, week.c2, week.c3))
    report = _report(store, lot, MON, WED)
    assert report.by_source == (
        SourceBookings(
            "sms",
            Bookings(
                test_drives=Tally(2, (c1, c2)),
                showed=Tally(1, (c1,)),
                no_show=NONE,
                show_rate=ShowRate(booked=2, showed=1, no_show=0, pending=1),
            ),
        ),
        SourceBookings("web", Bookings(NONE, NONE, NONE, ShowRate(0, 0, 0, 0))),
        SourceBookings("outreach", Bookings(NONE, NONE, NONE, ShowRate(0, 0, 0, 0))),
        SourceBookings(
            "staff",
            Bookings(
                test_drives=Tally(2, (c3,)),  # and the walk-in, in no conversation
                showed=Tally(1, ()),
                no_show=Tally(1, (c3,)),
                show_rate=ShowRate(booked=2, showed=1, no_show=1, pending=0),
            ),
        ),
    )
    # the split by source adds up to the split by booker
    assert report.by_source[0].bookings.show_rate == report.by_assistant.show_rate
    assert report.by_source[3].bookings.show_rate == report.by_staff.show_rate
    found = kpi_view.figures(report)
    assert found["source:sms:showed"].tally.conversations == (c1,)
    assert found["source:staff:no_show"].label == "Test drives booked from Staff: no show"
    assert kpi_view.show_rate(report.by_source[3].bookings) == "50% (1 of 2 marked)"


def test_service_retention_as_of_the_periods_end(store: Store, lot: Lot) -> None:
    _owner(store, lot, "+18055550901", date(2024, 6, 1), local("2025-09-01 10:00"))
    _owner(store, lot, "+18055550902", date(2023, 3, 5), None)  # exactly 3 years before THU
    _owner(store, lot, "+18055550903", date(2023, 3, 4), local("2026-01-01 10:00"))  # too old
    a_week = _report(store, lot, MON, THU)
    a_day = _report(store, lot, WED, THU)
    assert a_week.retention == a_day.retention == Retention(sold=2, returned=1)
    assert a_week.retention_window == Window(
        date(2023, 3, 5), THU, local("2025-03-05 00:00"), local("2026-03-05 00:00")
    )
    assert _report(store, lot, MON, THU, staff_id=lot.rep.id).retention == Retention(2, 1)
    # a year later the visit is more than 12 months old, and one sale more than 3 years
    later = _report(store, lot, date(2027, 3, 1), date(2027, 3, 5)).retention
    assert later == Retention(sold=1, returned=0)
    with store.reading() as uow:
        assert (
            dealership_kpis(uow, lot.dealer.id, MON, THU, ack_minutes=5, retention_years=1)
        ).retention == Retention(sold=0, returned=0)


def test_a_salesperson_sees_the_retention_of_their_own_customers(
    store: Store, lot: Lot, week: Week
) -> None:
    _owner(store, lot, "+18055550904", date(2025, 6, 1), local("2026-02-01 10:00"))
    assert _report(store, lot, MON, THU, staff_id=week.manager.id).retention == Retention(0, 0)
    assert _report(store, lot, MON, THU, staff_id=lot.rep.id).retention == Retention(1, 1)


def test_the_retention_window_in_the_dealerships_days() -> None:
    # a leap day's year before is 28 Feb; midnights are local, across DST (8 Mar 2026)
    leap = retention_window(date(2028, 2, 29), LA)
    assert (leap.sold_from, leap.sold_until) == (date(2025, 2, 28), date(2028, 2, 29))
    assert leap.since == datetime(2027, 2, 28, 8, tzinfo=UTC)  # PST, UTC-8
    summer = retention_window(date(2026, 3, 9), LA, years=1)
    assert summer.sold_from == date(2025, 3, 9)
    assert (summer.since, summer.until) == (
        datetime(2025, 3, 9, 8, tzinfo=UTC),  # PST before that year's DST (9 Mar 2025)
        datetime(2026, 3, 9, 7, tzinfo=UTC),  # PDT, UTC-7
    )
    with pytest.raises(InvalidValue) as refused:
        retention_window(THU, LA, years=0)
    assert refused.value.field == "retention_years"
