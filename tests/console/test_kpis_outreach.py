"""Outreach in the KPI report (crm_store.outreach_kpis, console.kpi_lifecycle) on SQLite and
PostgreSQL: of the outreach texts sent in the period, those answered and those that led to a
test drive within 7 days, with their conversations; texts suppressed, sent outside the
period or by another dealership left out; a test drive booked by the assistant after a text
counted under `outreach` in the show rate by source; one salesperson's customers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from console import kpi_view
from console.kpi_figures import Share, Tally
from console.kpis import KpiReport, dealership_kpis
from contracts.clock import FrozenClock
from crm_store import conversations, customers, messages, outreach, outreach_kpis
from crm_store.db import Store
from crm_store.errors import InvalidValue
from crm_store.outreach import AttemptReason, CampaignKind
from crm_store.records import ConversationRecord
from crm_store.types import Author, Channel, Direction
from tests.factories import Lot, make_lot
from tests.kpi_world import SHOWED, Scene, local

MON, WED = date(2026, 3, 2), date(2026, 3, 4)


@dataclass(frozen=True)
class Sent:
    booked: ConversationRecord  # answered within the hour, test drive booked -> showed
    late: ConversationRecord  # answered exactly 7 x 24 h later: too late
    silent: ConversationRecord  # never answered


def _text(
    store: Store, lot: Lot, campaign: int, phone: str, owner: int | None = None
) -> ConversationRecord:
    """An outreach text sent now (the clock) to a new customer, in a new conversation."""
    with store.unit_of_work() as uow:
        who = customers.upsert_customer(
            uow, dealership_id=lot.dealer.id, phone=phone, assigned_staff_id=owner
        )
        convo, _ = conversations.open_conversation(
            uow, dealership_id=lot.dealer.id, customer_id=who.id, channel=Channel.SMS
        )
        stored = messages.record_message(
            uow,
            conversation_id=convo.id,
            direction=Direction.OUTBOUND,
            author=Author.ASSISTANT,
            body="The Civic you looked at dropped in price.",
        )
        attempt = outreach.add_attempt(
            uow, campaign_id=campaign, dealership_id=lot.dealer.id, customer_id=who.id,
            send_at=uow.now(),
        )  # fmt: skip
        outreach.mark_sent(
            uow, attempt_id=attempt.id, message_id=stored.message.id, conversation_id=convo.id
        )
    return convo


def _campaign(store: Store, lot: Lot) -> int:
    with store.unit_of_work() as uow:
        return outreach.create_campaign(
            uow, dealership_id=lot.dealer.id, kind=CampaignKind.PRICE_DROP, name="March",
            template="The Civic you looked at dropped in price.", created_by="test",
        ).id  # fmt: skip


@pytest.fixture
def lot(store: Store) -> Lot:
    return make_lot(store)


@pytest.fixture
def sent(store: Store, clock: FrozenClock, lot: Lot) -> Sent:
    other = make_lot(store, slug="other-lot")
    campaign, far = _campaign(store, lot), _campaign(store, other)
    s = Scene(store, clock, lot)
    s.at("2026-03-02 10:00")
    booked = _text(store, lot, campaign, "+18055550801", owner=lot.rep.id)
    s.at("2026-03-02 10:30").say(booked, Author.SHOPPER)
    drive = s.at("2026-03-02 10:31").book(
        booked, "2026-03-03 11:00", source="assistant", staff_id=lot.rep.id
    )
    s.at("2026-03-02 12:00")
    late = _text(store, lot, campaign, "+18055550802")
    s.at("2026-03-03 09:00")
    silent = _text(store, lot, campaign, "+18055550803")
    _text(store, other, far, "+18055550804")  # the other dealership's, in the period
    with store.unit_of_work() as uow:  # suppressed: never sent, not counted
        who = customers.upsert_customer(uow, dealership_id=lot.dealer.id, phone="+18055550805")
        outreach.add_attempt(
            uow, campaign_id=campaign, dealership_id=lot.dealer.id, customer_id=who.id,
            send_at=None, reason=AttemptReason.NO_CONSENT,
        )  # fmt: skip
    s.at("2026-03-04 09:00")
    _text(store, lot, campaign, "+18055550806")  # after the period
    # 168 hours after the text (a local hour later, across the DST change): too late
    s.at("2026-03-09 13:00").say(late, Author.SHOPPER)
    s.mark(drive, SHOWED)
    return Sent(booked, late, silent)


def _report(store: Store, lot: Lot, staff_id: int | None = None) -> KpiReport:
    with store.reading() as uow:
        return dealership_kpis(uow, lot.dealer.id, MON, WED, staff_id=staff_id, ack_minutes=5)


def test_outreach_reply_and_booking_rates_with_their_conversations(
    store: Store, lot: Lot, sent: Sent
) -> None:
    every = Tally(3, (sent.booked.public_id, sent.late.public_id, sent.silent.public_id))
    booked = Tally(1, (sent.booked.public_id,))
    report = _report(store, lot)
    assert report.outreach_replied == Share(booked, every)
    assert report.outreach_booked == Share(booked, every)
    assert report.outreach_replied.rate == pytest.approx(1 / 3)
    found = kpi_view.figures(report)
    assert found["outreach_sent"].tally == every
    assert found["outreach_replied"].tally.conversations == (sent.booked.public_id,)
    with store.reading() as uow:
        week = dealership_kpis(uow, lot.dealer.id, MON, WED, ack_minutes=5, outreach_days=8)
    assert week.outreach_replied.part.count == 2  # the late answer, within 8 days


def test_the_facts_are_the_first_answer_and_booking_after_each_text(
    store: Store, lot: Lot, sent: Sent
) -> None:
    start, end = local("2026-03-02 00:00"), local("2026-03-04 00:00")
    with store.reading() as uow:
        facts = outreach_kpis.outreach_sent(uow, dealership_id=lot.dealer.id, start=start, end=end)
        with pytest.raises(InvalidValue) as refused:
            outreach_kpis.outreach_sent(uow, dealership_id=lot.dealer.id, start=end, end=start)
    assert refused.value.field == "end"
    assert [(f.public_id, f.sent_at, f.first_reply_at, f.first_booking_at) for f in facts] == [
        (
            sent.booked.public_id,
            *map(local, ("2026-03-02 10:00", "2026-03-02 10:30", "2026-03-02 10:31")),
        ),
        (sent.late.public_id, local("2026-03-02 12:00"), local("2026-03-09 13:00"), None),
        (sent.silent.public_id, local("2026-03-03 09:00"), None, None),
    ]


def test_a_test_drive_booked_after_an_outreach_text_counts_under_outreach(
    store: Store, lot: Lot, sent: Sent
) -> None:
    sources = {s.source: s.bookings for s in _report(store, lot).by_source}
    assert sources["outreach"].showed == Tally(1, (sent.booked.public_id,))
    assert sources["sms"].test_drives.count == 0


def test_a_salesperson_sees_the_outreach_to_their_customers(
    store: Store, lot: Lot, sent: Sent
) -> None:
    mine = _report(store, lot, staff_id=lot.rep.id)
    assert mine.outreach_replied == Share(
        Tally(1, (sent.booked.public_id,)), Tally(1, (sent.booked.public_id,))
    )


def test_nothing_sent_is_an_undefined_rate(store: Store, lot: Lot) -> None:
    report = _report(store, lot)
    assert report.outreach_booked.rate is None and report.outreach_booked.whole.count == 0
    with store.reading() as uow, pytest.raises(InvalidValue) as refused:
        dealership_kpis(uow, lot.dealer.id, MON, WED, ack_minutes=5, outreach_days=0)
    assert refused.value.field == "outreach_days"
