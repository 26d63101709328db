"""Bookings on the days the clocks change (America/Los_Angeles 2026-03-08 spring forward,
2026-11-01 fall back) land at the wall time the shopper asked for, in the store and in the
calendar file."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import icalendar
import pytest

from booking.invites import appointment_ics
from contracts.clock import FrozenClock
from contracts.messages import InboundMessage
from crm_store import appointments, customers, dealerships, staff, vehicles
from nightshift.runtime import Runtime
from tests.demo import SLUG

LA = ZoneInfo("America/Los_Angeles")
PHONE = "+18055550155"


@pytest.mark.parametrize(
    ("evening_before", "utc"),
    [
        (datetime(2026, 3, 7, 19, 30, tzinfo=LA), datetime(2026, 3, 8, 17, 0, tzinfo=UTC)),
        (datetime(2026, 10, 31, 19, 30, tzinfo=LA), datetime(2026, 11, 1, 18, 0, tzinfo=UTC)),
    ],
    ids=["spring-forward", "fall-back"],
)
def test_tomorrow_at_10am_is_10am_local_on_a_dst_change_day(
    runtime: Runtime, clock: FrozenClock, evening_before: datetime, utc: datetime
) -> None:
    clock.set(evening_before)
    result = runtime.pipeline.handle_inbound(
        InboundMessage(SLUG, "sms", PHONE, "can i test drive the subaru outback tomorrow at 10am")
    )
    assert "10:00 AM" in result.replies[0].body
    with runtime.store.reading() as uow:
        dealer = dealerships.get_dealership(uow, slug=SLUG)
        shopper = customers.find_by_phone(uow, dealership_id=dealer.id, phone=PHONE)
        assert shopper is not None
        [appt] = appointments.upcoming_for_customer(uow, customer_id=shopper.id)
        car = vehicles.get_vehicle_by_id(uow, vehicle_id=appt.vehicle_id)
        rep = staff.get_staff(uow, staff_id=appt.staff_id) if appt.staff_id else None
    assert appt.starts_at == utc
    assert appt.starts_at.astimezone(LA).hour == 10
    ics = appointment_ics(
        appointment=appt,
        dealership=dealer,
        vehicle=car,
        staff=rep,
        customer=shopper,
        method="REQUEST",
        now=clock.now(),
        organizer_email="desk@example.com",
    )
    [event] = icalendar.Calendar.from_ical(ics).walk("VEVENT")
    start = event.decoded("DTSTART")
    assert start == utc and (start.hour, str(start.tzinfo)) == (10, "America/Los_Angeles")
