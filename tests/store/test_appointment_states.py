"""Appointment states (booked -> confirmed -> showed / no_show, or cancelled) and the show rate,
on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from contracts.clock import FrozenClock
from crm_store import appointments, show_rate, staff, timeline
from crm_store.db import Store
from crm_store.errors import InvalidValue, NotFound
from crm_store.records import AppointmentRecord, ShowRate, TimelineEventRecord
from crm_store.types import AppointmentStatus, Role
from tests.factories import Lot, make_lot

S = AppointmentStatus
HOUR = timedelta(hours=1)


def _book(store: Store, lot: Lot, starts_at: datetime, staff_id: int | None = -1) -> int:
    """An appointment of `lot`'s car for `lot`'s shopper; `staff_id` -1 means `lot`'s rep."""
    with store.unit_of_work() as uow:
        return appointments.create_appointment(
            uow,
            dealership_id=lot.dealer.id,
            vehicle_id=lot.car.id,
            customer_id=lot.shopper.id,
            staff_id=lot.rep.id if staff_id == -1 else staff_id,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(minutes=30),
            source="test",
        ).id


def _set(
    store: Store, appointment_id: int, status: AppointmentStatus, **kw: Any
) -> AppointmentRecord:
    with store.unit_of_work() as uow:
        return appointments.set_status(uow, appointment_id=appointment_id, status=status, **kw)


def _get(store: Store, appointment_id: int) -> AppointmentRecord:
    with store.unit_of_work() as uow:
        return appointments.get_appointment(uow, appointment_id=appointment_id)


def _events(store: Store, lot: Lot) -> list[TimelineEventRecord]:
    with store.unit_of_work() as uow:
        return [
            e
            for e in timeline.customer_timeline(uow, customer_id=lot.shopper.id)
            if e.kind.startswith("appointment_")
        ]


def _in_state(
    store: Store, clock: FrozenClock, lot: Lot, status: AppointmentStatus
) -> tuple[int, datetime]:
    """An appointment brought to `status` the allowed way; the clock ends after its start."""
    starts_at = clock.now() + HOUR
    appointment_id = _book(store, lot, starts_at)
    if status is S.CONFIRMED:
        _set(store, appointment_id, S.CONFIRMED)
    clock.advance(2 * HOUR)
    if status in (S.SHOWED, S.NO_SHOW, S.CANCELLED):
        _set(store, appointment_id, status)
    assert _get(store, appointment_id).status is status
    return appointment_id, starts_at


def test_booked_to_confirmed_to_showed_puts_each_step_on_the_timeline(
    store: Store, clock: FrozenClock
) -> None:
    lot = make_lot(store)
    starts_at = clock.now() + HOUR
    appointment_id = _book(store, lot, starts_at)

    confirmed = _set(store, appointment_id, S.CONFIRMED, staff_id=lot.rep.id, note="called her")
    assert confirmed.status is S.CONFIRMED and confirmed.sequence == 0
    clock.set(starts_at)  # exactly at the start: it has started
    showed = _set(store, appointment_id, S.SHOWED, staff_id=lot.rep.id)
    assert showed.status is S.SHOWED and _get(store, appointment_id).status is S.SHOWED

    booked, confirm_event, show_event = _events(store, lot)
    assert [booked.kind, confirm_event.kind, show_event.kind] == [
        "appointment_booked",
        "appointment_confirmed",
        "appointment_showed",
    ]
    assert confirm_event.staff_id == lot.rep.id and show_event.staff_id == lot.rep.id
    assert confirm_event.data == {
        "appointment_id": appointment_id,
        "from": "booked",
        "starts_at": starts_at.isoformat(),
        "note": "called her",
    }
    assert show_event.data["from"] == "confirmed" and "note" not in show_event.data
    assert show_event.at == starts_at


@pytest.mark.parametrize("start", [S.BOOKED, S.CONFIRMED])
@pytest.mark.parametrize("end", [S.SHOWED, S.NO_SHOW])
def test_booked_or_confirmed_can_be_marked_once_started(
    store: Store, clock: FrozenClock, start: AppointmentStatus, end: AppointmentStatus
) -> None:
    lot = make_lot(store)
    appointment_id, _ = _in_state(store, clock, lot, start)
    marked = _set(store, appointment_id, end, staff_id=lot.rep.id, note="walk-in lane")
    assert marked.status is end and marked.sequence == 0
    last = _events(store, lot)[-1]
    assert last.kind == f"appointment_{end.value}" and last.staff_id == lot.rep.id
    assert last.data["from"] == start.value and last.data["note"] == "walk-in lane"


@pytest.mark.parametrize("start", [S.BOOKED, S.CONFIRMED])
def test_cancelling_goes_through_cancel_appointment_and_bumps_the_sequence(
    store: Store, clock: FrozenClock, start: AppointmentStatus
) -> None:
    lot = make_lot(store)
    other = _other_rep(store, lot)
    appointment_id = _book(store, lot, clock.now() + HOUR)
    if start is S.CONFIRMED:
        _set(store, appointment_id, S.CONFIRMED)
    cancelled = _set(store, appointment_id, S.CANCELLED, staff_id=other, note="bought elsewhere")
    assert cancelled.status is S.CANCELLED and cancelled.sequence == 1
    last = _events(store, lot)[-1]
    assert last.kind == "appointment_cancelled" and last.staff_id == other
    assert last.data["note"] == "bought elsewhere"


def test_the_shoppers_confirm_reply_is_idempotent(store: Store, clock: FrozenClock) -> None:
    lot = make_lot(store)
    appointment_id = _book(store, lot, clock.now() + HOUR)
    with store.unit_of_work() as uow:
        first = appointments.confirm(uow, appointment_id=appointment_id)
    with store.unit_of_work() as uow:
        again = appointments.confirm(uow, appointment_id=appointment_id)
    assert first == again and again.status is S.CONFIRMED
    kinds = [e.kind for e in _events(store, lot)]
    assert kinds == ["appointment_booked", "appointment_confirmed"]
    confirmed = _events(store, lot)[-1]
    assert confirmed.staff_id is None  # the shopper confirmed, not a staff member


@pytest.mark.parametrize("status", list(S))
def test_asking_for_the_current_status_changes_nothing(
    store: Store, clock: FrozenClock, status: AppointmentStatus
) -> None:
    lot = make_lot(store)
    appointment_id, _ = _in_state(store, clock, lot, status)
    before, events = _get(store, appointment_id), _events(store, lot)
    clock.advance(HOUR)
    assert _set(store, appointment_id, status, staff_id=lot.rep.id) == before
    assert _get(store, appointment_id) == before and _events(store, lot) == events


FORBIDDEN = [
    (S.CONFIRMED, S.BOOKED),
    (S.SHOWED, S.NO_SHOW),
    (S.SHOWED, S.CANCELLED),
    (S.SHOWED, S.CONFIRMED),
    (S.NO_SHOW, S.SHOWED),
    (S.NO_SHOW, S.BOOKED),
    (S.CANCELLED, S.SHOWED),
    (S.CANCELLED, S.CONFIRMED),
    (S.CANCELLED, S.BOOKED),
]


@pytest.mark.parametrize(("start", "end"), FORBIDDEN)
def test_forbidden_changes_name_the_field_and_change_nothing(
    store: Store, clock: FrozenClock, start: AppointmentStatus, end: AppointmentStatus
) -> None:
    lot = make_lot(store)
    appointment_id, _ = _in_state(store, clock, lot, start)
    before, events = _get(store, appointment_id), _events(store, lot)
    with pytest.raises(InvalidValue) as caught:
        _set(store, appointment_id, end, staff_id=lot.rep.id)
    assert caught.value.field == "status" and caught.value.value == end.value
    assert str(caught.value).startswith(f"status: cannot go from {start.value} to {end.value}")
    assert _get(store, appointment_id) == before and _events(store, lot) == events


def test_a_final_state_says_it_is_final(store: Store, clock: FrozenClock) -> None:
    lot = make_lot(store)
    appointment_id, _ = _in_state(store, clock, lot, S.CANCELLED)
    with pytest.raises(InvalidValue) as caught:
        _set(store, appointment_id, S.SHOWED)
    assert str(caught.value) == (
        "status: cannot go from cancelled to showed; "
        "expected 'cancelled' (a cancelled appointment is final)"
    )


def test_showed_or_no_show_before_the_start_is_refused(store: Store, clock: FrozenClock) -> None:
    lot = make_lot(store)
    starts_at = clock.now() + HOUR
    appointment_id = _book(store, lot, starts_at)
    clock.set(starts_at - timedelta(seconds=1))
    for early in (S.SHOWED, S.NO_SHOW):
        with pytest.raises(InvalidValue) as caught:
            _set(store, appointment_id, early, staff_id=lot.rep.id)
        assert caught.value.field == "status"
        assert str(caught.value) == (
            f"status: cannot go from booked to {early.value} before the appointment starts "
            f"(at {starts_at.isoformat()}); expected one of 'booked', 'confirmed', 'cancelled'"
        )
    assert _get(store, appointment_id).status is S.BOOKED
    assert [e.kind for e in _events(store, lot)] == ["appointment_booked"]


def test_confirming_once_started_is_refused(store: Store, clock: FrozenClock) -> None:
    lot = make_lot(store)
    starts_at = clock.now() + HOUR
    appointment_id = _book(store, lot, starts_at)
    clock.set(starts_at)
    with store.unit_of_work() as uow, pytest.raises(InvalidValue) as caught:
        appointments.confirm(uow, appointment_id=appointment_id)
    assert caught.value.field == "status" and "once the appointment has started" in str(
        caught.value
    )
    assert "expected one of 'booked', 'showed', 'no_show', 'cancelled'" in str(caught.value)
    assert _get(store, appointment_id).status is S.BOOKED


def test_an_unknown_appointment_is_not_found(store: Store) -> None:
    make_lot(store)
    with store.unit_of_work() as uow, pytest.raises(NotFound, match="appointment id 999"):
        appointments.set_status(uow, appointment_id=999, status=S.SHOWED)


def test_two_staff_marking_at_once_cannot_both_win(store: Store, clock: FrozenClock) -> None:
    lot = make_lot(store)
    appointment_id, _ = _in_state(store, clock, lot, S.BOOKED)
    # SQLite writers queue on the store's lock as they open their unit of work, so there only
    # PostgreSQL can have both read the row before either writes.
    barrier = threading.Barrier(2 if store.backend == "postgresql" else 1)
    outcomes: list[str] = []

    def mark(status: AppointmentStatus) -> None:
        with store.unit_of_work() as uow:
            appointments.get_appointment(uow, appointment_id=appointment_id)  # read, then race
            barrier.wait(timeout=10)
            try:
                appointments.set_status(uow, appointment_id=appointment_id, status=status)
                outcomes.append(status.value)
            except InvalidValue:
                outcomes.append("refused")

    threads = [threading.Thread(target=mark, args=(s,)) for s in (S.SHOWED, S.NO_SHOW)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(o == "refused" for o in outcomes) == [False, True]
    [winner] = [o for o in outcomes if o != "refused"]
    assert _get(store, appointment_id).status.value == winner
    assert [e.kind for e in _events(store, lot)] == ["appointment_booked", f"appointment_{winner}"]


# -- show rate ---------------------------------------------------------------------------

MONDAY = datetime(2026, 3, 9, 16, 0, tzinfo=UTC)
WEEK = timedelta(days=7)


def _other_rep(store: Store, lot: Lot, handle: str = "jake") -> int:
    with store.unit_of_work() as uow:
        return staff.upsert_staff(
            uow,
            dealership_id=lot.dealer.id,
            handle=handle,
            name=handle.title(),
            role=Role.SALES,
            phone=None,
            email=None,
            shifts={},
        ).id


def _rate(
    store: Store,
    lot: Lot,
    start: datetime = MONDAY,
    end: datetime = MONDAY + WEEK,
    staff_id: int | None = None,
) -> ShowRate:
    with store.unit_of_work() as uow:
        return show_rate.overall(
            uow, dealership_id=lot.dealer.id, start=start, end=end, staff_id=staff_id
        )


def _by_staff(store: Store, lot: Lot, start: datetime = MONDAY) -> dict[int, ShowRate]:
    with store.unit_of_work() as uow:
        return show_rate.by_staff(uow, dealership_id=lot.dealer.id, start=start, end=start + WEEK)


def test_show_rate_overall_and_per_salesperson(store: Store, clock: FrozenClock) -> None:
    lot = make_lot(store)
    elsewhere = make_lot(store, slug="other-store")
    maria, jake = lot.rep.id, _other_rep(store, lot)
    day = timedelta(days=1)
    plan: list[tuple[datetime, int | None, AppointmentStatus]] = [
        (MONDAY, maria, S.SHOWED),  # the first instant of the period counts
        (MONDAY + day, maria, S.NO_SHOW),
        (MONDAY + 2 * day, maria, S.SHOWED),
        (MONDAY + 3 * day, maria, S.BOOKED),  # pending
        (MONDAY + 4 * day, maria, S.CANCELLED),  # left out
        (MONDAY + day + HOUR, jake, S.NO_SHOW),
        (MONDAY + 5 * day, jake, S.CONFIRMED),  # pending
        (MONDAY + 2 * day + HOUR, None, S.SHOWED),  # nobody's: overall only
        (MONDAY - timedelta(minutes=30), maria, S.SHOWED),  # just before the period
        (MONDAY + WEEK, maria, S.SHOWED),  # the end is exclusive
    ]
    booked = [(_book(store, lot, at, who), status) for at, who, status in plan]
    _book(store, elsewhere, MONDAY + day, elsewhere.rep.id)  # another dealership
    for appointment_id, status in booked:
        if status in (S.CONFIRMED, S.CANCELLED):
            _set(store, appointment_id, status)
    clock.set(MONDAY + 2 * WEEK)
    for appointment_id, status in booked:
        if status in (S.SHOWED, S.NO_SHOW):
            _set(store, appointment_id, status, staff_id=maria)

    overall = _rate(store, lot)
    assert overall == ShowRate(booked=7, showed=3, no_show=2, pending=2)
    assert overall.rate == pytest.approx(0.6)
    per = _by_staff(store, lot)
    assert per == {
        maria: ShowRate(booked=4, showed=2, no_show=1, pending=1),
        jake: ShowRate(booked=2, showed=0, no_show=1, pending=1),
    }
    assert per[maria].rate == pytest.approx(2 / 3) and per[jake].rate == 0.0
    assert _rate(store, lot, staff_id=jake) == per[jake]
    assert _rate(store, lot, staff_id=maria) == per[maria]
    # The next week holds only the appointment that starts at this week's (exclusive) end.
    assert _rate(store, lot, start=MONDAY + WEEK, end=MONDAY + 2 * WEEK) == ShowRate(1, 1, 0, 0)


def test_period_bounds_start_inclusive_end_exclusive(store: Store, clock: FrozenClock) -> None:
    lot = make_lot(store)
    at = MONDAY + HOUR
    _book(store, lot, at)
    minute = timedelta(minutes=1)
    assert _rate(store, lot, start=at, end=at + minute).booked == 1
    assert _rate(store, lot, start=at - HOUR, end=at).booked == 0
    assert _rate(store, lot, start=at + minute, end=at + HOUR).booked == 0
    # Bounds in another zone are the same instants.
    pacific = at.astimezone(ZoneInfo("America/Los_Angeles"))
    assert _rate(store, lot, start=pacific, end=pacific + minute).booked == 1


def test_rate_is_none_until_something_is_marked(store: Store, clock: FrozenClock) -> None:
    lot = make_lot(store)
    assert _rate(store, lot) == ShowRate(booked=0, showed=0, no_show=0, pending=0)
    assert _rate(store, lot).rate is None and _by_staff(store, lot) == {}
    _book(store, lot, MONDAY + HOUR)
    pending = _rate(store, lot)
    assert pending == ShowRate(booked=1, showed=0, no_show=0, pending=1) and pending.rate is None
    assert _by_staff(store, lot)[lot.rep.id].rate is None


def test_per_salesperson_counts_come_from_one_grouped_query(
    store: Store, clock: FrozenClock
) -> None:
    lot = make_lot(store)
    jake = _other_rep(store, lot)
    for hour in range(6):
        _book(store, lot, MONDAY + hour * HOUR, lot.rep.id if hour % 2 else jake)
    statements: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    with store.unit_of_work() as uow:
        sa.event.listen(store.engine, "before_cursor_execute", seen)
        try:
            per = show_rate.by_staff(
                uow, dealership_id=lot.dealer.id, start=MONDAY, end=MONDAY + WEEK
            )
        finally:
            sa.event.remove(store.engine, "before_cursor_execute", seen)
    assert {k: v.booked for k, v in per.items()} == {lot.rep.id: 3, jake: 3}
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 1 and "GROUP BY" in selects[0].upper()


def test_period_must_be_aware_and_not_empty(store: Store) -> None:
    lot = make_lot(store)
    with pytest.raises(InvalidValue) as caught:
        _rate(store, lot, start=MONDAY.replace(tzinfo=None))
    assert caught.value.field == "start"
    with pytest.raises(InvalidValue) as caught:
        _rate(store, lot, start=MONDAY, end=MONDAY)
    assert caught.value.field == "end" and "a time after start" in str(caught.value)
