"""No double booking, enforced by the database on both backends: 50 shoppers racing for one
slot get exactly one booking; the database itself refuses an overlapping row even when the
availability check is skipped."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.exc import IntegrityError

from crm_store import appointments, availability, customers
from crm_store.availability import SlotUnavailable
from crm_store.db import Store
from crm_store.records import AppointmentRecord
from tests.factories import make_lot

LA = ZoneInfo("America/Los_Angeles")
SATURDAY_10 = datetime(2026, 3, 7, 10, 0, tzinfo=LA)


def test_fifty_concurrent_bookings_of_one_slot_make_exactly_one(store: Store) -> None:
    lot = make_lot(store)
    with store.unit_of_work() as uow:
        shoppers = [
            customers.upsert_customer(
                uow, dealership_id=lot.dealer.id, phone=f"+1555200{n:04d}", name=f"Shopper {n}"
            ).id
            for n in range(50)
        ]
    start = threading.Barrier(50)
    booked: list[AppointmentRecord] = []
    refused: list[SlotUnavailable] = []
    crashed: list[BaseException] = []
    lock = threading.Lock()

    def attempt(customer_id: int) -> None:
        start.wait()
        try:
            with store.unit_of_work() as uow:
                record = availability.book(
                    uow,
                    dealership_id=lot.dealer.id,
                    vehicle_id=lot.car.id,
                    starts_at=SATURDAY_10,
                    customer_id=customer_id,
                    conversation_id=None,
                )
            with lock:
                booked.append(record)
        except SlotUnavailable as exc:
            with lock:
                refused.append(exc)
        except BaseException as exc:  # reported below: any other outcome is a bug
            with lock:
                crashed.append(exc)

    threads = [threading.Thread(target=attempt, args=(c,)) for c in shoppers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert crashed == []
    assert len(booked) == 1 and len(refused) == 49
    assert {exc.reason for exc in refused} == {"slot taken"}
    for exc in refused:
        offered = [slot.starts_at for slot in exc.alternatives]
        assert len(offered) == 3 and SATURDAY_10 not in offered
    with store.reading() as uow:
        standing = appointments.list_appointments(uow, dealership_id=lot.dealer.id)
    assert [(a.starts_at, a.customer_id) for a in standing] == [
        (SATURDAY_10, booked[0].customer_id)
    ]


@pytest.mark.parametrize("shift", [timedelta(0), timedelta(minutes=15), timedelta(minutes=-29)])
def test_the_database_refuses_an_overlap_the_check_did_not_see(
    store: Store, shift: timedelta
) -> None:
    lot = make_lot(store)
    length = timedelta(minutes=30)
    with store.unit_of_work() as uow:
        appointments.create_appointment(
            uow,
            dealership_id=lot.dealer.id,
            vehicle_id=lot.car.id,
            staff_id=lot.rep.id,
            starts_at=SATURDAY_10,
            ends_at=SATURDAY_10 + length,
            source="test",
        )
    with pytest.raises(IntegrityError) as refused, store.unit_of_work() as uow:
        appointments.create_appointment(  # same car, overlapping, no check in between
            uow,
            dealership_id=lot.dealer.id,
            vehicle_id=lot.car.id,
            starts_at=SATURDAY_10 + shift,
            ends_at=SATURDAY_10 + shift + length,
            source="test",
        )
    assert availability.is_overlap(refused.value)


def test_back_to_back_and_cancelled_slots_are_not_overlaps(store: Store) -> None:
    lot = make_lot(store)
    length = timedelta(minutes=30)

    def create(at: datetime) -> AppointmentRecord:
        with store.unit_of_work() as uow:
            return appointments.create_appointment(
                uow,
                dealership_id=lot.dealer.id,
                vehicle_id=lot.car.id,
                staff_id=lot.rep.id,
                starts_at=at,
                ends_at=at + length,
                source="test",
            )

    first = create(SATURDAY_10)
    create(SATURDAY_10 + length)  # starts when the first ends
    with store.unit_of_work() as uow:
        appointments.cancel_appointment(uow, appointment_id=first.id)
    create(SATURDAY_10)  # the cancelled one no longer holds its slot


def test_a_reschedule_onto_a_taken_slot_is_refused_and_keeps_the_old_time(store: Store) -> None:
    lot = make_lot(store)
    with store.unit_of_work() as uow:
        other = customers.upsert_customer(uow, dealership_id=lot.dealer.id, phone="+15552009999")
        mine = availability.book(
            uow,
            dealership_id=lot.dealer.id,
            vehicle_id=lot.car.id,
            starts_at=SATURDAY_10,
            customer_id=lot.shopper.id,
            conversation_id=None,
        )
        availability.book(
            uow,
            dealership_id=lot.dealer.id,
            vehicle_id=lot.car.id,
            starts_at=SATURDAY_10 + timedelta(hours=1),
            customer_id=other.id,
            conversation_id=None,
        )
    with pytest.raises(SlotUnavailable) as refused, store.unit_of_work() as uow:
        availability.reschedule(
            uow, appointment_id=mine.id, starts_at=SATURDAY_10 + timedelta(hours=1)
        )
    assert refused.value.reason == "slot taken" and refused.value.alternatives
    with store.reading() as uow:
        assert appointments.get_appointment(uow, appointment_id=mine.id).starts_at == SATURDAY_10
