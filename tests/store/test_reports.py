"""The facts behind the KPIs (crm_store.reports), on SQLite and PostgreSQL: which rows belong to
a period, their first-message, page and ack times, and the conversations they click through to."""

from __future__ import annotations

from datetime import datetime

import pytest

from contracts.clock import FrozenClock
from crm_store import inbox, reports, show_rate
from crm_store.db import Store
from crm_store.errors import InvalidValue
from crm_store.records import ShowRate
from crm_store.reports import AppointmentFacts, ConversationFacts, HandoffFacts
from crm_store.types import AppointmentStatus, Author
from tests.factories import make_lot
from tests.kpi_world import Scene, Week, build_week, local

S = AppointmentStatus
START, END = local("2026-03-02 00:00"), local("2026-03-04 00:00")


@pytest.fixture
def week(store: Store, clock: FrozenClock) -> tuple[Week, int, int, int]:
    lot, other = make_lot(store), make_lot(store, slug="other-lot")
    return build_week(store, clock, lot, other), lot.dealer.id, lot.rep.id, other.dealer.id


def _convos(store: Store, dealer: int, staff_id: int | None = None) -> list[ConversationFacts]:
    with store.unit_of_work() as uow:
        return reports.conversations_started(
            uow, dealership_id=dealer, start=START, end=END, staff_id=staff_id
        )


def _handoffs(store: Store, dealer: int, staff_id: int | None = None) -> list[HandoffFacts]:
    with store.unit_of_work() as uow:
        return reports.handoffs_raised(
            uow, dealership_id=dealer, start=START, end=END, staff_id=staff_id
        )


def _drives(store: Store, dealer: int, staff_id: int | None = None) -> list[AppointmentFacts]:
    with store.unit_of_work() as uow:
        return reports.appointments_starting(
            uow, dealership_id=dealer, start=START, end=END, staff_id=staff_id
        )


def test_conversations_started_in_the_period_with_first_message_times_and_bookings(
    store: Store, week: tuple[Week, int, int, int]
) -> None:
    w, dealer, _, _ = week
    found = [
        (c.public_id, c.created_at, c.first_shopper_at, c.first_assistant_reply_at, c.booked)
        for c in _convos(store, dealer)
    ]
    assert found == [
        (w.c1.public_id, local("2026-03-02 08:30"), local("2026-03-02 08:30"),
         local("2026-03-02 08:30:20"), True),
        (w.c2.public_id, local("2026-03-02 10:00"), local("2026-03-02 10:00"),
         local("2026-03-02 10:01"), True),
        (w.c4.public_id, local("2026-03-03 12:00"), None, None, False),  # its booking: cancelled
        (w.c3.public_id, local("2026-03-03 19:30"), local("2026-03-03 19:30"),
         local("2026-03-03 19:30:05"), True),
    ]  # fmt: skip


def test_a_conversation_belongs_to_a_salesperson_by_customer_handoff_or_test_drive(
    store: Store, week: tuple[Week, int, int, int]
) -> None:
    w, dealer, rep, _ = week
    # c1: the rep's customer (and handoff, test drive); c3: the rep's handoff and test drive
    assert [c.public_id for c in _convos(store, dealer, rep)] == [w.c1.public_id, w.c3.public_id]
    # c2: the manager acknowledged its handoff and has its test drive
    assert [c.public_id for c in _convos(store, dealer, w.manager.id)] == [w.c2.public_id]


def test_a_conversation_assigned_in_the_inbox_is_the_assignees(
    store: Store, week: tuple[Week, int, int, int]
) -> None:
    w, dealer, _, _ = week
    with store.unit_of_work() as uow:
        inbox.assign(uow, conversation_id=w.c4.id, staff_id=w.manager.id)
    assert [c.public_id for c in _convos(store, dealer, w.manager.id)] == [
        w.c2.public_id,
        w.c4.public_id,
    ]


def test_the_assistant_reply_counted_is_the_first_after_the_shopper_wrote(
    store: Store, clock: FrozenClock
) -> None:
    scene = Scene(store, clock, make_lot(store))
    convo = scene.at("2026-03-02 11:00").conversation()
    scene.say(convo, Author.ASSISTANT)  # an outreach text the shopper answers later
    scene.at("2026-03-02 12:00").say(convo, Author.STAFF)
    scene.at("2026-03-02 13:00").say(convo, Author.SHOPPER)
    scene.at("2026-03-02 13:00:45").say(convo, Author.ASSISTANT)
    scene.at("2026-03-02 13:05").say(convo, Author.SHOPPER)
    (facts,) = _convos(store, scene.lot.dealer.id)
    assert (facts.first_shopper_at, facts.first_assistant_reply_at) == (
        local("2026-03-02 13:00"),
        local("2026-03-02 13:00:45"),
    )


def test_handoffs_raised_with_first_page_ack_and_first_staff_reply(
    store: Store, week: tuple[Week, int, int, int]
) -> None:
    w, dealer, rep, _ = week
    found = [
        (
            h.public_id,
            h.reasons,
            h.created_at,
            h.first_paged_at,
            h.acked_at,
            h.first_staff_reply_at,
            h.staff_id,
        )
        for h in _handoffs(store, dealer)
    ]
    assert found == [
        (w.c1.public_id, ("financing",), local("2026-03-02 08:31"), local("2026-03-02 09:00"),
         local("2026-03-02 09:03"), local("2026-03-02 09:10"), rep),
        (w.c2.public_id, ("human_requested", "negotiation"), local("2026-03-02 10:02"),
         local("2026-03-02 10:02"), local("2026-03-02 10:09"), None, w.manager.id),
        (w.c3.public_id, ("financing",), local("2026-03-03 19:32"), local("2026-03-03 19:32"),
         None, None, rep),
    ]  # fmt: skip
    assert [h.public_id for h in _handoffs(store, dealer, rep)] == [
        w.c1.public_id,
        w.c3.public_id,
    ]


def test_test_drives_starting_in_the_period_and_who_booked_them(
    store: Store, week: tuple[Week, int, int, int]
) -> None:
    w, dealer, rep, _ = week
    found = [
        (d.public_id, d.source, d.by_assistant, d.status, d.staff_id, d.starts_at)
        for d in _drives(store, dealer)
    ]
    assert found == [
        (w.c1.public_id, "assistant", True, S.SHOWED, rep, local("2026-03-03 10:00")),
        (None, "staff", False, S.SHOWED, w.manager.id, local("2026-03-03 15:00")),
        (w.c2.public_id, "assistant", True, S.BOOKED, w.manager.id, local("2026-03-03 16:00")),
        (w.c3.public_id, "staff", False, S.NO_SHOW, rep, local("2026-03-03 17:00")),
    ]
    assert [d.public_id for d in _drives(store, dealer, rep)] == [w.c1.public_id, w.c3.public_id]


def test_show_rate_by_source_counts_the_same_test_drives(
    store: Store, week: tuple[Week, int, int, int]
) -> None:
    _, dealer, rep, _ = week
    with store.unit_of_work() as uow:
        every = show_rate.by_source(uow, dealership_id=dealer, start=START, end=END)
        reps = show_rate.by_source(uow, dealership_id=dealer, start=START, end=END, staff_id=rep)
    assert every == {
        "assistant": ShowRate(booked=2, showed=1, no_show=0, pending=1),
        "staff": ShowRate(booked=2, showed=1, no_show=1, pending=0),
    }
    assert reps == {
        "assistant": ShowRate(booked=1, showed=1, no_show=0, pending=0),
        "staff": ShowRate(booked=1, showed=0, no_show=1, pending=0),
    }


def test_another_dealership_sees_only_its_own_rows(
    store: Store, week: tuple[Week, int, int, int]
) -> None:
    w, _, _, other = week
    assert [c.public_id for c in _convos(store, other)] == [w.elsewhere.public_id]
    assert [(h.public_id, h.reasons) for h in _handoffs(store, other)] == [
        (w.elsewhere.public_id, ("complaint",))
    ]
    assert [d.public_id for d in _drives(store, other)] == [w.elsewhere.public_id]


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        (datetime(2026, 3, 2), END, "start"),
        (START, datetime(2026, 3, 4), "end"),
        (END, START, "end"),
        (START, START, "end"),
    ],
)
def test_a_period_must_be_aware_and_not_empty(
    store: Store, start: datetime, end: datetime, field: str
) -> None:
    make_lot(store)
    with store.unit_of_work() as uow, pytest.raises(InvalidValue) as refused:
        reports.conversations_started(uow, dealership_id=1, start=start, end=end)
    assert refused.value.field == field
