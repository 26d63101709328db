"""The dealership's booking rules from settings: minimum lead time, a buffer around each drive
of the same car or salesperson, and the slot grid."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from contracts.clock import FrozenClock
from crm_store import appointments, availability
from crm_store.availability import BookingPolicy
from crm_store.db import Store
from tests.factories import make_lot

LA = ZoneInfo("America/Los_Angeles")
SATURDAY = date(2026, 3, 7)


def _local_times(store: Store, policy: BookingPolicy) -> list[str]:
    lot = make_lot(store)
    with store.reading() as uow:
        slots = availability.open_slots_on(
            uow, dealership_id=lot.dealer.id, vehicle_id=lot.car.id, day=SATURDAY, policy=policy
        )
    return [f"{s.starts_at.astimezone(LA):%H:%M}" for s in slots]


def test_a_buffer_keeps_time_free_around_a_drive(store: Store) -> None:
    lot = make_lot(store)
    with store.unit_of_work() as uow:
        appointments.create_appointment(
            uow,
            dealership_id=lot.dealer.id,
            vehicle_id=lot.car.id,
            staff_id=lot.rep.id,
            starts_at=datetime(2026, 3, 7, 11, 0, tzinfo=LA),
            ends_at=datetime(2026, 3, 7, 11, 30, tzinfo=LA),
            source="test",
        )
    policy = BookingPolicy(buffer=timedelta(minutes=15), step=timedelta(minutes=15))
    times = _local_times(store, policy)
    # 10:30 would end at 11:00 and 11:30 start as the other ends: both inside the buffer
    assert "10:15" in times and "11:45" in times
    assert not {"10:30", "10:45", "11:00", "11:15", "11:30"} & set(times)
    without = _local_times(store, BookingPolicy(step=timedelta(minutes=15)))
    assert "10:30" in without and "11:30" in without


def test_lead_time_and_step_come_from_the_policy(store: Store, clock: FrozenClock) -> None:
    clock.set(datetime(2026, 3, 7, 9, 50, tzinfo=LA))
    hourly = BookingPolicy(lead_time=timedelta(hours=2), step=timedelta(hours=1))
    assert _local_times(store, hourly)[:3] == ["12:00", "13:00", "14:00"]
