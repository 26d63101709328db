"""Where a test drive's booking came from (crm_store.show_rate.drives_by_channel), on SQLite
and PostgreSQL, over the hand-checked week (tests/kpi_world.py) plus an assistant booking in
the web conversation: the assistant's bookings by their conversation's channel, everything
else staff, cancelled ones and other periods or dealerships left out, one salesperson's."""

from __future__ import annotations

import pytest

from contracts.clock import FrozenClock
from crm_store import show_rate
from crm_store.db import Store
from crm_store.show_rate import SourcedDrive, booking_source
from crm_store.types import AppointmentStatus, Channel
from tests.factories import make_lot
from tests.kpi_world import NO_SHOW, Scene, Week, build_week, local

S = AppointmentStatus
START, END = local("2026-03-02 00:00"), local("2026-03-04 00:00")


@pytest.fixture
def week(store: Store, clock: FrozenClock) -> tuple[Week, int, int]:
    lot = make_lot(store)
    w = build_week(store, clock, lot, make_lot(store, slug="other-lot"))
    s = Scene(store, clock, lot)
    web = s.book(w.c3, "2026-03-03 18:00", source="assistant", staff_id=w.manager.id)
    s.at("2026-03-05 12:00").mark(web, NO_SHOW)
    return w, lot.dealer.id, lot.rep.id


def _drives(store: Store, dealer: int, staff_id: int | None = None) -> list[SourcedDrive]:
    with store.reading() as uow:
        return show_rate.drives_by_channel(
            uow, dealership_id=dealer, start=START, end=END, staff_id=staff_id
        )


def test_each_test_drive_with_where_its_booking_came_from(
    store: Store, week: tuple[Week, int, int]
) -> None:
    w, dealer, rep = week
    assert _drives(store, dealer) == [
        SourcedDrive(w.c1.public_id, "sms", S.SHOWED),
        SourcedDrive(None, "staff", S.SHOWED),  # the walk-in
        SourcedDrive(w.c2.public_id, "sms", S.BOOKED),
        SourcedDrive(w.c3.public_id, "staff", S.NO_SHOW),  # booked by staff in a web chat
        SourcedDrive(w.c3.public_id, "web", S.NO_SHOW),
    ]
    assert _drives(store, dealer, rep) == [
        SourcedDrive(w.c1.public_id, "sms", S.SHOWED),
        SourcedDrive(w.c3.public_id, "staff", S.NO_SHOW),
    ]


def test_the_same_test_drives_as_the_show_rate(store: Store, week: tuple[Week, int, int]) -> None:
    _, dealer, _ = week
    with store.reading() as uow:
        every = show_rate.overall(uow, dealership_id=dealer, start=START, end=END)
    drives = _drives(store, dealer)
    assert every.booked == len(drives)
    assert every.showed == sum(d.status is S.SHOWED for d in drives)
    assert every.no_show == sum(d.status is S.NO_SHOW for d in drives)


@pytest.mark.parametrize(
    ("source", "channel", "expected"),
    [
        ("assistant", Channel.SMS, "sms"),
        ("assistant", Channel.WEB, "web"),
        ("staff", Channel.SMS, "staff"),
        ("import", None, "staff"),
        ("assistant", None, "assistant"),
    ],
)
def test_booking_source_names(source: str, channel: Channel | None, expected: str) -> None:
    assert booking_source(source, channel) == expected
